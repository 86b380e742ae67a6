"""A shared world is handed on only while nothing has written to the database since it was built."""

from __future__ import annotations

from worlds import LoadedWorlds, written_up_to

from duanka import db
from duanka.settings import Settings


def _count(settings: Settings) -> int:
    with db.session(settings) as sess:
        return int(sess.run("MATCH (n:Person) RETURN count(n) AS n").single()["n"])


def _write(settings: Settings, person_id: str) -> None:
    with db.session(settings) as sess:
        sess.run("CREATE (:Person {person_id: $id})", id=person_id).consume()


def test_reads_leave_the_mark_and_writes_move_it(empty_db: Settings) -> None:
    before = written_up_to(empty_db)
    _count(empty_db)
    assert written_up_to(empty_db) == before
    _write(empty_db, "P-mark")
    assert written_up_to(empty_db) > before


def test_a_world_is_built_again_only_after_a_write(empty_db: Settings) -> None:
    worlds = LoadedWorlds(empty_db)

    def build() -> int:
        _write(empty_db, "P-world")
        return _count(empty_db)

    assert worlds.hold("one person", build) == 1 and worlds.builds == 1
    assert worlds.hold("one person", build) == 1 and worlds.builds == 1  # untouched: handed on
    _write(empty_db, "P-stray")
    assert _count(empty_db) == 2
    assert worlds.hold("one person", build) == 1 and worlds.builds == 2  # written to: emptied and built again
    assert _count(empty_db) == 1
    assert worlds.hold("another", build) == 1 and worlds.builds == 3  # another world: never the one held
