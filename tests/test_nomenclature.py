"""The national nomenclature of regional programs: the file's shape, known rows, the levels'
differences, and the picker's search."""

from __future__ import annotations

import re

import pytest

from server.reference import nomenclature
from server.reference.nomenclature import LEVELS, LevelError, program, programs, search

DATA = nomenclature.data()
CODE = re.compile(r"^\d\.\d{2}(\.\d{2})?$")
PENUNJANG_PROVINSI = "PROGRAM PENUNJANG URUSAN PEMERINTAHAN DAERAH PROVINSI"
PENUNJANG_KABUPATEN = "PROGRAM PENUNJANG URUSAN PEMERINTAHAN DAERAH KABUPATEN/KOTA"


# --- shape ------------------------------------------------------------------------------


def test_the_file_cites_its_sources_and_version() -> None:
    assert DATA["version"] and DATA["compiled"] and DATA["notes"]
    numbers = [s["number"] for s in DATA["source"]]
    assert any("050-5889" in n for n in numbers)
    assert any("900.1.15.5-3406" in n for n in numbers)
    for entry in DATA["source"]:
        assert set(entry) == {"title", "number", "year", "url_or_reference"}
        assert all(str(value).strip() for value in entry.values())


@pytest.mark.parametrize("table", ["urusan", "bidang", "programs"])
def test_codes_are_unique_strings_of_the_official_pattern(table: str) -> None:
    codes = [row["code"] for row in DATA[table]]
    assert len(codes) == len(set(codes))
    pattern = re.compile(r"^[1-8]$") if table == "urusan" else CODE
    assert all(isinstance(code, str) and pattern.match(code) for code in codes)
    if table == "programs":
        assert all(code.count(".") == 2 for code in codes)
    if table == "bidang":
        assert all(code.count(".") == 1 for code in codes)


def test_every_urusan_from_1_to_8_and_every_bidang_under_one() -> None:
    assert [u["code"] for u in DATA["urusan"]] == [str(n) for n in range(1, 9)]
    urusan = {u["code"] for u in DATA["urusan"]}
    assert all(b["code"].split(".")[0] in urusan for b in DATA["bidang"])
    assert {b["code"].split(".")[0] for b in DATA["bidang"]} == urusan
    assert len(DATA["bidang"]) == 44


def test_every_program_sits_under_a_bidang_and_at_its_levels() -> None:
    bidang = {b["code"]: b for b in DATA["bidang"]}
    for row in DATA["programs"]:
        parent = bidang[row["code"][:4]]
        assert set(row["levels"]) <= set(parent["levels"]), row["code"]
    with_programs = {row["code"][:4] for row in DATA["programs"] if not row["code"].endswith("01")}
    assert with_programs == set(bidang)


def test_names_are_present_upper_case_and_clean() -> None:
    rows = DATA["urusan"] + DATA["bidang"] + DATA["programs"]
    names = [row["name"] for row in rows]
    names += [n for row in DATA["programs"] for n in row.get("names", {}).values()]
    for name in names:
        assert name and name == name.strip() and "  " not in name, name
        assert name == name.upper(), name
    assert all(row["name"].startswith("PROGRAM ") for row in DATA["programs"])


def test_levels_are_valid_and_kabupaten_goes_with_kota() -> None:
    for row in DATA["programs"] + DATA["bidang"]:
        assert row["levels"] and set(row["levels"]) <= set(LEVELS), row["code"]
        assert len(row["levels"]) == len(set(row["levels"]))
        assert ("kabupaten" in row["levels"]) == ("kota" in row["levels"]), row["code"]


def test_names_per_level_only_where_they_differ_and_both_levels_exist() -> None:
    for row in DATA["programs"]:
        if "names" not in row:
            continue
        assert set(row["names"]) == {"provinsi", "kabupaten"}, row["code"]
        assert row["names"]["provinsi"] != row["names"]["kabupaten"], row["code"]
        assert row["name"] == row["names"]["kabupaten"], row["code"]
        assert set(row["levels"]) == set(LEVELS), row["code"]


