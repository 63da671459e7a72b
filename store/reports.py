"""The dashboard's figures: aggregates over learners, lessons, answers, alerts and cafés.

Every function takes a `scope`: the province ids a viewer is limited to, or None for the whole
country. The filter is applied here, in the query, so no page or export can forget it. Queries
are written once for SQLite and PostgreSQL; the two places where they differ (a day in the
deployment's time zone, days between two dates) branch on the connection's dialect.

The overview and provinces pages read the summary the scheduler refreshes (`store.summaries`):
with a million learners their figures take seconds to count. They are counted by the same two
queries whether for the summary or, before its first refresh, for the page itself.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, Integer, Table, and_, case, cast, false, func, null, or_, select, true
from sqlalchemy import Date as SqlDate

from store import summaries
from store.audit import in_utc
from store.learners import answers_table, learners_table, results_table
from store.models import AlertRow, CafeAnswerRow, CafeRow
from store.outbox import outbox
from store.summaries import Breakdown, LearnerCount

alerts_table: Table = AlertRow.__table__  # type: ignore[assignment]
cafes_table: Table = CafeRow.__table__  # type: ignore[assignment]
cafe_answers_table: Table = CafeAnswerRow.__table__  # type: ignore[assignment]

ACTIVE_DAYS = 7
CHART_DAYS = 30
STILL_LEARNING_DAYS = 7
CAFE_WEEKS = 8
STREAK_BUCKETS = ((1, 2), (3, 6), (7, 13), (14, 29), (30, None))
UTC_ZONE = ZoneInfo("UTC")


def in_scope(scope: list[str] | None, table: Table = learners_table) -> Any:
    """The learners a viewer may see: everyone, or those in the viewer's provinces."""
    if scope is None:
        return true()
    return table.c.province.in_(scope) if scope else false()


def _active_since(day: date) -> Any:
    """Opened or finished a lesson on `day` or later: what "active" means on every page."""
    return or_(learners_table.c.last_study_day >= day, learners_table.c.last_opened_on >= day)


def local_day(connection: Connection, column: Any, zone: ZoneInfo) -> Any:
    """The calendar day of a timestamp in the deployment's zone. PostgreSQL converts; SQLite keeps
    the wall time it was given, which the bot writes in the deployment's zone."""
    if connection.dialect.name == "postgresql":
        return cast(func.timezone(zone.key, column), SqlDate)
    return func.date(column)


def _days_between(connection: Connection, later: Any, earlier_timestamp: Any) -> Any:
    """Whole days from the day of `earlier_timestamp` to the date `later`."""
    if connection.dialect.name == "postgresql":
        return later - cast(earlier_timestamp, SqlDate)
    return func.julianday(later) - func.julianday(func.date(earlier_timestamp))


def as_date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


@dataclass(frozen=True, slots=True)
class Overview:
    learners: int
    by_channel: dict[str, int]
    active: int  # in the last ACTIVE_DAYS days
    lessons_per_day: list[tuple[date, int]]  # the last CHART_DAYS days, oldest first
    streaks: list[tuple[str, int]]  # ("1–2", learners whose streak stands at 1 or 2 days), ...
    longest_streak: int
    as_of: datetime | None = field(default=None, compare=False)  # the summary's time; None: counted now


@dataclass(frozen=True, slots=True)
class ProvinceFigures:
    province: str | None  # None: learners who have not said
    learners: int
    onboarded: int
    active: int
    lessons_done: int  # lessons of the main course finished, all learners together
    completion: float  # lessons_done / (learners × lessons in the main course), 0..1


def learner_figures(
    connection: Connection,
    scope: list[str] | None,
    today: date,
    zone: ZoneInfo | None,
    course: list[str],
    use_summary: bool = True,
) -> Breakdown:
    """The figures of the overview and provinces pages in the viewer's scope: read from the
    summary the scheduler keeps (`store.summaries`, as of its last refresh), or counted now when
    there is none yet (a new deployment before its first tick).

    `zone`: the deployment's, which dates the lessons chart; `course`: the main course's lesson
    ids, the measure of completion. When there is no summary, a page that shows no chart (zone
    None) or no completion (no course) is spared counting them."""
    if use_summary:
        found = _from_summary(connection, scope)
        if found is not None:
            return found
    return count_figures(connection, scope, today, zone, course)


def overview(
    connection: Connection,
    scope: list[str] | None,
    today: date,
    zone: ZoneInfo,
    course: list[str] | None = None,
    use_summary: bool = True,
) -> Overview:
    return overview_of(learner_figures(connection, scope, today, zone, course or [], use_summary))


