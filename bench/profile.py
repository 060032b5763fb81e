"""Sampling the server under load with py-spy (``spwt bench ... --profile DIR``).

py-spy attaches to the running server from outside (no code change, no slowdown inside
the server beyond the sampling) and writes collapsed stacks: one line per distinct stack,
``frame;frame;frame count``. ``summary()`` turns them into the hot spots: where the
samples are (self) and what they are under (inclusive), by function.

Only the thread holding the GIL is sampled (``--gil``): py-spy's idle detection counted
the event loop's ``epoll_wait`` and the SQLite writer's waits for work as busy (11 s of
samples for 3 s of CPU), so the shares described wall time, not CPU. C code that keeps
the GIL (orjson, uvloop's socket writes) is still counted, in the Python line calling it.

py-spy is not a dependency of the project: ``pip install py-spy`` to use ``--profile``.
"""

from __future__ import annotations

import shutil
import subprocess
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

RATE = 250  # samples per second


def start(pid: int, seconds: float, output: Path) -> subprocess.Popen[bytes] | None:
    """Start sampling ``pid`` (and its children) for ``seconds``; None without py-spy."""
    spy = shutil.which("py-spy")
    if spy is None:
        print("# --profile: py-spy is not installed (pip install py-spy)")
        return None
    output.parent.mkdir(parents=True, exist_ok=True)
    command = [spy, "record", "--pid", str(pid), "--duration", str(max(1, round(seconds))),
               "--rate", str(RATE), "--format", "raw", "--output", str(output),
               "--subprocesses", "--nonblocking", "--gil"]  # fmt: skip
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def finish(process: subprocess.Popen[bytes] | None, timeout: float = 30) -> None:
    if process is None:
        return
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.terminate()
        process.wait()


def _function(frame: str) -> str:
    """``name (path/to/file.py:12)`` -> ``name (file.py)``: lines apart, one function."""
    name, _, where = frame.partition(" (")
    path = where.rsplit(":", 1)[0].rstrip(")")
    short = "/".join(Path(path).parts[-2:]) if path else "?"
    return f"{name} ({short})"


def _stacks(raw: Path) -> Iterator[tuple[list[str], int]]:
    """py-spy's collapsed stacks: each stack's functions, outermost first, and its samples."""
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if stack and count.isdigit():
            yield [_function(f) for f in stack.split(";")], int(count)


def summary(raw: Path, top: int = 15) -> str:
    """The ``top`` functions by self samples and by inclusive samples, as text."""
    own: Counter[str] = Counter()
    under: Counter[str] = Counter()
    total = 0
    for frames, n in _stacks(raw):
        total += n
        own[frames[-1]] += n
        for name in set(frames):
            under[name] += n
    if total == 0:
        return "no samples"
    lines = [f"{total} samples ({total / RATE:.1f} s busy, idle excluded)", "self:"]
    lines += [f"  {100 * n / total:5.1f}%  {name}" for name, n in own.most_common(top)]
    lines.append("inclusive:")
    lines += [f"  {100 * n / total:5.1f}%  {name}" for name, n in under.most_common(top * 2)]
    return "\n".join(lines)


#: Where a sample's time goes, by the first frame from the leaf that matches: (area,
#: substring of ``function (file)``). The order is the leaf-first precedence.
AREAS: tuple[tuple[str, str], ...] = (
    ("deflate", "permessage_deflate"),
    ("write to the socket, encoded once (send_now)", "send_now (server/transport.py)"),
    ("websockets: frame encoding", "websockets/frames.py"),
    ("websockets: protocol send", "websockets/protocol.py"),
    ("uvicorn ASGI send", "send (websockets/websockets_sansio_impl.py)"),
    ("Starlette WebSocket send", "send (starlette/websockets.py)"),
    ("Starlette WebSocket send", "send_text (starlette/websockets.py)"),
    ("Connection.send (per recipient)", "rooms/connection.py"),
    ("serialise frames (orjson, once per view)", "frames (rooms/core.py)"),
    ("serialise frames (orjson, once per view)", "part (rooms/core.py)"),
    ("serialise frames (orjson, once per view)", "frame (rooms/core.py)"),
    ("store (SQLite append)", "store/"),
    ("pydantic", "pydantic"),
    ("per-recipient views", "state/views.py"),
    ("reducer (rules)", "state/"),
    ("receive: websockets parser, uvicorn", "websockets/"),
    ("receive: websockets parser, uvicorn", "uvicorn/"),
    ("receive: session, decode op", "rooms/session.py"),
    ("receive: session, decode op", "rooms/protocol.py"),
    ("room commit loop", "rooms/room.py"),
    ("room core", "rooms/core.py"),
    ("asyncio", "asyncio/"),
)


def areas(raw: Path) -> list[tuple[str, float]]:
    """Shares of the samples by area (``AREAS``), largest first; "other" for the rest."""
    share: Counter[str] = Counter()
    total = 0
    for stack, n in _stacks(raw):
        total += n
        frames = stack[::-1]
        area = next((name for frame in frames for name, part in AREAS if part in frame), "other")
        share[area] += n
    return [(name, n / total) for name, n in share.most_common()] if total else []


if __name__ == "__main__":  # python -m bench.profile FILE...: the areas of each profile
    import sys

    for given in sys.argv[1:]:
        print(f"{given}:")
        for name, part in areas(Path(given)):
            print(f"  {100 * part:5.1f}%  {name}")
