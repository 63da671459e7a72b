"""The scam checker on the labelled set: how often red is right, how many scams it catches, the
thresholds the data calls for, and how long a verdict takes. Prints figures; asserts nothing.

The labelled set is content/scam/labelled.yaml plus every curriculum drill in Vietnamese and
English. The thresholds printed as "chosen" are what flows/scam_check/sweep.py picks on this set;
the figures below them use the thresholds stored in content/scam/thresholds.yaml, which should
be the chosen ones (tests/scam/test_thresholds.py checks that they are).
"""

from __future__ import annotations

import argparse
import random
import re
import statistics
import time
from collections.abc import Sequence

from content.scam_data import Knowledge, Labelled, Thresholds, load_knowledge, load_labelled
from flows.scam_check import Memory, check
from flows.scam_check.memory import memory_key, similarity
from flows.scam_check.sweep import Scored, choose_red, choose_similarity, choose_yellow, cut_at
from flows.scam_check.verdict import light_for

NAMES = ("Nguyễn Thị Hòa", "Lê Văn Tám", "Phạm Minh", "Trần Thu", "Hoàng Nam", "Đỗ Lan")
GREETINGS = ("Alo, ", "Chào bạn, ", "Hello, ", "")
FAKE_SITES = ("thongbao-hotro.example", "xacminh-nhanh.example", "quatang-2026.example")


def edited_copy(text: str, rng: random.Random, heavy: bool) -> str:
    """A copy of a message as scammers send the next batch: other numbers and amounts, another
    name and, for a heavy edit, another link and a greeting in front."""
    copy = re.sub(r"\d", lambda _: str(rng.randrange(10)), text)
    names = re.findall(r"(?<=[a-zà-ỹ] )[A-ZĐ][\wÀ-ỹ]+(?: [A-ZĐ][\wÀ-ỹ]+)*", copy)
    if names:
        copy = copy.replace(rng.choice(names), rng.choice(NAMES), 1)
    if heavy:
        copy = re.sub(r"[\w-]+\.example", rng.choice(FAKE_SITES), copy)
        copy = rng.choice(GREETINGS) + copy
    return copy


