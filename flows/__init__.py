"""Prefect flows: thin wiring over the plain functions in `duanka`.

Importing this package switches Prefect's analytics off (the machines it runs
on are often offline), keeps Prefect's local state in the project folder,
uses the local Prefect server when one is running, authenticates to it (or
to the temporary server a flow starts) with the installation's auth string,
and masks identifiers in the log records Prefect shows and stores
(duanka/export/mask.py).

The flow modules do without `from __future__ import annotations`: Prefect validates a deployed
run's parameters against the flow's annotations, and string annotations of imported types (the
Engine and Lang enums) are not resolved there (PrefectHQ/prefect#19447).
"""

import os
import sys

from duanka import prefect_server
from duanka.settings import project_root

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("PREFECT_HOME", str(project_root() / ".prefect"))

# With the local Prefect server running (`duanka prefect start`), runs go to it and show in its UI.
if "PREFECT_API_URL" not in os.environ and prefect_server.running_pid():
    os.environ["PREFECT_API_URL"] = prefect_server.api_url()
prefect_server.authenticate(os.environ)
if "prefect.context" in sys.modules:  # Prefect read its settings before: read them again
    from prefect.context import refresh_global_settings_context

    refresh_global_settings_context()

# Imported only now: Prefect reads its settings (above) when first imported.
from prefect.logging.configuration import ensure_logging_setup  # noqa: E402

from duanka.export.mask import mask_logs  # noqa: E402

ensure_logging_setup()  # Prefect's handlers, which get the mask
mask_logs()
