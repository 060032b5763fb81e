"""The record's fingerprint: the canonical form (RFC 8785 vectors), the record signed with
it, ``spwt verify`` on good and tampered files, and the checks docs/fingerprint.md gives."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import struct
import subprocess
import sys
from pathlib import Path

import pytest

from server.export import render
from server.state.canonical import canonical, check, fingerprint, number

from .fixtures.workshop import record

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "fingerprint.md"

# RFC 8785, appendix B: IEEE 754 doubles and how JCS writes them.
NUMBERS = [
    ("0000000000000000", "0"),
    ("8000000000000000", "0"),
    ("0000000000000001", "5e-324"),
    ("7fefffffffffffff", "1.7976931348623157e+308"),
    ("4340000000000000", "9007199254740992"),
    ("c340000000000000", "-9007199254740992"),
    ("4430000000000000", "295147905179352830000"),
    ("44b52d02c7e14af5", "9.999999999999997e+22"),
    ("44b52d02c7e14af6", "1e+23"),
    ("44b52d02c7e14af7", "1.0000000000000001e+23"),
    ("444b1ae4d6e2ef4e", "999999999999999700000"),
    ("444b1ae4d6e2ef4f", "999999999999999900000"),
    ("444b1ae4d6e2ef50", "1e+21"),
    ("3eb0c6f7a0b5ed8c", "9.999999999999997e-7"),
    ("3eb0c6f7a0b5ed8d", "0.000001"),
    ("41b3de4355555553", "333333333.3333332"),
    ("41b3de4355555554", "333333333.33333325"),
    ("41b3de4355555555", "333333333.3333333"),
    ("41b3de4355555556", "333333333.3333334"),
    ("41b3de4355555557", "333333333.33333343"),
    ("becbf647612f3696", "-0.0000033333333333333333"),
    ("43143ff3c1cb0959", "1424953923781206.2"),
]


@pytest.mark.parametrize(("bits", "text"), NUMBERS)
def test_numbers_are_written_as_rfc_8785_writes_them(bits: str, text: str) -> None:
    assert number(struct.unpack(">d", bytes.fromhex(bits))[0]) == text


def test_the_canonical_form_of_the_rfc_example() -> None:
    # RFC 8785 §3.2.2, parsed by Python's json
    given = json.loads(
        '{"numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],'
        ' "string": "\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/",'
        ' "literals": [null, true, false]}'
    )
    assert (
        canonical(given)
        == (
            '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],'
            '"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}'
        ).encode()
    )


def test_integral_floats_and_nesting() -> None:
    assert canonical({"b": [1.0, 2, {"z": None, "a": "\x7f"}], "a": True}) == (
        b'{"a":true,"b":[1,2,{"a":"\x7f","z":null}]}'
    )
    with pytest.raises(ValueError):
        canonical(float("nan"))


def test_the_record_is_signed_over_everything_but_its_fingerprint() -> None:
    r = record()
    unsigned = {k: v for k, v in r.items() if k != "fingerprint"}
    assert r["fingerprint"] == hashlib.sha256(canonical(unsigned)).hexdigest()
    assert check(r) is None
    # the pretty-printed download reads back to the same fingerprint
    assert check(json.loads(render(r, "json").body)) is None
    r["programs"][0]["title"] += "!"
    assert check(r) == ("changed", fingerprint(r))
    assert check({k: v for k, v in r.items() if k != "fingerprint"}) == ("missing", "")
    assert check({**r, "fingerprint": "abc"})[0] == "malformed"  # type: ignore[index]
    assert check([r])[0] == "not_a_record"  # type: ignore[index]


def _spwt(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "server.cli", *args],
        capture_output=True, text=True, cwd=ROOT, timeout=60,
    )  # fmt: skip


def test_spwt_verify_a_good_and_a_tampered_file(tmp_path: Path) -> None:
    good = tmp_path / "good.json"
    good.write_bytes(render(record(), "json").body)
    done = _spwt("verify", str(good))
    assert done.returncode == 0, done.stderr
    assert "cocok / matches" in done.stdout and record()["fingerprint"] in done.stdout

    tampered = tmp_path / "tampered.json"
    tampered.write_text(good.read_text(encoding="utf-8").replace("Sikka", "Ende", 1))
    done = _spwt("verify", str(tampered))
    assert done.returncode == 1
    assert "telah diubah / the content was changed" in done.stderr
    assert record()["fingerprint"] in done.stderr  # the recorded digest, beside the new one

    unsigned = tmp_path / "unsigned.json"
    data = json.loads(good.read_text(encoding="utf-8"))
    del data["fingerprint"]
    unsigned.write_text(json.dumps(data))
    done = _spwt("verify", str(unsigned))
    assert done.returncode == 1 and "no fingerprint" in done.stderr

    broken = tmp_path / "broken.json"
    broken.write_text("{")
    assert _spwt("verify", str(broken)).returncode == 1
    assert _spwt("verify", str(tmp_path / "absent.json")).returncode == 1


def _block(language: str) -> str:
    found = re.search(rf"```{language}\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)
    assert found, f"no {language} block in {DOC.name}"
    return found.group(1)


def test_the_documented_python_check_needs_only_the_standard_library(tmp_path: Path) -> None:
    script = tmp_path / "verify.py"
    script.write_text(_block("python"))
    good = tmp_path / "good.json"
    good.write_bytes(render(record(), "json").body)
    done = subprocess.run(
        [sys.executable, "-I", str(script), str(good)], capture_output=True, text=True, timeout=60
    )
    assert done.stdout.strip() == "cocok / matches", done.stderr
    good.write_text(good.read_text(encoding="utf-8").replace("Sikka", "Ende", 1))
    done = subprocess.run(
        [sys.executable, "-I", str(script), str(good)], capture_output=True, text=True, timeout=60
    )
    assert "TIDAK COCOK" in done.stdout


@pytest.mark.skipif(shutil.which("jq") is None, reason="jq is not installed")
def test_the_documented_jq_check(tmp_path: Path) -> None:
    good = tmp_path / "record.json"
    good.write_bytes(render(record(), "json").body)
    first = _block("sh").splitlines()[0]
    done = subprocess.run(first, shell=True, cwd=tmp_path, capture_output=True, text=True)
    assert done.stdout.split()[0] == record()["fingerprint"]