def percentile(values: Sequence[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def spread(times: Sequence[float]) -> str:
    p50, p95 = percentile(times, 0.5), percentile(times, 0.95)
    return f"p50 {p50:.2f} ms, p95 {p95:.2f} ms, max {max(times):.2f} ms"


def report_lights(title: str, labelled: Sequence[Labelled], scores: dict[str, float], t: Thresholds) -> None:
    scams = [m for m in labelled if m.label == "scam"]
    safe = [m for m in labelled if m.label == "safe"]
    hard_safe = [m for m in safe if m.hard]
    lights = {m.id: light_for(scores[m.id], t) for m in labelled}
    red_scams = sum(lights[m.id] == "red" for m in scams)
    false_red = sum(lights[m.id] == "red" for m in safe)
    flagged_scams = sum(lights[m.id] != "green" for m in scams)
    flagged_safe = sum(lights[m.id] != "green" for m in safe)
    hard_red = sum(lights[m.id] == "red" for m in hard_safe)
    precision = red_scams / (red_scams + false_red) if red_scams + false_red else 1.0
    print(f"{title}: {len(scams)} scams, {len(safe)} genuine ({len(hard_safe)} hard)")
    print(f"  red: precision {precision:.3f}, recall {red_scams / len(scams):.3f}"
          f" ({red_scams}/{len(scams)} scams red, {false_red} genuine red)")
    print(f"  hard genuine turned red: {hard_red}/{len(hard_safe)} = {hard_red / max(1, len(hard_safe)):.3f}")
    print(f"  red or yellow: recall {flagged_scams / len(scams):.3f}"
          f" ({flagged_scams}/{len(scams)}); genuine not green {flagged_safe}/{len(safe)}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5, help="timed passes over the set")
    parser.add_argument("--memory", type=int, default=2000, help="confirmed messages in the timed memory")
    parser.add_argument("--distinct", type=int, default=10_000, help="distinct messages in a second memory")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    knowledge: Knowledge = load_knowledge()
    labelled = load_labelled()
    rng = random.Random(args.seed)

    verdicts = {m.id: check(m.text, knowledge) for m in labelled}
    scores = {m.id: verdicts[m.id].score for m in labelled}
    scored = [Scored(scores[m.id], m.label == "scam", m.hard) for m in labelled]
    red = choose_red(scored)
    yellow = choose_yellow(scored, red.threshold)

    keys = [memory_key(m.text) for m in labelled]
    copies = [similarity(memory_key(edited_copy(m.text, rng, heavy)), key)
              for m, key in zip(labelled, keys, strict=True) for heavy in (False, True)]
    others = [similarity(keys[i], keys[j]) for i in range(len(keys)) for j in range(i + 1, len(keys))]
    memory_threshold = choose_similarity(copies, others)

    stored = knowledge.thresholds
    print(f"labelled set: {len(labelled)} messages "
          f"({sum(m.id.startswith('drill-') for m in labelled)} from the drills)")
    print(f"chosen thresholds: red {red.threshold:.2f} (F1 {red.f_beta(1):.3f}), "
          f"yellow {yellow.threshold:.2f} (F2 {yellow.f_beta(2):.3f}), memory {memory_threshold:.3f}")
    print(f"stored thresholds: red {stored.red:.2f}, yellow {stored.yellow:.2f}, memory {stored.memory:.3f}")
    report_lights("all", labelled, scores, stored)
    report_lights("vietnamese", [m for m in labelled if m.language == "vi"], scores, stored)
    report_lights("english", [m for m in labelled if m.language == "en"], scores, stored)

    # Held out: thresholds chosen on the written messages only, tried on the drills.
    written = [m for m in labelled if not m.id.startswith("drill-")]
    drills = [m for m in labelled if m.id.startswith("drill-")]
    written_red = choose_red([Scored(scores[m.id], m.label == "scam", m.hard) for m in written])
    drill_scored = [Scored(scores[m.id], m.label == "scam", m.hard) for m in drills]
    drill_cut = cut_at(written_red.threshold, drill_scored)
    print(f"held out: red {written_red.threshold:.2f} chosen on the {len(written)} written messages "
          f"gives the {len(drills)} drills precision {drill_cut.precision:.3f}, "
          f"recall {drill_cut.recall:.3f}, {drill_cut.hard_false_flags} hard genuine red")

    print(f"memory: edited copies similarity min {min(copies):.3f}, median {statistics.median(copies):.3f}; "
          f"different messages max {max(others):.3f}, 99th percentile {percentile(others, 0.99):.3f}")
    found = sum(s >= stored.memory for s in copies)
    wrong = sum(s >= stored.memory for s in others)
    print(f"  at {stored.memory:.3f}: {found}/{len(copies)} copies remembered, "
          f"{wrong}/{len(others)} pairs of different messages taken for copies")

    times: list[float] = []
    for _ in range(args.rounds):
        for m in labelled:
            started = time.perf_counter()
            check(m.text, knowledge)
            times.append((time.perf_counter() - started) * 1000)
    print(f"verdict time over {args.rounds} rounds of {len(labelled)} messages: {spread(times)}")

    sources = [labelled[i % len(labelled)] for i in range(args.memory)]
    entries = [(edited_copy(m.text, rng, True), m.label, 1) for m in sources]
    built = time.perf_counter()
    memory = Memory(entries, threshold=stored.memory)
    built_ms = (time.perf_counter() - built) * 1000
    timed: list[float] = []
    for m in labelled:
        started = time.perf_counter()
        check(m.text, knowledge, memory)
        timed.append((time.perf_counter() - started) * 1000)
    print(f"with a memory of {args.memory} confirmed copies (built in {built_ms:.0f} ms): {spread(timed)}")
    words = " ".join(m.text for m in labelled).split()
    salad = [(" ".join(rng.choices(words, k=30)), "scam", 1) for _ in range(args.distinct)]
    distinct = Memory(salad, threshold=stored.memory)
    timed = []
    for m in labelled:
        started = time.perf_counter()
        distinct.match(m.text)
        timed.append((time.perf_counter() - started) * 1000)
    print(f"memory.match against {len(distinct)} distinct messages: {spread(timed)}")
    long_text = " ".join(m.text for m in labelled)[:10_000]
    started = time.perf_counter()
    check(long_text, knowledge)
    print(f"a 10,000-character message: {(time.perf_counter() - started) * 1000:.1f} ms")


if __name__ == "__main__":
    main()
