"""The sector lexicon file, its loader, and the text pipeline it configures."""

from __future__ import annotations

import json

import pytest

from server.suggest.lexicon import LEXICON_PATH, Lexicon, LexiconError, check, load

RAW = json.loads(LEXICON_PATH.read_text(encoding="utf-8"))


def test_the_lexicon_file_loads() -> None:
    lexicon = load()
    assert len(lexicon.sectors) >= 20
    assert all(sector.terms for sector in lexicon.sectors)


def test_every_sector_is_well_formed() -> None:
    keys = [s["key"] for s in RAW["sectors"]]
    assert len(keys) == len(set(keys))
    for sector in RAW["sectors"]:
        for field in ("label_id", "label_en", "agency", "agency_en"):
            assert isinstance(sector[field], str) and sector[field].strip(), (sector["key"], field)
        assert isinstance(sector["terms"], list) and len(sector["terms"]) >= 5, sector["key"]
        assert all(isinstance(t, str) and t.strip() for t in sector["terms"]), sector["key"]


def test_the_affairs_the_issue_names_are_there() -> None:
    keys = {s["key"] for s in RAW["sectors"]}
    assert {
        "pendidikan",
        "kesehatan",
        "jalan_jembatan",
        "penataan_ruang",
        "perumahan_permukiman",
        "bencana",
        "trantibum",
        "sosial",
        "tenaga_kerja",
        "pangan",
        "lingkungan_hidup",
        "perhubungan",
        "pertanian",
        "kelautan_perikanan",
        "pariwisata",
        "koperasi_umkm",
        "perencanaan",
        "keuangan",
        "kependudukan",
        "perempuan_anak",
        "air_minum_sanitasi",
        "energi",
        "kominfo",
    } <= keys


def test_the_other_tables_are_well_formed() -> None:
    assert all(isinstance(v, str) and v for v in RAW["shorthand"].values())
    assert all(isinstance(v, str) and v for v in RAW["stem_overrides"].values())
    assert all(isinstance(w, str) and w == w.lower() for w in RAW["function_words"])
    assert all(len(entry) >= 2 for entry in RAW["synonyms"])


@pytest.mark.parametrize("field", ["key", "label_id", "label_en", "agency", "terms"])
def test_a_sector_missing_a_field_is_refused(field: str) -> None:
    broken = json.loads(json.dumps(RAW))
    del broken["sectors"][0][field]
    with pytest.raises(LexiconError, match=field):
        check(broken)


def test_a_repeated_key_is_refused() -> None:
    broken = json.loads(json.dumps(RAW))
    broken["sectors"].append(broken["sectors"][0])
    with pytest.raises(LexiconError, match="repeated"):
        Lexicon(broken)


def test_no_sectors_is_refused() -> None:
    with pytest.raises(LexiconError):
        check({"sectors": []})


@pytest.mark.parametrize(
    ("text", "stems"),
    [
        ("Kerusakan jalan", ["rusak", "jalan"]),
        ("jln rusak", ["jalan", "rusak"]),
        ("desa-desa terpencil", ["desa", "terpencil"]),
        ("obat2an habis", ["obat", "habis"]),
        ("Too few nurses", ["nurse"]),
        ("Perekaman e-KTP", ["rekam", "ktp"]),
    ],
)
def test_text_to_stems(text: str, stems: list[str]) -> None:
    lexicon = load()
    assert [t.stem for t in lexicon.normaliser.tokens(text)] == stems


def test_a_typo_maps_to_the_nearest_lexicon_word() -> None:
    lexicon = load()
    assert lexicon.known(["kesehtan", "posyandu", "mauliru"]) == ["sehat", "posyandu", "mauliru"]


def test_synonyms_give_a_shared_concept() -> None:
    lexicon = load()
    one = lexicon.concepts([t.stem for t in lexicon.normaliser.tokens("RTLH masih banyak")])
    other = lexicon.concepts([t.stem for t in lexicon.normaliser.tokens("rumah tidak layak huni")])
    assert one and one == other