def provinces(
    connection: Connection,
    scope: list[str] | None,
    today: date,
    course: list[str],
    zone: ZoneInfo | None = None,  # dates the lessons chart, which this list does not show
    use_summary: bool = True,
) -> list[ProvinceFigures]:
    """One row per province with learners, the most learners first."""
    return provinces_of(learner_figures(connection, scope, today, zone, course, use_summary), course)


def refresh_summary(connection: Connection, now: datetime, zone: ZoneInfo, course: list[str]) -> Breakdown:
    """Count the whole country's figures and store them as the summary, in one transaction."""
    figures = count_figures(connection, None, now.astimezone(zone).date(), zone, course)
    summaries.replace(connection, figures, now)
    return figures


def count_figures(
    connection: Connection, scope: list[str] | None, today: date, zone: ZoneInfo | None, course: list[str]
) -> Breakdown:
    """Every figure of both pages, per province, counted from the tables in two passes: one over
    the learners, one over their finished lessons (the costly one: with a million learners, eight
    million rows joined to their learners, seconds on PostgreSQL)."""
    counts, streaks = _learner_tally(connection, scope, today)
    done, lessons = _lesson_tally(connection, scope, today, zone, course)
    learners = [replace(c, lessons_done=done.get((c.province, c.channel), 0)) for c in counts]
    return Breakdown(today, learners, lessons, streaks)


def _place(province: str | None) -> tuple[bool, str]:
    """The order rows are kept in, live or from the summary: provinces by id, "not said" last."""
    return province is None, province or ""


def _learner_tally(
    connection: Connection, scope: list[str] | None, today: date
) -> tuple[list[LearnerCount], list[tuple[str | None, int, int]]]:
    """Learners, set up and active per province and channel, and live streaks per province and
    length, in one pass over the learners."""
    active = _active_since(today - timedelta(days=ACTIVE_DAYS - 1))
    live = and_(learners_table.c.streak > 0, _streak_alive(today))
    per_learner = (
        select(learners_table.c.province, learners_table.c.channel,
               case((learners_table.c.onboarded, 1), else_=0).label("onboarded"),
               case((active, 1), else_=0).label("active"),
               case((live, learners_table.c.streak), else_=0).label("streak"))
        .where(in_scope(scope))
        .subquery()
    )  # fmt: skip
    places = (per_learner.c.province, per_learner.c.channel, per_learner.c.streak)
    query = select(
        *places, func.count(), func.sum(per_learner.c.onboarded), func.sum(per_learner.c.active)
    ).group_by(*places)
    totals: dict[tuple[str | None, str], list[int]] = {}
    streaks: Counter[tuple[str | None, int]] = Counter()
    for province, channel, streak, learners, onboarded, active_count in connection.execute(query):
        tally = totals.setdefault((province, str(channel)), [0, 0, 0])
        for n, value in enumerate((learners, onboarded, active_count)):
            tally[n] += int(value or 0)
        if streak:
            streaks[(province, int(streak))] += int(learners)
    counts = [
        LearnerCount(province, channel, learners=n, onboarded=onboarded, active=seen, lessons_done=0)
        for (province, channel), (n, onboarded, seen) in sorted(
            totals.items(), key=lambda i: (_place(i[0][0]), i[0][1])
        )
    ]
    by_length = sorted(streaks.items(), key=lambda i: (_place(i[0][0]), i[0][1]))
    return counts, [(province, streak, n) for (province, streak), n in by_length]


def _lesson_tally(
    connection: Connection, scope: list[str] | None, today: date, zone: ZoneInfo | None, course: list[str]
) -> tuple[dict[tuple[str | None, str], int], list[tuple[str | None, date, int]]]:
    """Main-course lessons finished per province and channel (all time), and lessons finished
    per province and day over the last CHART_DAYS days (when there is a `zone` to date them), in
    one pass over the finished lessons, or over those the figures wanted need."""
    first = today - timedelta(days=CHART_DAYS - 1)
    since = datetime.combine(first, time(), zone or UTC_ZONE)
    finished, lesson = results_table.c.finished_at, results_table.c.lesson_id
    day = case((finished >= since, local_day(connection, finished, zone)), else_=None) if zone else null()
    wanted = or_(finished >= since if zone else false(), lesson.in_(course) if course else false())
    per_lesson = (
        select(learners_table.c.province, learners_table.c.channel, day.label("day"),
               case((lesson.in_(course or [""]), 1), else_=0).label("in_course"))
        .select_from(results_table)
        .join(learners_table, learners_table.c.id == results_table.c.learner_id)
        .where(in_scope(scope), true() if zone and course else wanted)
        .subquery()
    )  # fmt: skip
    places = (per_lesson.c.province, per_lesson.c.channel, per_lesson.c.day)
    query = select(*places, func.count(), func.sum(per_lesson.c.in_course)).group_by(*places)
    done: Counter[tuple[str | None, str]] = Counter()
    per_day: Counter[tuple[str | None, date]] = Counter()
    for province, channel, day, lessons, in_course in connection.execute(query):
        done[(province, str(channel))] += int(in_course or 0)
        if day is not None and first <= (finished_on := as_date(day)) <= today:
            per_day[(province, finished_on)] += int(lessons)
    by_day = sorted(per_day.items(), key=lambda i: (_place(i[0][0]), i[0][1]))
    return dict(done), [(province, day, n) for (province, day), n in by_day]


