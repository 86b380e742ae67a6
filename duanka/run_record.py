"""A Run node's properties as one pipeline step records them (queries/pipeline/write_run.cypher).

`SET r += $run` writes whatever it is handed: every record is checked here against what graphmodel/schema.py
declares of a Run, so an undeclared property fails before it reaches the graph, its docs and its readers.
"""

from __future__ import annotations

from typing import Any

from duanka.errors import DuankaError
from graphmodel.schema import RUN


def run_record(**fields: Any) -> dict[str, Any]:
    """`fields` as a Run's properties, every one declared on RUN."""
    undeclared = sorted(set(fields) - RUN.names())
    if undeclared:
        raise DuankaError(f"a Run: {', '.join(undeclared)} not declared in graphmodel/schema.py")
    return fields
