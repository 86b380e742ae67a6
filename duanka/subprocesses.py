"""Helper processes: started in a clean interpreter, heard from or declared dead, ended with their parent."""

from __future__ import annotations

import ctypes
import multiprocessing as mp
import os
import queue
import signal
import sys
from collections.abc import Callable
from multiprocessing.process import BaseProcess
from typing import Any

from duanka.errors import DuankaError

_SPAWN = mp.get_context("spawn")  # a clean interpreter: the parent's threads are not forked
_PR_SET_PDEATHSIG = 1


def channel(maxsize: int = 0) -> mp.Queue[Any]:
    """A queue between this process and a helper `start` starts."""
    return _SPAWN.Queue(maxsize)


def start(target: Callable[..., None], args: tuple[Any, ...], name: str) -> BaseProcess:
    """Start a helper process that dies with its parent."""
    process = _SPAWN.Process(target=target, args=args, name=name, daemon=True)
    process.start()
    return process


def receive(source: mp.Queue[Any], helper: BaseProcess, doing: str) -> Any:
    """The next item from `helper`; if it died instead, say so rather than wait for ever."""
    while True:
        try:
            return source.get(timeout=1.0)
        except queue.Empty:
            if not helper.is_alive():
                raise DuankaError(f"The process {doing} stopped (exit code {helper.exitcode}).") from None


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
