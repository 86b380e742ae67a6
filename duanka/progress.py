"""Progress of long steps: Prefect logs it always; a terminal command may also watch it as rich bars."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TaskID, TextColumn, TimeElapsedColumn

_watchers: list[Callable[[str, int], None]] = []


def report(step: str, rows: int) -> None:
    """`rows` more rows of `step` are done."""
    for watch in _watchers:
        watch(step, rows)


@contextmanager
def bars(console: Console) -> Iterator[None]:
    """Show a line per step with its running row count while the block runs (only on a terminal)."""
    if not console.is_terminal:
        yield
        return
    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description:<22}"),
        TextColumn("{task.completed:>12,.0f} rows"),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    ) as progress:
        tasks: dict[str, TaskID] = {}

        def watch(step: str, rows: int) -> None:
            if step not in tasks:
                tasks[step] = progress.add_task(step, total=None)
            progress.advance(tasks[step], rows)

        _watchers.append(watch)
        try:
            yield
        finally:
            _watchers.remove(watch)
