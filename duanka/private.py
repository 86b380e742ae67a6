"""Everything duanka writes is its owner's alone: exports, case files and the work directory hold the
identity numbers, phone numbers and bank cards of whole provinces.

Each entry point (the `duanka` command, each flow) calls `owner_only` first, so every file and folder
made afterwards — by duanka, Prefect, Dask workers, or the Neo4j server it starts — is 0600 / 0700.
A file meant for others is shared by its owner's own `chmod`.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

UMASK = 0o077  # no bit for group or others: files 0600, folders 0700


def owner_only() -> None:
    """Files and folders this process and its children make from now on: readable by their owner only.
    A stricter umask already set is kept."""
    os.umask(os.umask(UMASK) | UMASK)


def private_folder(path: Path) -> Path:
    """`path` made (with its parents) if missing and set to 0700, also when it was made before with a looser
    mode: what it holds is then out of everyone else's reach, whatever their own modes."""
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(path, 0o700)
    return path


def private_tree(path: Path) -> None:
    """`path` (made if missing) and everything under it stripped of group and other bits, links left alone:
    what an earlier version wrote with the default umask becomes its owner's alone too."""
    private_folder(path)
    for folder, dirs, files in os.walk(path):
        for name in dirs + files:
            entry = os.path.join(folder, name)
            mode = os.lstat(entry).st_mode
            if not stat.S_ISLNK(mode) and mode & 0o077:
                os.chmod(entry, stat.S_IMODE(mode) & ~0o077)
