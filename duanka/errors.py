"""Errors a user can act on: the CLI prints them as one line, without a traceback.

Only `Unavailable` (and the driver's own transient errors) is worth a retry:
a malformed file or a bad value fails the same way every time, so a flow's
retries are spent on nothing but lost connections and deadlocks.
"""

from __future__ import annotations

from typing import Any


class DuankaError(Exception):
    """A failure with a message that says what to do about it."""


class Unavailable(DuankaError):
    """Neo4j could not be reached or dropped the connection: the same step may succeed when tried again."""


def is_transient(exc: BaseException | None) -> bool:
    """Whether a retry can succeed: Neo4j unreachable, a dropped session, a deadlock, a timeout."""
    from neo4j.exceptions import ServiceUnavailable, SessionExpired, TransientError

    seen = 0
    while exc is not None and seen < 20:
        if isinstance(
            exc, (Unavailable, ServiceUnavailable, SessionExpired, TransientError, ConnectionError, TimeoutError)
        ):
            return True
        exc, seen = exc.__cause__ or exc.__context__, seen + 1
    return False


def retry_if_transient(task: Any, task_run: Any, state: Any) -> bool:
    """Prefect's retry_condition_fn: retry a failed task only when its error was transient."""
    try:
        state.result()
    except BaseException as exc:
        return is_transient(exc)
    return False