def _from_summary(connection: Connection, scope: list[str] | None) -> Breakdown | None:
    """The summary's rows in the viewer's scope; None before the first refresh."""
    refreshed = summaries.last_refresh(connection)
    if refreshed is None:
        return None
    counted, days, lengths = summaries.learner_counts, summaries.lesson_days, summaries.streak_counts
    counts = [
        LearnerCount(row.province, row.channel, int(row.learners), int(row.onboarded), int(row.active),
                     int(row.lessons_done))
        for row in connection.execute(select(counted).where(in_scope(scope, counted)))
    ]  # fmt: skip
    lessons = [
        (row.province, as_date(row.day), int(row.lessons))
        for row in connection.execute(select(days).where(in_scope(scope, days)))
    ]
    streaks = [
        (row.province, int(row.streak), int(row.learners))
        for row in connection.execute(select(lengths).where(in_scope(scope, lengths)))
    ]
    return Breakdown(
        refreshed.day,
        sorted(counts, key=lambda c: (_place(c.province), c.channel)),
        sorted(lessons, key=lambda r: (_place(r[0]), r[1])),
        sorted(streaks, key=lambda r: (_place(r[0]), r[1])),
        as_of=refreshed.at,
    )


def overview_of(figures: Breakdown) -> Overview:
    by_channel: Counter[str] = Counter()
    for count in figures.learners:
        by_channel[count.channel] += count.learners
    per_day: Counter[date] = Counter()
    for _, day, lessons in figures.lessons:
        per_day[day] += lessons
    live: Counter[int] = Counter()
    for _, streak, learners in figures.streaks:
        live[streak] += learners
    first = figures.day - timedelta(days=CHART_DAYS - 1)
    days = [first + timedelta(days=n) for n in range(CHART_DAYS)]
    return Overview(
        learners=sum(by_channel.values()),
        by_channel={channel: by_channel[channel] for channel in sorted(by_channel)},
        active=sum(count.active for count in figures.learners),
        lessons_per_day=[(day, per_day[day]) for day in days],
        streaks=_streak_buckets(live),
        longest_streak=max(live, default=0),
        as_of=figures.as_of,
    )


def _streak_alive(today: date) -> Any:
    """`flows.streaks.alive` as SQL: studied today or yesterday, or the day before yesterday with
    the weekly freeze still available."""
    last = learners_table.c.last_study_day
    freeze = learners_table.c.freeze_used_on
    missed = today - timedelta(days=1)
    return or_(
        last >= missed,
        and_(last == today - timedelta(days=2), or_(freeze.is_(None), freeze <= missed - timedelta(days=7))),
    )


def _streak_buckets(live: Mapping[int, int]) -> list[tuple[str, int]]:
    buckets = []
    for low, high in STREAK_BUCKETS:
        count = sum(n for streak, n in live.items() if streak >= low and (high is None or streak <= high))
        buckets.append((f"{low}–{high}" if high is not None else f"{low}+", count))
    return buckets


def provinces_of(figures: Breakdown, course: list[str]) -> list[ProvinceFigures]:
    """One row per province with learners, the most learners first."""
    totals: dict[str | None, list[int]] = {}
    for count in figures.learners:
        tally = totals.setdefault(count.province, [0, 0, 0, 0])
        for n, value in enumerate((count.learners, count.onboarded, count.active, count.lessons_done)):
            tally[n] += value
    found = [
        ProvinceFigures(province, learners, onboarded, active, done, done / (learners * max(len(course), 1)))
        for province, (learners, onboarded, active, done) in totals.items()
        if learners
    ]
    return sorted(found, key=lambda f: (-f.learners, f.province or "~"))


