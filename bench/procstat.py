"""CPU seconds and resident memory of a server's process tree, read from ``/proc``.

A server started with ``--workers 2`` is a parent and its children, so every figure is a
sum over the tree. Peak RSS is sampled by a background thread (the sum of the tree's
resident sets, every ``interval`` s); for a one-process server the kernel's own high-water
mark (``VmHWM``) is exact, and the larger of the two is reported.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from pathlib import Path

TICKS = os.sysconf("SC_CLK_TCK")
PROC = Path("/proc")


def _children(pid: int) -> list[int]:
    found: list[int] = []
    for task in (PROC / str(pid) / "task").glob("*/children"):
        try:
            found += [int(p) for p in task.read_text().split()]
        except OSError:
            continue
    return found


def tree(pid: int) -> list[int]:
    """``pid`` and all its descendants alive now."""
    pids, todo = [], [pid]
    while todo and len(pids) < 1000:
        current = todo.pop()
        pids.append(current)
        todo += _children(current)
    return pids


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of the tree (children that already exited are not counted)."""
    total = 0
    for p in tree(pid):
        try:
            fields = (PROC / str(p) / "stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / TICKS


def _status_kb(pid: int, key: str) -> int:
    try:
        for line in (PROC / str(pid) / "status").read_text().splitlines():
            if line.startswith(key):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def rss_bytes(pid: int) -> int:
    """Resident memory of the tree now."""
    return sum(_status_kb(p, "VmRSS:") for p in tree(pid)) * 1024


def hwm_bytes(pid: int) -> int:
    """The sum of each process's own peak resident memory."""
    return sum(_status_kb(p, "VmHWM:") for p in tree(pid)) * 1024


class PeakSampler:
    """Samples the tree's RSS in a thread until ``stop()``; ``peak`` is the largest seen.

    ``pid`` is asked each time: a restarted server has a new one (None while it is down).
    """

    def __init__(self, pid: Callable[[], int | None], interval: float = 0.05) -> None:
        self.pid = pid
        self.hwm = 0
        self.interval = interval
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True, name="rss-sampler")
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            pid = self.pid()
            if pid is None:
                continue
            self.peak = max(self.peak, rss_bytes(pid))
            if len(tree(pid)) == 1:
                self.hwm = max(self.hwm, hwm_bytes(pid))

    def stop(self) -> int:
        """The peak; call it while the server still runs, for its last high-water mark."""
        self._stop.set()
        self._thread.join(timeout=2)
        pid = self.pid()
        if pid is not None and len(tree(pid)) == 1:
            self.hwm = max(self.hwm, hwm_bytes(pid))
        return max(self.peak, self.hwm)
