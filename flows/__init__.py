"""Prefect flows: thin wiring over the plain functions in `duanka`.

Importing this package switches Prefect's analytics off (the machines it runs
on are often offline) and keeps Prefect's local state in the project folder.
"""

import os

from duanka.settings import project_root

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("PREFECT_HOME", str(project_root() / ".prefect"))