def test_every_bidang_has_its_penunjang_program() -> None:
    for bidang in DATA["bidang"]:
        code = bidang["code"] + ".01"
        for level in bidang["levels"]:
            found = program(code, level)
            expected = PENUNJANG_PROVINSI if level == "provinsi" else PENUNJANG_KABUPATEN
            assert found is not None and found.name == expected, (code, level)


# --- known rows (each checked against at least two public copies) -----------------------

KNOWN = {
    "1.01.02": "PROGRAM PENGELOLAAN PENDIDIKAN",
    "1.02.02": "PROGRAM PEMENUHAN UPAYA KESEHATAN PERORANGAN DAN UPAYA KESEHATAN MASYARAKAT",
    "1.03.03": "PROGRAM PENGELOLAAN DAN PENGEMBANGAN SISTEM PENYEDIAAN AIR MINUM",
    "1.03.10": "PROGRAM PENYELENGGARAAN JALAN",
    "1.03.12": "PROGRAM PENYELENGGARAAN PENATAAN RUANG",
    "1.05.03": "PROGRAM PENANGGULANGAN BENCANA",
    "2.11.11": "PROGRAM PENGELOLAAN PERSAMPAHAN",
    "2.12.02": "PROGRAM PENDAFTARAN PENDUDUK",
    "2.14.03": "PROGRAM PEMBINAAN KELUARGA BERENCANA (KB)",
    "2.16.02": "PROGRAM PENGELOLAAN INFORMASI DAN KOMUNIKASI PUBLIK",
    "3.26.02": "PROGRAM PENINGKATAN DAYA TARIK DESTINASI PARIWISATA",
    "3.27.07": "PROGRAM PENYULUHAN PERTANIAN",
    "5.01.03": "PROGRAM KOORDINASI DAN SINKRONISASI PERENCANAAN PEMBANGUNAN DAERAH",
    "8.01.02": "PROGRAM PENGUATAN IDEOLOGI PANCASILA DAN KARAKTER KEBANGSAAN",
}


@pytest.mark.parametrize(("code", "name"), sorted(KNOWN.items()))
@pytest.mark.parametrize("level", LEVELS)
def test_known_programs(code: str, name: str, level: str) -> None:
    found = program(code, level)
    assert found is not None and found.code == code and found.name == name


def test_a_program_knows_its_urusan_and_bidang() -> None:
    road = program("1.03.10")
    assert road is not None
    assert road.urusan.code == "1"
    assert road.urusan.name == "URUSAN PEMERINTAHAN WAJIB YANG BERKAITAN DENGAN PELAYANAN DASAR"
    assert road.bidang.code == "1.03"
    assert road.bidang.name == "URUSAN PEMERINTAHAN BIDANG PEKERJAAN UMUM DAN PENATAAN RUANG"
    assert road.as_record() == {
        "code": "1.03.10",
        "nomenclature": "PROGRAM PENYELENGGARAAN JALAN",
        "urusan": {"code": "1", "name": road.urusan.name},
        "bidang": {"code": "1.03", "name": road.bidang.name},
    }


def test_unknown_codes_are_none() -> None:
    for code in ("9.99.99", "1.03", "1.03.13", "", "  ", "1.03.10.1.01"):
        assert program(code) is None, code
    assert program(" 1.03.10 ") == program("1.03.10")  # pasted with spaces
    assert program(103) is None  # type: ignore[arg-type]


# --- the levels differ -----------------------------------------------------------------


def test_penunjang_is_named_for_the_level() -> None:
    assert program("1.03.01", "provinsi").name == PENUNJANG_PROVINSI
    assert program("1.03.01", "kabupaten").name == PENUNJANG_KABUPATEN
    assert program("1.03.01", "kota").name == PENUNJANG_KABUPATEN


def test_provinsi_only_programs_are_absent_for_kabupaten_and_kota() -> None:
    for code in ("3.25.02", "2.07.06", "3.28.05", "3.29.03", "4.01.07", "5.07.02"):
        assert program(code, "provinsi") is not None, code
        assert program(code, "kabupaten") is None, code
        assert program(code, "kota") is None, code


def test_kabupaten_kota_only_programs_are_absent_for_provinsi() -> None:
    for code in ("1.05.04", "7.01.02", "7.01.01", "2.10.09"):
        assert program(code, "kabupaten") is not None, code
        assert program(code, "provinsi") is None, code


