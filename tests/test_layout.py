"""Where tests live: real Chromium only under tests/browser/ (``-m "not browser"`` and
``tests/browser`` select them), and measurements in bench/, not in the suite."""

from __future__ import annotations

from pathlib import Path

TESTS = Path(__file__).resolve().parent
BROWSER = TESTS / "browser"


def test_chromium_tests_live_under_tests_browser() -> None:
    outside = [
        str(path.relative_to(TESTS))
        for path in TESTS.rglob("*.py")
        if not path.is_relative_to(BROWSER) and path != Path(__file__).resolve()
        if any(word in path.read_text().lower() for word in ("playwright", "chromium"))
    ]
    assert outside == []


def test_every_browser_test_module_is_marked_browser() -> None:
    unmarked = [
        path.name
        for path in BROWSER.glob("test_*.py")
        if "pytestmark = pytest.mark.browser" not in path.read_text()
    ]
    assert unmarked == []


def test_the_repo_stands_alone() -> None:
    """Nothing points at a design file outside the repo: docs/design.md is the design."""
    root = TESTS.parent
    outside = "../" + "shared"  # not spelled whole, or this file would match itself
    found = [
        str(path.relative_to(root))
        for folder in ("server", "web", "docs", "tests", "bench", "scripts")
        for path in (root / folder).rglob("*")
        if path.suffix in (".py", ".md", ".js", ".html", ".j2", ".sh", ".json", ".toml")
        if outside in path.read_text(errors="replace")
    ] + [name for name in ("README.md", "pyproject.toml") if outside in (root / name).read_text()]
    assert found == []
    assert (root / "docs" / "design.md").is_file()
    assert "docs/design.md" in (root / "README.md").read_text()


def test_the_test_command_type_checks_first_and_stops_on_an_error() -> None:
    script = (TESTS.parent / "scripts" / "test.sh").read_text()
    assert "set -euo pipefail" in script  # a failing mypy ends the run
    check = script.index("python3 -m mypy --strict server/store")
    assert check < script.index("python3 -m pytest")