def finished_a_module(modules: Mapping[str, list[str]]) -> Any:
    """The ids of learners who finished every lesson of at least one module, as a subquery."""
    parts = [
        select(results_table.c.learner_id.label("learner_id"))
        .where(results_table.c.lesson_id.in_(lessons))
        .group_by(results_table.c.learner_id)
        .having(func.count(func.distinct(results_table.c.lesson_id)) >= len(lessons))
        for lessons in modules.values()
        if lessons
    ]
    if not parts:
        return select(results_table.c.learner_id.label("learner_id")).where(false()).subquery()
    union = parts[0].union(*parts[1:]) if len(parts) > 1 else parts[0]
    return union.subquery()


FUNNEL = ("started", "onboarded", "first_lesson", "still_learning", "module_finished")


def funnel(
    connection: Connection, scope: list[str] | None, modules: Mapping[str, list[str]]
) -> list[tuple[str, int]]:
    """How many learners reached each stage: started → onboarded → finished a first lesson →
    still learning STILL_LEARNING_DAYS days after starting → finished a whole module."""
    where = in_scope(scope)
    any_lesson = select(results_table.c.id).where(results_table.c.learner_id == learners_table.c.id).exists()
    later = _days_between(connection, learners_table.c.last_study_day, learners_table.c.created_at)
    finishers = finished_a_module(modules)
    row = connection.execute(
        select(
            func.count(),
            func.sum(case((learners_table.c.onboarded, 1), else_=0)),
            func.sum(case((any_lesson, 1), else_=0)),
            func.sum(case((later >= STILL_LEARNING_DAYS, 1), else_=0)),
        ).where(where)
    ).one()
    module_finished = connection.execute(
        select(func.count())
        .select_from(learners_table)
        .where(where, learners_table.c.id.in_(select(finishers.c.learner_id)))
    ).scalar_one()
    counts = [int(value or 0) for value in row] + [int(module_finished)]
    return list(zip(FUNNEL, counts, strict=True))


@dataclass(frozen=True, slots=True)
class QuestionFigures:
    question_id: str
    lesson_id: str
    answers: int
    correct: int

    @property
    def missed(self) -> int:
        return self.answers - self.correct

    @property
    def accuracy(self) -> float:
        return self.correct / self.answers if self.answers else 0.0


def questions(connection: Connection, scope: list[str] | None) -> list[QuestionFigures]:
    """Every question answered at least once, by lesson and question id."""
    query = (
        select(
            answers_table.c.question_id,
            func.min(answers_table.c.lesson_id),
            func.count(),
            func.sum(cast(answers_table.c.correct, Integer)),
        )
        .join(learners_table, learners_table.c.id == answers_table.c.learner_id)
        .where(in_scope(scope))
        .group_by(answers_table.c.question_id)
    )
    found = [
        QuestionFigures(str(question), str(lesson), int(count), int(correct or 0))
        for question, lesson, count, correct in connection.execute(query)
    ]
    return sorted(found, key=lambda q: (q.lesson_id, q.question_id))


def most_missed(figures: Iterable[QuestionFigures], limit: int = 20) -> list[QuestionFigures]:
    """The questions answered wrong most often: where the content most needs an editor's look."""
    missed = [q for q in figures if q.missed]
    return sorted(missed, key=lambda q: (-q.missed, q.accuracy, q.question_id))[:limit]


@dataclass(frozen=True, slots=True)
class AlertFigures:
    id: int
    created_at: datetime
    author: str | None
    title: str
    audience: dict[str, Any]
    state: str
    total: int
    outcomes: dict[str, int]  # outbox state → messages

    @property
    def waiting(self) -> int:
        return self.outcomes.get("pending", 0) + self.outcomes.get("sending", 0)

    @property
    def done(self) -> int:
        return self.total - self.waiting

    @property
    def cancellable(self) -> bool:
        return self.state != "cancelled" and self.waiting > 0


def counts_by_campaign(connection: Connection, campaigns: list[str]) -> dict[str, dict[str, int]]:
    """Outbox rows per state for each campaign, in one query."""
    if not campaigns:
        return {}
    query = (
        select(outbox.c.campaign, outbox.c.state, func.count())
        .where(outbox.c.campaign.in_(campaigns))
        .group_by(outbox.c.campaign, outbox.c.state)
    )
    found: dict[str, dict[str, int]] = {}
    for campaign, state, count in connection.execute(query):
        found.setdefault(str(campaign), {})[str(state)] = int(count)
    return found


def alert_in_scope(audience: Mapping[str, Any], scope: list[str] | None) -> bool:
    """A province admin answers for the alerts sent to their provinces only; an alert to the
    whole country (no provinces named) is the national admins'."""
    if scope is None:
        return True
    named = audience.get("provinces") or []
    return bool(named) and set(named) <= set(scope)


