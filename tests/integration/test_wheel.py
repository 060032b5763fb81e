"""A non-editable install (what a platform's buildpack does) serves the pages too.

The wheel is built offline from this checkout and installed, without its dependencies,
into a fresh virtual environment that sees the ones installed where the tests run; the
server then runs from outside the checkout, so nothing can come from web/ beside the package.

"Where the tests run" may itself be a virtual environment: ``--system-site-packages``
would then reach the base interpreter's packages, not the ones pip installed for the tests
(starlette, uvicorn...). So the new environment is given the running interpreter's own
site directories, in a ``.pth`` file, after its own: the wheel's copy comes first.
"""

from __future__ import annotations

import shutil
import site
import subprocess
import sys
import sysconfig
import urllib.request
from pathlib import Path

import pytest

from ..servers import Server

pytestmark = pytest.mark.integration
REPO = Path(__file__).resolve().parent.parent.parent
# Building leaves build/ and *.egg-info/ behind: the wheel is built from a copy without them.
COPY_SKIPS = (".*", "build", "dist", "*.egg-info", "__pycache__", "spwt-data", "test-artifacts")


def _run(*command: str | Path, cwd: Path | None = None) -> str:
    done = subprocess.run(
        [str(c) for c in command], cwd=cwd, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The python of a venv with only our wheel in it (plus the packages installed here)."""
    work = tmp_path_factory.mktemp("wheel")
    source = work / "source"
    shutil.copytree(REPO, source, ignore=shutil.ignore_patterns(*COPY_SKIPS))
    pip = (sys.executable, "-m", "pip", "--disable-pip-version-check", "--quiet")
    _run(*pip, "wheel", "--no-deps", "--no-build-isolation", "--no-index", "-w", work, source)
    (wheel,) = work.glob("spwt_board-*.whl")
    venv = work / "venv"
    _run(sys.executable, "-m", "venv", "--without-pip", venv)
    python = venv / "bin" / "python"
    own = _run(python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))").strip()
    # Paths only, not site.addsitedir: the .pth files there (an editable install of this
    # checkout among them) must not run, or the checkout could shadow the wheel.
    (Path(own) / "outer-site.pth").write_text("\n".join(_site_dirs()) + "\n")
    _run(*pip, "--python", python, "install", "--no-deps", "--no-index", wheel)
    return python


def _site_dirs() -> list[str]:
    """Where the running interpreter finds its installed packages, venv or not."""
    dirs = [*site.getsitepackages(), sysconfig.get_path("purelib"), sysconfig.get_path("platlib")]
    if site.ENABLE_USER_SITE:
        dirs.append(site.getusersitepackages())
    dirs += [p for p in sys.path if p.endswith(("site-packages", "dist-packages"))]
    return [d for d in dict.fromkeys(dirs) if Path(d).is_dir()]


def test_the_wheel_carries_every_file_of_web(installed: Path) -> None:
    code = "import server, server.app as a; print(server.__file__); print(a.web_folder())"
    package, folder = _run(installed, "-c", code, cwd=installed.parent).split()
    assert not Path(package).is_relative_to(REPO)  # the wheel's copy, not the checkout's
    web = REPO / "web"
    expected = sorted(str(p.relative_to(web)) for p in web.rglob("*") if p.is_file())
    shipped = sorted(str(p.relative_to(folder)) for p in Path(folder).rglob("*") if p.is_file())
    assert shipped == expected


def test_the_installed_server_serves_its_pages(installed: Path, tmp_path: Path) -> None:
    server = Server(tmp_path / "data", python=installed, cwd=tmp_path).start()
    try:
        for path, kind in (("/", "text/html"), ("/static/js/app.js", "javascript")):
            with urllib.request.urlopen(f"{server.http}{path}", timeout=5) as response:
                assert response.status == 200
                assert kind in response.headers["content-type"]
    finally:
        server.stop()
