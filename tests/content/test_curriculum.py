"""Tests that would catch a broken curriculum: counts, limits, ids, sources, order, and the safety
rules for example messages (made-up domains and numbers only)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from content import limits
from content.check import check
from content.library import Library
from content.loader import CONTENT_ROOT, load
from content.markup import markup_problems, visible_length

LOADED = load()
BRIEF = Path(__file__).resolve().parents[3] / "shared" / "content-brief.md"
OFFICIAL_DOMAINS = {
    "dichvucong.gov.vn",
    "tinnhiemmang.vn",
    "chongluadao.vn",
    "khonggianmang.vn",
    "gov.vn",
    "baochinhphu.vn",
    "chinhphu.vn",
}
OFFICIAL_NUMBERS = {"156", "5656", "113", "19009068", "19001288"}


def _curricula():
    return LOADED.curricula.items()


def test_both_languages_present_with_identical_ids():
    assert set(LOADED.curricula) == {"vi", "en"}
    ids = {lang: {i for (where, i) in LOADED.locations if where == lang} for lang in ("vi", "en")}
    assert ids["vi"] == ids["en"]


@pytest.mark.parametrize(("language", "curriculum"), _curricula())
def test_modules_in_order_of_at_least_eight_lessons_seventy_in_all(language, curriculum):
    # the brief's eight modules (m0 to m7), then the added ones (m8 procedures, m9 small seller, ...)
    orders = [m.order for m in curriculum.modules]
    assert orders == list(range(len(orders)))
    assert len(orders) >= 10
    assert {"m8", "m9"} <= {m.id for m in curriculum.modules}
    assert all(len(m.lessons) >= 8 for m in curriculum.modules)
    assert len(curriculum.lessons) >= 70


@pytest.mark.parametrize(("language", "curriculum"), _curricula())
def test_questions_fit_a_telegram_quiz_poll_with_exactly_one_right(language, curriculum):
    for lesson in curriculum.lessons.values():
        assert len(lesson.questions) >= 2, lesson.id
        for q in lesson.questions:
            assert sum(o.correct for o in q.options) == 1, q.id
            assert 3 <= len(q.options) <= 4, q.id
            assert len(q.question) <= limits.POLL_QUESTION_CHARS, q.id
            assert all(len(o.text) <= limits.POLL_OPTION_CHARS for o in q.options), q.id
            assert 0 < len(q.explanation) <= limits.POLL_EXPLANATION_CHARS, q.id


@pytest.mark.parametrize(("language", "curriculum"), _curricula())
def test_lessons_fit_a_message_and_are_readable_in_two_minutes(language, curriculum):
    for lesson in curriculum.lessons.values():
        assert markup_problems(lesson.text) == [], lesson.id
        assert 300 <= visible_length(lesson.text) <= 1100, (lesson.id, visible_length(lesson.text))
        whole = sum(visible_length(t) for t in (lesson.title, lesson.text, lesson.today))
        assert whole + limits.LESSON_FRAME_CHARS <= limits.MESSAGE_CHARS
        assert lesson.today, lesson.id


def test_no_duplicate_ids_anywhere():
    for curriculum in LOADED.curricula.values():
        ids = [m.id for m in curriculum.modules] + list(curriculum.lessons) + list(curriculum.questions)
        ids += [t.id for t in curriculum.tips] + [d.id for d in curriculum.drills]
        assert len(ids) == len(set(ids))


def test_every_lesson_cites_a_known_source():
    for curriculum in LOADED.curricula.values():
        for item in [*curriculum.lessons.values(), *curriculum.tips, *curriculum.drills]:
            assert item.sources, item.id
            assert set(item.sources) <= set(LOADED.sources), item.id


def test_source_list_contains_the_content_brief():
    if not BRIEF.exists():
        pytest.skip("shared/content-brief.md is not beside the project")
    brief = BRIEF.read_text(encoding="utf-8").split("## Sources", 1)[1]
    listed = set(re.findall(r"\[(\w+)\] ", brief))
    assert listed  # the brief's list was found and read
    # every source of the brief is there; sources added for new lessons may follow it
    assert listed <= set(LOADED.sources), sorted(listed - set(LOADED.sources))


def test_lesson_order_is_a_chain_without_gaps():
    vi, en = LOADED.curricula["vi"], LOADED.curricula["en"]
    assert vi.lesson_order == en.lesson_order
    modules = [lesson.module_id for lesson in vi.lessons.values()]
    # each module's lessons are contiguous and modules follow their order
    assert modules == sorted(modules, key=lambda m: next(x.order for x in vi.modules if x.id == m))
    assert len(vi.lesson_order) == sum(len(m.lessons) for m in vi.modules)


@pytest.mark.parametrize(("language", "curriculum"), _curricula())
def test_tips_one_per_scam_family(language, curriculum):
    families = [t.family for t in curriculum.tips]
    assert len(families) >= 25 and len(set(families)) == len(families)
    for tip in curriculum.tips:
        assert tip.red_flags and tip.action and tip.report


@pytest.mark.parametrize(("language", "curriculum"), _curricula())
def test_drills_two_thirds_scam_one_third_genuine(language, curriculum):
    drills = curriculum.drills
    scams = sum(d.verdict == "scam" for d in drills)
    assert len(drills) >= 40
    assert 0.55 <= scams / len(drills) <= 0.75
    assert all(d.signs for d in drills)


def _domains(text: str) -> set[str]:
    return {m.lower().rstrip(".") for m in re.findall(r"\b(?:[a-z0-9-]+\.)+[a-z]{2,}\b", text, re.I)}


def _all_texts():
    for curriculum in LOADED.curricula.values():
        for lesson in [*curriculum.lessons.values(), *curriculum.tracks_as_curriculum().lessons.values()]:
            yield lesson.id, f"{lesson.text} {lesson.today}"
        for tip in curriculum.tips:
            yield tip.id, " ".join([tip.how, tip.action, tip.report, *tip.red_flags])
        for drill in curriculum.drills:
            yield drill.id, f"{drill.sender} {drill.message} {' '.join(drill.signs)}"


def test_example_domains_are_made_up_or_official():
    for item_id, text in _all_texts():
        for domain in _domains(text):
            if re.fullmatch(r"\d+(\.\d+)+", domain) or domain.count(".") == 0:
                continue
            ok = domain.endswith(".example") or any(
                domain == d or domain.endswith("." + d) for d in OFFICIAL_DOMAINS
            )
            ok = ok or not re.search(r"\.(com|vn|net|org|info|xyz|top|app)$", domain)
            assert ok, f"{item_id}: {domain} is neither made up (.example) nor an official site"


def test_phone_numbers_are_official_hotlines_or_clearly_fake():
    for item_id, text in _all_texts():
        for number in re.findall(r"(?<![\w.,])\+?\d[\d .]{6,}\d", text):
            digits = re.sub(r"\D", "", number)
            if len(digits) < 9 or digits in OFFICIAL_NUMBERS:
                continue
            fake = "000" in digits or digits.startswith(("0900", "84900", "840", "882", "94"))
            assert fake, f"{item_id}: {number} looks like a real number"


def test_reference_data():
    assert len(LOADED.provinces) == 34
    assert sum(p.extra.get("kind") == "city" for p in LOADED.provinces) == 6
    assert [g.id for g in LOADED.groups if g.extra.get("framework")] == [
        "student",
        "worker",
        "civil-servant",
        "citizen",
    ]
    assert "older-adult" in {g.id for g in LOADED.groups}
    how = " ".join(c.names["vi"] + str(c.extra.get("how", "")) for c in LOADED.reporting)
    for needle in ("156", "5656", "tinnhiemmang.vn", "chongluadao.vn", "113"):
        assert needle in how
    assert "canhbao.khonggianmang.gov.vn" not in how


@pytest.mark.parametrize(("language", "curriculum"), _curricula())
def test_each_framework_group_but_citizens_has_a_short_track_outside_the_main_order(language, curriculum):
    groups = {g.id for g in LOADED.groups}
    assert set(curriculum.tracks) == {"civil-servant", "worker", "student"}
    for group, track in curriculum.tracks.items():
        assert group in groups and track.group == group and track.id == f"t-{group}"
        assert len(track.lessons) >= 4 and track.order == -1
        assert not {lesson.id for lesson in track.lessons} & set(curriculum.lessons)
        assert curriculum.module(track.id) is track


@pytest.mark.parametrize(("language", "curriculum"), _curricula())
def test_track_lessons_keep_the_lesson_and_quiz_limits(language, curriculum):
    for lesson in curriculum.tracks_as_curriculum().lessons.values():
        assert lesson.sources and set(lesson.sources) <= set(LOADED.sources), lesson.id
        assert markup_problems(lesson.text) == [] and lesson.today, lesson.id
        assert 300 <= visible_length(lesson.text) <= 1100, (lesson.id, visible_length(lesson.text))
        assert len(lesson.questions) >= 2, lesson.id
        for q in lesson.questions:
            assert sum(o.correct for o in q.options) == 1 and 3 <= len(q.options) <= 4, q.id
            assert all(len(o.text) <= limits.POLL_OPTION_CHARS for o in q.options), q.id


def test_library_gives_a_group_its_track_in_the_learners_language():
    library = Library(LOADED.curricula, LOADED.ui, LOADED.provinces, LOADED.groups, LOADED.reporting, Path())
    assert set(library.tracks) == {"civil-servant", "worker", "student"}
    worker = library.track("worker", "en")
    assert worker is not None and worker.id == "t-worker" and worker.title != library.tracks["worker"].title
    assert library.track("citizen", "vi") is None


def test_a_track_for_an_unknown_group_is_reported(tmp_path):
    root = tmp_path / "content"
    shutil.copytree(CONTENT_ROOT, root, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    vi = root / "curriculum" / "tracks" / "worker" / "vi.yaml"
    text = vi.read_text(encoding="utf-8")
    vi.write_text(text.replace("group: worker", "group: farmer", 1), encoding="utf-8")
    problems = [str(p) for p in check(root)[1]]
    assert any("unknown group 'farmer'" in p for p in problems)
    assert any("belongs in tracks/farmer/" in p for p in problems)