def test_sekretariat_daerah_programs_carry_the_level_s_name() -> None:
    assert program("4.01.02", "provinsi").name == "PROGRAM PENATAAN ORGANISASI"
    assert program("4.01.02", "kota").name == "PROGRAM PEMERINTAHAN DAN KESEJAHTERAAN RAKYAT"
    assert program("4.01.03", "kabupaten").name == "PROGRAM PEREKONOMIAN DAN PEMBANGUNAN"


def test_kota_shares_the_kabupaten_list() -> None:
    assert programs("kota") == programs("kabupaten")
    assert programs("provinsi") != programs("kabupaten")
    codes = [p.code for p in programs("provinsi")]
    assert codes == sorted(codes, key=lambda c: [int(x) for x in c.split(".")])


def test_an_unknown_level_is_refused() -> None:
    for call in (lambda: program("1.03.10", "desa"), lambda: search("jalan", "Kabupaten")):
        with pytest.raises(LevelError, match="kabupaten, kota, provinsi"):
            call()


# --- search ------------------------------------------------------------------------------


def codes(query: str, level: str = "kabupaten", limit: int = 20) -> list[str]:
    return [p.code for p in search(query, level, limit)]


def test_jalan_finds_the_road_program_first() -> None:
    assert codes("jalan")[0] == "1.03.10"
    assert "2.15.02" in codes("jalan")  # LALU LINTAS DAN ANGKUTAN JALAN


def test_air_minum_finds_the_drinking_water_program() -> None:
    assert codes("air minum")[0] == "1.03.03"


@pytest.mark.parametrize(
    "query", ["AIR MINUM", "  air   minum ", "Aír Mínum", "airminum", "air-minum"]
)
def test_search_ignores_case_accents_and_spacing(query: str) -> None:
    assert codes(query)[0] == "1.03.03"


def test_word_prefixes_match_and_come_before_matches_inside_words() -> None:
    assert codes("jal")[0] == "1.03.10"
    # PENGELOLAAN HUTAN starts a word with "hutan"; KEHUTANAN (3.28.05) only holds it inside
    found = codes("hutan", "provinsi")
    assert found[0] == "3.28.03" and found.index("3.28.03") < found.index("3.28.05")
    # neither name starts a word with "sampah" (PERSAMPAHAN): both found, the shorter first
    assert codes("sampah") == ["2.11.11", "1.03.04"]


def test_a_name_match_outranks_a_bidang_match() -> None:
    found = codes("sosial")
    assert found.index("1.06.02") < found.index("1.06.06")  # PEMBERDAYAAN SOSIAL / bidang SOSIAL


def test_bidang_words_find_its_programs() -> None:
    found = codes("pekerjaan umum", limit=50)
    assert {"1.03.02", "1.03.10", "1.03.12"} <= set(found)
    assert all(code.startswith("1.03.") for code in found)


def test_within_a_rank_the_bidang_s_own_programs_come_first() -> None:
    found = codes("kesehatan")
    assert found.index("1.02.02") < found.index("2.17.04")  # KESEHATAN KSP/USP KOPERASI


def test_a_code_lists_that_code_s_programs_in_order() -> None:
    found = codes("1.03", limit=50)
    assert found == [p.code for p in programs() if p.code.startswith("1.03.")]
    assert codes("1.03.10") == ["1.03.10"]


def test_search_follows_the_level() -> None:
    assert "3.25.02" not in codes("kelautan")
    assert codes("kelautan pesisir", "provinsi")[0] == "3.25.02"
    assert search("penunjang", "provinsi")[0].name == PENUNJANG_PROVINSI
    assert search("penunjang", "kota")[0].name == PENUNJANG_KABUPATEN


def test_search_limits_and_empty_queries() -> None:
    assert len(search("program", limit=5)) == 5
    assert len(search("program", limit=500)) == len(programs())
    assert search("", limit=5) == [] and search("  - ", limit=5) == []
    assert search("jalan", limit=0) == []
    assert search("tidak ada program semacam ini") == []


def test_source_names_the_regulation_and_its_change() -> None:
    text = nomenclature.source()
    assert "050-5889 Tahun 2021" in text and "900.1.15.5-3406 Tahun 2024" in text
