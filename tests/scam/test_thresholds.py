"""The thresholds in content/scam/thresholds.yaml are the ones the sweep chooses on the labelled
set, and with them no hard genuine message turns red. After changing a phrase, a weight or the
labelled set, run `.venv/bin/python bench/scam_check.py` and copy its "chosen thresholds" line."""

from __future__ import annotations

import pytest

from content.scam_data import load_knowledge, load_labelled
from flows.scam_check import check
from flows.scam_check.sweep import Scored, choose_red, choose_similarity, choose_yellow, cut_at

KNOWLEDGE = load_knowledge()
LABELLED = load_labelled()


@pytest.fixture(scope="module")
def scored() -> list[Scored]:
    return [Scored(check(m.text, KNOWLEDGE).score, m.label == "scam", m.hard) for m in LABELLED]


def test_the_labelled_set_has_the_written_messages_it_needs():
    written = [m for m in LABELLED if not m.id.startswith("drill-")]
    genuine = [m for m in written if m.label == "safe"]
    assert len(written) >= 60
    assert len(genuine) * 3 >= len(written)
    assert sum(m.hard for m in genuine) * 2 >= len(genuine)
    assert {m.language for m in written} == {"vi", "en"}
    assert any(m.id.startswith("drill-") for m in LABELLED)


def test_stored_thresholds_are_the_chosen_ones(scored):
    red = choose_red(scored)
    yellow = choose_yellow(scored, red.threshold)
    stored = KNOWLEDGE.thresholds
    message = f"run bench/scam_check.py: chosen red {red.threshold}, yellow {yellow.threshold}"
    assert stored.red == pytest.approx(red.threshold, abs=0.005), message
    assert stored.yellow == pytest.approx(yellow.threshold, abs=0.005), message


def test_no_hard_genuine_message_turns_red(scored):
    cut = cut_at(KNOWLEDGE.thresholds.red, scored)
    assert cut.hard_false_flags == 0
    assert cut.precision >= 0.95 and cut.recall >= 0.9


def test_red_never_buys_f1_with_a_hard_genuine_message():
    scored = [Scored(1.0, False), Scored(2.0, True), Scored(2.5, False, hard=True), Scored(3.0, True)]
    assert choose_red(scored).threshold == 2.75
    assert choose_red(scored, hard_false_allowed=1).threshold == 1.5


def test_among_equal_thresholds_the_widest_gap_wins():
    scored = [
        Scored(0.0, False), Scored(2.0, True), Scored(3.0, False), Scored(4.0, False), Scored(10.0, True)
    ]
    # 1.0 (both scams, two genuine) and 7.0 (one scam alone) both give F1 2/3; 7.0 sits in the
    # wider gap, between 4 and 10.
    assert choose_red(scored).f_beta(1.0) == pytest.approx(2 / 3)
    assert choose_red(scored).threshold == 7.0


def test_the_similarity_threshold_splits_copies_from_other_messages():
    assert choose_similarity([0.9, 0.95], [0.3, 0.7]) == 0.8
    # Overlapping: the best F1 for "copy", here keeping every copy at the cost of one pair.
    assert choose_similarity([0.8, 0.9, 0.95], [0.2, 0.85]) == 0.5
