"""CSV exports: learners (hashed ids, no names), alerts, question statistics and scam reports (when,
light, decision, signals and reviewer; never a message text nor the reporter's chat id, as the
dashboard shows no learner names and no message texts), each limited to the viewer's provinces
and each written to the audit log. Learners and reports are streamed a page at a time, so a
national export never holds the whole table in memory.

The files start with a byte-order mark so that spreadsheet programs read the Vietnamese letters
right, and a cell that would start like a formula is prefixed with an apostrophe."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
from datetime import datetime
from functools import partial
from zoneinfo import ZoneInfo

from aiohttp import web

from bot.web.dashboard.access import Dashboard, signed_in
from bot.web.dashboard.figures import question_texts
from bot.web.dashboard.render import Visit, protect
from service import audit
from store import exports, report_figures, reports

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
LEARNER_COLUMNS = (
    "learner", "channel", "province", "group", "language", "lessons_done", "accuracy", "last_active",
)  # fmt: skip
ALERT_COLUMNS = (
    "id", "created_at", "author", "state", "provinces", "audience", "total", "sent", "failed", "blocked",
    "dropped", "cancelled", "waiting", "title",
)  # fmt: skip
QUESTION_COLUMNS = ("question", "lesson", "answers", "correct", "wrong", "accuracy", "text")
REPORT_COLUMNS = ("id", "created_at", "light", "status", "signals", "decided_at", "decided_by")
REPORTS_READ = 5000  # reports read per transaction while the export streams


def _cell(value: object) -> str:
    if value is None:
        return ""
    text = f"{value:.4f}" if isinstance(value, float) else str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def _csv(rows: Iterable[Sequence[object]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for row in rows:
        writer.writerow([_cell(value) for value in row])
    return out.getvalue()


def _learner_row(line: exports.LearnerLine) -> tuple[object, ...]:
    accuracy = round(line.accuracy, 4) if line.accuracy is not None else None
    last = line.last_active.isoformat() if line.last_active else None
    where = (line.channel, line.province, line.group, line.language)
    return (line.id, *where, line.lessons_done, accuracy, last)


def _alert_row(alert: reports.AlertFigures) -> tuple[object, ...]:
    counts = [alert.outcomes.get(state, 0) for state in ("sent", "failed", "blocked", "dropped", "cancelled")]
    provinces = " ".join(alert.audience.get("provinces") or [])
    audience = json.dumps(alert.audience, ensure_ascii=False, sort_keys=True)
    return (
        alert.id, alert.created_at.isoformat(), alert.author, alert.state, provinces, audience, alert.total,
        *counts, alert.waiting, alert.title,
    )  # fmt: skip


def _report_row(line: report_figures.ReportLine, zone: ZoneInfo) -> tuple[object, ...]:
    """Times in the deployment's zone with their offset; signals as their kinds (stable ids, the
    page shows them in words)."""
    decided = line.decided_at.astimezone(zone).isoformat() if line.decided_at else None
    return (
        line.id, line.created_at.astimezone(zone).isoformat(), line.light, line.status,
        " ".join(line.signals), decided, line.decided_by,
    )  # fmt: skip


def export_routes(dashboard: Dashboard) -> list[web.RouteDef]:
    database, library, zone = dashboard.database, dashboard.library, dashboard.zone

    async def begin(request: web.Request, visit: Visit, name: str) -> web.StreamResponse:
        scope = visit.scope
        await database.run(
            lambda c: audit.record(c, visit.viewer.user_id, audit.EXPORT, {"export": name, "scope": scope})
        )
        day = datetime.now(zone).date().isoformat()
        response = web.StreamResponse(
            headers={
                "Content-Type": "text/csv; charset=utf-8",
                "Content-Disposition": f'attachment; filename="hocvuso-{name}-{day}.csv"',
            }
        )
        protect(response)
        await response.prepare(request)
        await response.write("\ufeff".encode())
        return response

    async def learners(request: web.Request, visit: Visit) -> web.StreamResponse:
        response = await begin(request, visit, "learners")
        await response.write(_csv([LEARNER_COLUMNS]).encode())
        salt = await database.run(exports.salt)
        after: int | None = 0
        while after is not None:
            page = partial(exports.learners_page, scope=visit.scope, salt_value=salt, after=after)
            lines, after = await database.run(page)
            await response.write(_csv(_learner_row(line) for line in lines).encode())
        await response.write_eof()
        return response

    async def alerts(request: web.Request, visit: Visit) -> web.StreamResponse:
        found = await database.run(lambda c: reports.alerts(c, visit.scope, "vi", limit=100_000))
        response = await begin(request, visit, "alerts")
        await response.write(_csv([ALERT_COLUMNS, *(_alert_row(a) for a in found)]).encode())
        await response.write_eof()
        return response

    async def questions(request: web.Request, visit: Visit) -> web.StreamResponse:
        found = await database.run(lambda c: reports.questions(c, visit.scope))
        texts = question_texts(library, "vi")
        response = await begin(request, visit, "questions")
        rows: list[Sequence[object]] = [QUESTION_COLUMNS]
        rows += [
            (q.question_id, q.lesson_id, q.answers, q.correct, q.missed, round(q.accuracy, 4),
             texts.get(q.question_id, ""))
            for q in found
        ]  # fmt: skip
        await response.write(_csv(rows).encode())
        await response.write_eof()
        return response

    async def scam_reports(request: web.Request, visit: Visit) -> web.StreamResponse:
        response = await begin(request, visit, "reports")
        await response.write(_csv([REPORT_COLUMNS]).encode())
        read = partial(report_figures.latest, scope=visit.scope, zone=zone, limit=REPORTS_READ)
        before: int | None = None
        while True:
            lines = await database.run(partial(read, before=before))
            await response.write(_csv(_report_row(line, zone) for line in lines).encode())
            if len(lines) < REPORTS_READ:
                break
            before = lines[-1].id
        await response.write_eof()
        return response

    return [
        web.get("/dashboard/export/learners.csv", signed_in(dashboard, learners)),
        web.get("/dashboard/export/alerts.csv", signed_in(dashboard, alerts)),
        web.get("/dashboard/export/questions.csv", signed_in(dashboard, questions)),
        web.get("/dashboard/export/reports.csv", signed_in(dashboard, scam_reports)),
    ]
