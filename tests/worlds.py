"""Worlds built once and shared by the tests that read them: generated extracts, and the database loaded
with one of them.

A loaded world is named by what built it. A test asking for the world the database already holds gets it
as it is, unless anything was written since the world was built (a test that decided, loaded, detected or
emptied): then the database is emptied and the world built again. Whether anything was written is read
from the end of the server's transaction log, which every committed write lengthens and no read touches,
so a test never sees another test's writes however the suite is ordered or cut.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from pathlib import Path
from typing import Any

from duanka import db
from duanka.settings import Settings
from graphmodel.apply import apply_schema

Mark = tuple[int, int]  # the transaction log's newest file, and how far it reaches


def written_up_to(settings: Settings) -> Mark:
    """How far the database's transaction log reaches: the newest log file's number and its length."""
    folder = settings.local.home / "data" / "transactions" / settings.connection.database
    logs = [(int(p.suffix[1:]), p.stat().st_size) for p in folder.glob("neostore.transaction.db.*")]
    return max(logs, default=(-1, 0))


class LoadedWorlds:
    """The world the test database holds, by name, and where its transaction log stood once it was built."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.held: tuple[Hashable, Mark, Any] | None = None
        self.builds = 0

    def hold(self, name: Hashable, build: Callable[[], Any]) -> Any:
        """The database holding the world `name` (built by `build` into an emptied database, when it is not
        there untouched); what `build` returned when it built it."""
        if self.held is not None and self.held[0] == name and self.held[1] == written_up_to(self.settings):
            return self.held[2]
        self.held = None
        before = written_up_to(self.settings)
        db.empty_database(self.settings)
        with db.session(self.settings) as sess:
            apply_schema(sess)
        value = build()
        after = written_up_to(self.settings)
        self.builds += 1
        if after != before:  # a log that did not move cannot tell an untouched world: never share then
            self.held = (name, after, value)
        return value


class GeneratedWorlds:
    """Extracts generated once a session, by their generator's arguments: tests read them, never write."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.made: dict[tuple[Any, ...], Path] = {}

    def extract(self, scenario: str = "demo", **options: Any) -> Path:
        """The extract `duanka.generate.generate(scenario, **options)` writes, generated on first use."""
        from duanka.generate import generate

        key = (scenario, *sorted(options.items()))
        if key not in self.made:
            out = self.root / f"world-{len(self.made)}"
            generate(out, scenario, **options)
            self.made[key] = out
        return self.made[key]
