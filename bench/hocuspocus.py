"""Hocuspocus, the Node.js Yjs backend, with its SQLite extension: a baseline of ``spwt bench``.

The server script and its pinned dependencies live in ``bench/hocuspocus/``; nothing of
npm's is committed. On first use ``ensure()`` copies them into a cache folder outside the
repository (``$SPWT_BENCH_CACHE`` or ``~/.cache/spwt-bench``, one folder per
``package.json``, so a change of pins installs afresh) and runs
``npm install --no-audit --no-fund`` there with the machine's node and npm. better-sqlite3
is a native module: without a prebuilt binary npm compiles it (about 3 minutes on 2 cores).

Where node or npm is missing, or the install fails, ``ensure()`` says why and the bench
skips the target with that note; ``installed()`` answers without installing (the smoke
test uses it, so that a test run never downloads from npm).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from pathlib import Path

SOURCE = Path(__file__).resolve().parent / "hocuspocus"
SCRIPT = "server.mjs"
DONE = ".installed"  # written after a successful install; its absence means "not yet"
INSTALL_TIMEOUT = 900.0  # s: the native build of better-sqlite3 takes minutes


def cache_root() -> Path:
    given = os.environ.get("SPWT_BENCH_CACHE")
    if given:
        return Path(given)
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "spwt-bench"


def folder() -> Path:
    """Where this ``package.json``'s install lives."""
    pins = hashlib.sha256((SOURCE / "package.json").read_bytes()).hexdigest()[:12]
    return cache_root() / f"hocuspocus-{pins}"


def missing_tools() -> str | None:
    """Why node cannot run Hocuspocus here, or None."""
    for tool in ("node", "npm"):
        if shutil.which(tool) is None:
            return f"{tool} is not on PATH"
    return None


def installed() -> Path | None:
    """The install folder if Hocuspocus is installed and node is here; never installs."""
    if missing_tools() is not None:
        return None
    place = folder()
    return place if (place / DONE).exists() else None


def ensure() -> tuple[Path | None, str]:
    """The install folder (installing on first use), or None and the reason it is not."""
    missing = missing_tools()
    if missing is not None:
        return None, f"{missing}; Hocuspocus needs node and npm"
    place = folder()
    place.mkdir(parents=True, exist_ok=True)
    shutil.copy2(SOURCE / "package.json", place / "package.json")
    shutil.copy2(SOURCE / SCRIPT, place / SCRIPT)  # the script may change without the pins
    if (place / DONE).exists():
        return place, "installed"
    print(f"# hocuspocus: npm install into {place} (first use; minutes) ...", flush=True)
    try:
        done = subprocess.run(
            ["npm", "install", "--no-audit", "--no-fund", "--loglevel", "error"],
            cwd=place, capture_output=True, text=True, timeout=INSTALL_TIMEOUT,
        )  # fmt: skip
    except (OSError, subprocess.TimeoutExpired) as error:
        return None, f"npm install failed: {error}"
    if done.returncode != 0:
        return None, f"npm install failed ({done.returncode}): {done.stderr.strip()[-400:]}"
    probe = subprocess.run(
        ["node", "-e", "require('better-sqlite3')"], cwd=place, capture_output=True, text=True
    )
    if probe.returncode != 0:
        return None, f"better-sqlite3 does not load: {probe.stderr.strip()[-400:]}"
    (place / DONE).write_text("ok\n")
    return place, "installed now"


def command(place: Path, host: str, port: int, database: Path) -> list[str]:
    """Hocuspocus on ``host:port``, storing its documents in ``database`` (SQLite)."""
    node = shutil.which("node") or "node"
    return [node, str(place / SCRIPT), "--host", host, "--port", str(port),
            "--database", str(database)]  # fmt: skip
