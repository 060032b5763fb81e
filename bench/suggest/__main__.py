"""Suggestion quality and speed: ARI on the tuning and held-out parts, duplicates, timing.

    python -m bench.suggest                 # both parts, duplicates, timing for 500 cards
    python -m bench.suggest --show tuning   # print every suggested group of the tuning part
    python -m bench.suggest --sweep         # threshold grid, on the tuning part only

Pins itself to one core (CPU 0) and one BLAS thread before numpy loads. Cards a suggestion
leaves out of every group count as groups of one for the ARI. Duplicates are compared as
sets of pairs after joining chains (a~b, b~c gives a~c) on both sides.
"""

from __future__ import annotations

import os

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import itertools  # noqa: E402
import json  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402
from dataclasses import replace  # noqa: E402
from pathlib import Path  # noqa: E402

from bench.suggest.metrics import adjusted_rand_index, closure, precision_recall  # noqa: E402

HERE = Path(__file__).parent
PARTS = ("tuning", "heldout")
PLACES = ("Waingapu", "Praya", "Tarogong", "Petobo", "Melolo", "Pujut", "Cisewu", "Lewa", "Sigi")


def workshops(part: str) -> list[dict]:
    return json.loads((HERE / f"{part}.json").read_text(encoding="utf-8"))["workshops"]


def evaluate(part: str, settings, show: bool = False) -> dict:
    """ARI per workshop and card-weighted, duplicate precision/recall over the part."""
    from server.suggest import suggest

    aris, sizes, truth_pairs, found_pairs = [], [], set(), set()
    for workshop in workshops(part):
        cards = workshop["cards"]
        result = suggest([(c["id"], c["text"]) for c in cards], workshop["language"], settings)
        label = {n: i for i, g in enumerate(result["groups"]) for n in g["notes"]}
        predicted = [label.get(c["id"], c["id"]) for c in cards]
        aris.append(adjusted_rand_index([c["group"] for c in cards], predicted))
        sizes.append(len(cards))
        truth_pairs |= closure((c["dup_of"], c["id"]) for c in cards if c.get("dup_of"))
        found_pairs |= closure(tuple(p) for p in result["duplicates"])
        if show:
            _show(workshop, result)
    precision, recall = precision_recall(truth_pairs, found_pairs)
    weighted = sum(a * n for a, n in zip(aris, sizes, strict=True)) / sum(sizes)
    return {
        "cards": sum(sizes),
        "ari": aris,
        "ari_weighted": weighted,
        "dup_precision": precision,
        "dup_recall": recall,
        "dup_true": len(truth_pairs),
        "dup_found": len(found_pairs),
    }


def _show(workshop: dict, result: dict) -> None:
    text = {c["id"]: (c["group"], c["text"]) for c in workshop["cards"]}
    print(f"\n## {workshop['name']}")
    for group in result["groups"]:
        print(f"  [{group['title']}] sector={group['sector']} agency={group['agency']}")
        for note in group["notes"]:
            print(f"      {note} {text[note][0]:>14} | {text[note][1]}")
    grouped = {n for g in result["groups"] for n in g["notes"]}
    for note, (group, words) in text.items():
        if note not in grouped:
            print(f"  (alone) {note} {group:>14} | {words}")
    print("  duplicates:", result["duplicates"])


def five_hundred() -> list[tuple[str, str]]:
    """500 cards: all benchmark cards, then again with a place name added, until 500."""
    base = [c["text"] for part in PARTS for w in workshops(part) for c in w["cards"]]
    texts = list(base)
    for i, text in enumerate(itertools.cycle(base)):
        if len(texts) == 500:
            break
        texts.append(f"{text} di {PLACES[i % len(PLACES)]}")
    return [(f"n{i}", t) for i, t in enumerate(texts)]


def timing() -> dict:
    """First call in this process, a new room (stem cache empty), and warm calls."""
    started = time.perf_counter()
    from server.suggest import suggest
    from server.suggest.text import _stem

    cards = five_hundred()
    suggest(cards, "id")
    first = time.perf_counter() - started
    cold = []
    for _ in range(5):
        _stem.cache_clear()
        t = time.perf_counter()
        suggest(cards, "id")
        cold.append(time.perf_counter() - t)
    warm = []
    for _ in range(20):
        t = time.perf_counter()
        suggest(cards, "id")
        warm.append(time.perf_counter() - t)
    return {
        "first_call_s": first,
        "new_room_median_s": statistics.median(cold),
        "warm_median_s": statistics.median(warm),
        "warm_max_s": max(warm),
    }


def sweep(base) -> None:
    """Grid over thresholds, scored on the tuning part only."""
    grid = itertools.product((0.2, 0.25, 0.3, 0.35, 0.4), (0.2, 0.3, 0.4), (0.5, 0.6, 0.7))
    for attach, cluster, duplicate in grid:
        s = replace(base, attach=attach, cluster=cluster, duplicate=duplicate)
        r = evaluate("tuning", s)
        print(
            f"attach={attach} cluster={cluster} dup={duplicate}: ARI {r['ari_weighted']:.3f} "
            f"dup P {r['dup_precision']:.2f} R {r['dup_recall']:.2f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show", choices=PARTS, help="print the suggested groups of a part")
    parser.add_argument("--part", choices=PARTS, help="evaluate one part only")
    parser.add_argument("--sweep", action="store_true", help="threshold grid on the tuning part")
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {0})
    speed = None if args.sweep else timing()
    from server.suggest import DEFAULT

    if args.sweep:
        sweep(DEFAULT)
        return
    for part in [args.part] if args.part else PARTS:
        r = evaluate(part, DEFAULT, show=args.show == part)
        per = ", ".join(f"{a:.3f}" for a in r["ari"])
        print(
            f"{part:8} {r['cards']:4} cards  ARI {r['ari_weighted']:.3f} (per workshop {per})  "
            f"duplicates P {r['dup_precision']:.2f} R {r['dup_recall']:.2f} "
            f"({r['dup_found']} pairs found, {r['dup_true']} true)"
        )
    assert speed is not None
    print(
        f"500 cards, one core: first call {speed['first_call_s'] * 1000:.0f} ms "
        f"(loads lexicon and dictionary), new room {speed['new_room_median_s'] * 1000:.0f} ms, "
        f"warm median {speed['warm_median_s'] * 1000:.0f} ms (max {speed['warm_max_s'] * 1000:.0f})"
    )


if __name__ == "__main__":
    main()
