"""Helper processes that end with the process that started them."""

from __future__ import annotations

import ctypes
import multiprocessing as mp
import os
import signal
import sys

_PR_SET_PDEATHSIG = 1


def die_with_parent() -> None:
    """Ask Linux to kill this process when its parent dies, even by SIGKILL.

    A helper left running after its loader was killed would keep writing (or
    block forever on a full queue); with this it goes at once. Elsewhere than
    Linux it is a no-op.
    """
    if not sys.platform.startswith("linux"):
        return
    parent = mp.parent_process()
    ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if parent is not None and os.getppid() != parent.pid:  # it died before the request took effect
        os._exit(1)
