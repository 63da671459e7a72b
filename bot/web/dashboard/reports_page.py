"""The scam reports page: how many messages learners reported and what the reviewers decided, by
the checker's light, per day, and the latest reports themselves, a hundred at a time.

A report is listed by its id, time, light, decision, signals and reviewer, never by its text: the
dashboard shows no learner names and no message texts anywhere, since a forwarded message can
name people and carry their numbers, and the dashboard is seen by more people than the reviewers.
Reviewers read the texts in chat, through /reports (`service.admin_desk`)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from aiohttp import web
from sqlalchemy import Connection

from bot.web.dashboard import charts
from bot.web.dashboard.access import Dashboard, signed_in
from bot.web.dashboard.render import Visit, Writer, render
from content.scam_data import load_knowledge
from store import report_figures
from store.report_figures import PAGE, ReportLine

_BEFORE = re.compile(r"\d{1,18}")


def signal_words(kind: str, language: str) -> str:
    """A signal kind in plain words, as the checker's labels say it to learners."""
    return load_knowledge().describe_kind(kind, language)


@dataclass(frozen=True, slots=True)
class ShownReport:
    """One row of the page's table, every value already in the reader's words."""

    id: int
    reported: str
    light: str  # the stored value, for the row's data attribute
    light_words: str  # its colour only: the table by light above the reports says what it means
    status: str
    status_words: str
    signals: str
    decided: str  # who and when; empty while pending


def _before(request: web.Request) -> int | None:
    asked = request.query.get("before", "")
    return int(asked) if _BEFORE.fullmatch(asked) else None


def report_routes(dashboard: Dashboard) -> list[web.RouteDef]:
    database, library, zone = dashboard.database, dashboard.library, dashboard.zone

    async def reports_page(request: web.Request, visit: Visit) -> web.StreamResponse:
        before, today = _before(request), datetime.now(zone).date()

        def read(c: Connection) -> tuple[report_figures.ReportCounts, list[ReportLine]]:
            # one more than a page: whether there is an older page to link to
            return (
                report_figures.counts(c, visit.scope, today, zone),
                report_figures.latest(c, visit.scope, zone, before, PAGE + 1),
            )

        figures, lines = await database.run(read)
        t, w = visit.t, Writer(visit.language, library, zone)
        more, lines = len(lines) > PAGE, lines[:PAGE]

        def shown(line: ReportLine) -> ShownReport:
            decided = ""
            if line.decided_at is not None:
                when = w.when(line.decided_at)
                decided = t["reports.decided"].format(user=line.decided_by or "", when=when)
            signals = "; ".join(signal_words(kind, visit.language) for kind in line.signals)
            return ShownReport(
                line.id, w.when(line.created_at), line.light, t.get(f"light_word.{line.light}", line.light),
                line.status, t.get(f"status.{line.status}", line.status), signals or t["reports.no_signals"],
                decided,
            )  # fmt: skip

        status_words = [(status, t.get(f"status.{status}", status)) for status in figures.by_status]
        light_rows = [
            (t.get(f"light.{light}", light), w.n(sum(by.values())), *(w.n(n) for n in by.values()))
            for light, by in figures.by_light.items()
        ]
        return render(
            visit, library, zone, "reports.html", "reports",
            figures=figures,
            status_words=status_words,
            light_headers=[t["col.light"], t["col.reports"], *(words for _, words in status_words)],
            light_rows=light_rows,
            daily_chart=charts.daily(figures.per_day, t["reports.per_day"], w.day),
            daily_rows=[(w.day(d), w.n(n)) for d, n in reversed(figures.per_day)],
            reports=[shown(line) for line in lines],
            older=lines[-1].id if more else None,
            paged=before is not None,
            scoped=visit.scope is not None,
        )  # fmt: skip

    return [web.get("/dashboard/reports", signed_in(dashboard, reports_page))]
