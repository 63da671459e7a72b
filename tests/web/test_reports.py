"""The dashboard's figures straight from `store.reports`, on SQLite and PostgreSQL, for the whole
country and for one province: what the pages and exports show is what these return."""

from __future__ import annotations

from bot.web.dashboard.figures import course, modules
from content.library import Library
from store import exports, reports
from store.database import Database
from tests.web.seed import ZONE, seed


async def test_the_figures_of_the_whole_country_and_of_one_province(
    database: Database, library: Library
) -> None:
    seeded = await seed(database, library)
    today = seeded.today

    country = await database.run(lambda c: reports.overview(c, None, today, ZONE))
    assert (country.learners, country.by_channel, country.active) == (8, {"telegram": 7, "zalo": 1}, 3)
    assert country.lessons_per_day[-1] == (today, 8) and len(country.lessons_per_day) == 30
    assert sum(n for _, n in country.lessons_per_day) == 11  # 8 today, and binh, hoa and em (20 days ago)
    assert dict(country.streaks)["1–2"] == 1 and dict(country.streaks)["3–6"] == 1
    assert country.longest_streak == 5

    hanoi = await database.run(lambda c: reports.overview(c, ["ha-noi"], today, ZONE))
    assert (hanoi.learners, hanoi.by_channel, hanoi.active) == (4, {"telegram": 3, "zalo": 1}, 2)
    nowhere = await database.run(lambda c: reports.overview(c, [], today, ZONE))
    assert nowhere.learners == 0

    stages = await database.run(lambda c: reports.funnel(c, None, modules(library)))
    assert stages == [
        ("started", 8), ("onboarded", 6), ("first_lesson", 4), ("still_learning", 1), ("module_finished", 1),
    ]  # fmt: skip
    hue_stages = await database.run(lambda c: reports.funnel(c, ["hue"], modules(library)))
    assert [count for _, count in hue_stages] == [2, 2, 1, 0, 0]

    provinces = await database.run(lambda c: reports.provinces(c, None, today, course(library)))
    assert [(p.province, p.learners, p.onboarded, p.active, p.lessons_done) for p in provinces] == [
        ("ha-noi", 4, 3, 2, 9), ("hue", 2, 2, 0, 1), ("da-nang", 1, 1, 1, 1), (None, 1, 0, 0, 0),
    ]  # fmt: skip
    assert provinces[0].completion == 9 / (4 * len(library.lesson_order))

    [question] = await database.run(lambda c: reports.questions(c, None))
    assert (question.question_id, question.answers, question.correct, question.missed) == (
        seeded.question,
        4,
        1,
        3,
    )
    assert reports.most_missed([question]) == [question]
    [scoped] = await database.run(lambda c: reports.questions(c, ["ha-noi"]))
    assert (scoped.answers, scoped.correct) == (2, 1)


async def test_alerts_and_cafes_keep_to_the_scope(database: Database, library: Library) -> None:
    seeded = await seed(database, library)
    every = await database.run(lambda c: reports.alerts(c, None))
    assert [a.id for a in every] == [seeded.alert_hue, seeded.alert_everyone, seeded.alert_hanoi]
    assert [(a.total, a.waiting, a.author) for a in every] == [(2, 2, "111"), (8, 8, "cli"), (4, 4, "111")]
    hanoi = await database.run(lambda c: reports.alerts(c, ["ha-noi"]))
    assert [a.id for a in hanoi] == [seeded.alert_hanoi]  # not the national one

    cafes = await database.run(lambda c: reports.cafes(c, None, seeded.today))
    assert [(c.title, c.province, c.joined, c.weekly_answers[-1][1]) for c in cafes] == [
        ("Tổ dân phố 5", "ha-noi", 2, 3), ("Hội phụ nữ Huế", "hue", 1, 2),
    ]  # fmt: skip
    assert len(cafes[0].weekly_answers) == reports.CAFE_WEEKS
    hue = await database.run(lambda c: reports.cafes(c, ["hue"], seeded.today))
    assert [c.title for c in hue] == ["Hội phụ nữ Huế"]


async def test_learner_export_pages_through_everyone_with_stable_hashes(
    database: Database, library: Library
) -> None:
    await seed(database, library)
    salt = await database.run(exports.salt)
    assert len(salt) == 64
    first, after = await database.run(lambda c: exports.learners_page(c, None, salt, 0))
    again, _ = await database.run(lambda c: exports.learners_page(c, None, salt, 0))
    assert after is None and len(first) == 8 and [x.id for x in first] == [x.id for x in again]
    assert len({x.id for x in first}) == 8
    an = next(x for x in first if x.lessons_done == 8)
    assert (an.province, an.accuracy, an.last_active) == ("ha-noi", 0.8, an.last_active)
    assert an.id == exports.hashed_id(salt, "telegram", "4242", "an")
    scoped, _ = await database.run(lambda c: exports.learners_page(c, ["hue"], salt, 0))
    assert {x.province for x in scoped} == {"hue"} and len(scoped) == 2
