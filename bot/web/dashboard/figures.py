"""The dashboard's report pages: overview, provinces, the learning funnel, questions, cafés and
the audit log. Each reads its figures through `store.reports` with the viewer's scope, then draws
a chart and a table of the same numbers. The overview and provinces pages read the summary the
scheduler refreshes, and say when it was counted."""

from __future__ import annotations

from datetime import datetime

from aiohttp import web

from bot.web.dashboard import charts
from bot.web.dashboard.access import Dashboard, signed_in
from bot.web.dashboard.render import Visit, Writer, render
from content.library import Library
from service import audit
from service.audit import describe
from store import reports

AUDIT_SHOWN = 200


def course(library: Library) -> list[str]:
    """The main course's lessons, the measure of completion."""
    return list(library.lesson_order)


def modules(library: Library) -> dict[str, list[str]]:
    return {
        module.id: [lesson.id for lesson in module.lessons] for module in library.curriculum("vi").modules
    }


def question_texts(library: Library, language: str) -> dict[str, str]:
    curriculum = library.curriculum(language)
    lessons = [
        *curriculum.lessons.values(),
        *(lesson for track in curriculum.tracks.values() for lesson in track.lessons),
    ]
    return {question.id: question.question for lesson in lessons for question in lesson.questions}


def figure_routes(dashboard: Dashboard) -> list[web.RouteDef]:
    database, library, zone = dashboard.database, dashboard.library, dashboard.zone

    def today() -> datetime:
        return datetime.now(zone)

    async def overview(request: web.Request, visit: Visit) -> web.StreamResponse:
        day = today().date()
        figures = await database.run(lambda c: reports.overview(c, visit.scope, day, zone))
        t, w = visit.t, Writer(visit.language, library, zone)
        channels = [(t.get(f"channel.{name}", name), count) for name, count in figures.by_channel.items()]
        return render(
            visit, library, zone, "overview.html", "overview", as_of=figures.as_of,
            figures=figures,
            channel_chart=charts.bars(channels, t["overview.by_channel"]),
            channel_rows=[(name, w.n(count)) for name, count in channels],
            daily_chart=charts.daily(figures.lessons_per_day, t["overview.lessons_per_day"], w.day),
            daily_rows=[(w.day(d), w.n(n)) for d, n in reversed(figures.lessons_per_day)],
            streak_chart=charts.columns(figures.streaks, t["overview.streaks"]),
            streak_rows=[(name, w.n(count)) for name, count in figures.streaks],
        )  # fmt: skip

    async def provinces(request: web.Request, visit: Visit) -> web.StreamResponse:
        day, lessons = today().date(), course(library)
        # zone None: this page draws no lessons chart, so none is counted when there is no summary yet
        counted = await database.run(lambda c: reports.learner_figures(c, visit.scope, day, None, lessons))
        found = reports.provinces_of(counted, lessons)
        t, w = visit.t, Writer(visit.language, library, zone)
        names = [w.province(f.province, t["provinces.unknown"]) for f in found]
        rows = [
            (name, w.n(f.learners), w.n(f.onboarded), w.n(f.active), w.n(f.lessons_done), w.pct(f.completion))
            for name, f in zip(names, found, strict=True)
        ]
        return render(
            visit, library, zone, "provinces.html", "provinces", as_of=counted.as_of,
            rows=rows,
            learners_chart=charts.bars([(n, f.learners) for n, f in zip(names, found, strict=True)],
                                       t["provinces.chart_learners"]),
            completion_chart=charts.bars([(n, f.completion) for n, f in zip(names, found, strict=True)],
                                         t["provinces.chart_completion"], percent=True),
        )  # fmt: skip

    async def funnel(request: web.Request, visit: Visit) -> web.StreamResponse:
        parts = modules(library)
        stages = await database.run(lambda c: reports.funnel(c, visit.scope, parts))
        t, w = visit.t, Writer(visit.language, library, zone)
        started = stages[0][1] or 1
        named = [(t[f"funnel.{stage}"], count) for stage, count in stages]
        return render(
            visit, library, zone, "funnel.html", "funnel",
            funnel_chart=charts.bars(named, t["funnel.title"]) if stages[0][1] else None,
            rows=[(name, w.n(count), w.pct(count / started)) for name, count in named],
        )  # fmt: skip

    async def questions(request: web.Request, visit: Visit) -> web.StreamResponse:
        found = await database.run(lambda c: reports.questions(c, visit.scope))
        missed = reports.most_missed(found)
        t, w = visit.t, Writer(visit.language, library, zone)
        texts = question_texts(library, visit.language)

        def row(q: reports.QuestionFigures) -> tuple[str, ...]:
            counts = (w.n(q.answers), w.n(q.missed), w.pct(q.accuracy))
            return (texts.get(q.question_id, ""), q.question_id, *counts)

        ranked = [(str(n), *row(q)) for n, q in enumerate(missed, start=1)]
        return render(
            visit, library, zone, "questions.html", "questions",
            missed_chart=charts.bars(
                [(rank[0], q.accuracy) for rank, q in zip(ranked, missed, strict=True)],
                t["questions.most_missed"], percent=True,
            ),
            missed_rows=ranked,
            all_rows=[row(q) for q in found],
        )  # fmt: skip

    async def cafes(request: web.Request, visit: Visit) -> web.StreamResponse:
        day = today().date()
        found = await database.run(lambda c: reports.cafes(c, visit.scope, day))
        t, w = visit.t, Writer(visit.language, library, zone)
        weeks = [w.day(monday) for monday, _ in found[0].weekly_answers] if found else []
        totals = [(week, sum(cafe.weekly_answers[n][1] for cafe in found)) for n, week in enumerate(weeks)]
        rows = [
            (cafe.title or f"#{cafe.id}", t.get(f"channel.{cafe.channel}", cafe.channel),
             w.province(cafe.province, t["provinces.unknown"]), w.n(cafe.joined),
             " · ".join(f"{w.day(monday)}: {w.n(count)}" for monday, count in cafe.weekly_answers))
            for cafe in found
        ]  # fmt: skip
        return render(
            visit, library, zone, "cafes.html", "cafes",
            weekly_chart=charts.columns(totals, t["cafes.chart"]) if found else None,
            rows=rows,
        )  # fmt: skip

    async def audit_log(request: web.Request, visit: Visit) -> web.StreamResponse:
        # A viewer limited to provinces sees their own actions; the rest concern the country.
        own = [visit.viewer.user_id] if visit.scope is not None else None
        entries = await database.run(lambda c: audit.latest(c, AUDIT_SHOWN, own))
        t, w = visit.t, Writer(visit.language, library, zone)
        rows = [(w.when(e.at), e.actor, t.get(f"action.{e.action}", e.action), describe(e)) for e in entries]
        return render(visit, library, zone, "audit.html", "audit", rows=rows, own_only=own is not None)

    pages = {
        "/dashboard": overview,
        "/dashboard/provinces": provinces,
        "/dashboard/funnel": funnel,
        "/dashboard/questions": questions,
        "/dashboard/cafes": cafes,
        "/dashboard/audit": audit_log,
    }
    return [web.get(path, signed_in(dashboard, handler)) for path, handler in pages.items()]