def _alert_title(title: Any, text: Any, language: str) -> str:
    for source in (title or {}, text or {}):
        chosen = source.get(language) or source.get("vi") or next(iter(source.values()), "")
        if chosen:
            first = str(chosen).strip().splitlines()[0] if str(chosen).strip() else ""
            return first[:120]
    return ""


def alerts(
    connection: Connection, scope: list[str] | None, language: str = "vi", limit: int = 100
) -> list[AlertFigures]:
    """The newest alerts the viewer answers for, with how far each got."""
    rows = connection.execute(select(alerts_table).order_by(alerts_table.c.id.desc()).limit(limit * 5)).all()
    chosen = [row for row in rows if alert_in_scope(row.audience or {}, scope)][:limit]
    outcomes = counts_by_campaign(connection, [f"alert:{row.id}" for row in chosen])
    return [
        AlertFigures(
            row.id, in_utc(row.created_at), row.author, _alert_title(row.title, row.text, language),
            dict(row.audience or {}), row.state, int(row.total), outcomes.get(f"alert:{row.id}", {}),
        )
        for row in chosen
    ]  # fmt: skip


def alert(connection: Connection, alert_id: int) -> AlertFigures | None:
    row = connection.execute(select(alerts_table).where(alerts_table.c.id == alert_id)).first()
    if row is None:
        return None
    outcomes = counts_by_campaign(connection, [f"alert:{row.id}"]).get(f"alert:{row.id}", {})
    return AlertFigures(
        row.id, in_utc(row.created_at), row.author, _alert_title(row.title, row.text, "vi"),
        dict(row.audience or {}), row.state, int(row.total), outcomes,
    )  # fmt: skip


@dataclass(frozen=True, slots=True)
class CafeFigures:
    id: int
    title: str
    channel: str
    province: str | None  # where most of the learners it brought live
    joined: int  # learners who started through its link
    weekly_answers: list[tuple[date, int]]  # (Monday, answers that week), oldest first


def _week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def cafe_provinces(connection: Connection) -> dict[str, tuple[str | None, int]]:
    """Each café code's home province (the one most of the learners it brought live in; ties go
    to the first in alphabetical order) and how many learners it brought."""
    query = (
        select(learners_table.c.cafe_code, learners_table.c.province, func.count())
        .where(learners_table.c.cafe_code.is_not(None))
        .group_by(learners_table.c.cafe_code, learners_table.c.province)
    )
    tallies: dict[str, Counter[str | None]] = {}
    for code, province, count in connection.execute(query):
        tallies.setdefault(str(code), Counter())[province] += int(count)
    homes = {}
    for code, tally in tallies.items():
        home = min(tally.items(), key=lambda item: (-item[1], item[0] is None, item[0] or ""))[0]
        homes[code] = (home, sum(tally.values()))
    return homes


def cafes(
    connection: Connection, scope: list[str] | None, today: date, weeks: int = CAFE_WEEKS
) -> list[CafeFigures]:
    """Active cafés (enabled, the bot still in the group) with their answers per week. A café
    belongs to no province by itself: a scoped viewer sees the cafés whose home province
    (`cafe_provinces`) is theirs."""
    homes = cafe_provinces(connection)
    rows = connection.execute(
        select(cafes_table.c.id, cafes_table.c.title, cafes_table.c.channel, cafes_table.c.code)
        .where(cafes_table.c.enabled.is_(True), cafes_table.c.present.is_(True))
        .order_by(cafes_table.c.id)
    ).all()
    chosen = [row for row in rows if scope is None or homes.get(row.code, (None, 0))[0] in set(scope)]
    first_week = _week_start(today) - timedelta(weeks=weeks - 1)
    per_day = connection.execute(
        select(cafe_answers_table.c.cafe_id, cafe_answers_table.c.answered_on, func.count())
        .where(
            cafe_answers_table.c.answered_on >= first_week,
            cafe_answers_table.c.cafe_id.in_([row.id for row in chosen] or [-1]),
        )
        .group_by(cafe_answers_table.c.cafe_id, cafe_answers_table.c.answered_on)
    ).all()
    weekly: dict[int, Counter[date]] = {}
    for cafe_id, day, count in per_day:
        weekly.setdefault(int(cafe_id), Counter())[_week_start(as_date(day))] += int(count)
    mondays = [first_week + timedelta(weeks=n) for n in range(weeks)]
    found = []
    for row in chosen:
        home, joined = homes.get(row.code, (None, 0))
        counts = weekly.get(row.id, Counter())
        weeks_seen = [(monday, counts[monday]) for monday in mondays]
        found.append(CafeFigures(row.id, row.title, row.channel, home, joined, weeks_seen))
    return found
