"""The alerts page: every alert the viewer answers for, how far it got, its outcomes and its
author, and a button that stops what has not been sent yet (for those who may send alerts)."""

from __future__ import annotations

from aiohttp import web

from bot.web.dashboard.access import Dashboard, signed_in
from bot.web.dashboard.render import Visit, Writer, render, see_other
from service import alert_admin
from service.admins import can_send_alerts, send_scope
from store import reports

OUTCOMES = ("sent", "failed", "blocked", "dropped", "cancelled")


def alert_routes(dashboard: Dashboard) -> list[web.RouteDef]:
    database, library, zone = dashboard.database, dashboard.library, dashboard.zone

    async def alerts(request: web.Request, visit: Visit) -> web.StreamResponse:
        found = await database.run(lambda c: reports.alerts(c, visit.scope, visit.language))
        t, w = visit.t, Writer(visit.language, library, zone)
        roles = visit.viewer.roles

        def audience(alert: reports.AlertFigures) -> str:
            named = alert.audience.get("provinces") or []
            return w.provinces(named) if named else t["alerts.everyone"]

        def state(alert: reports.AlertFigures) -> str:
            if alert.state == "cancelled":
                return t["state.cancelled"]
            return t["state.sending"] if alert.waiting else t["state.done"]

        def outcomes(alert: reports.AlertFigures) -> list[tuple[str, int]]:
            shown = [(name, alert.outcomes.get(name, 0)) for name in OUTCOMES if alert.outcomes.get(name)]
            return [*shown, ("waiting", alert.waiting)] if alert.waiting else shown

        def may_cancel(alert: reports.AlertFigures) -> bool:
            return can_send_alerts(roles) and reports.alert_in_scope(alert.audience, send_scope(roles))

        notice = ""
        if request.query.get("stopped", "").isdigit() and request.query.get("alert", "").isdigit():
            notice = t["alerts.cancelled_now"].format(
                id=request.query["alert"], stopped=w.n(int(request.query["stopped"]))
            )
        elif request.query.get("refused", "").isdigit():
            notice = t["alerts.cancel_refused"].format(id=request.query["refused"])
        return render(
            visit, library, zone, "alerts.html", "alerts",
            alerts=found, audience=audience, state=state, outcomes=outcomes, may_cancel=may_cancel,
            notice=notice, scoped=visit.scope is not None,
        )  # fmt: skip

    async def cancel(request: web.Request, visit: Visit) -> web.StreamResponse:
        alert_id = int(request.match_info["id"])
        code, stopped = await alert_admin.cancel_alert(
            database, visit.viewer.user_id, dashboard.admin_ids, alert_id
        )
        back = f"/dashboard/alerts?lang={visit.language}"
        if code != alert_admin.OK:
            return see_other(f"{back}&refused={alert_id}")
        return see_other(f"{back}&alert={alert_id}&stopped={stopped}")

    return [
        web.get("/dashboard/alerts", signed_in(dashboard, alerts)),
        web.post(r"/dashboard/alerts/{id:\d{1,18}}/cancel", signed_in(dashboard, cancel)),
    ]
