"""Admins in a private chat: /reports (review what learners reported), /grant, /revoke, /admins
and /dashboard. Their roles decide what they may do (service/admins.py); everyone else who tries
gets one polite line and nothing changes.

These turns are about the admin's work, not their learning: the learner's state is neither read
for the flow nor written, as with a café host's /host.
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import Connection

from content.library import Library
from content.markup import escape
from flows.events import Command, Event, Press
from flows.outcome import Outcome
from flows.replies import Choice, Message, Reply
from flows.scam_check import Memory
from flows.state import LearnerState
from flows.texts import Texts
from flows.tokens import make, parse, record_id
from service import admins, audit, dashboard_login
from service.alert_composer import AlertComposer
from service.scam_tools import Checker
from store import learners, outbox, scam_reports
from store.address import BotRef
from store.database import Database
from store.payload import to_payload

COMMANDS = ("reports", "grant", "revoke", "admins", "dashboard")
REPORT_DECIDED = "report_decided"
TEXT_SHOWN = 1500  # a long reported message is cut in the review (the dashboard shows no texts)


def is_admin_event(event: Event) -> bool:
    if isinstance(event, Command):
        return event.name in COMMANDS
    return isinstance(event, Press) and event.token.startswith("rep:")


class AdminDesk:
    def __init__(
        self,
        database: Database,
        library: Library,
        zone: ZoneInfo,
        bot: BotRef,
        admin_ids: tuple[int, ...],
        dashboard_url: str | None,
        checker: Checker,
    ) -> None:
        self.database = database
        self.library = library
        self.zone = zone
        self.bot = bot
        self.admin_ids = admin_ids
        self.dashboard_url = dashboard_url
        self.checker = checker
        self.composer: AlertComposer | None = None  # for "turn into alert"

    async def take(self, user_id: str, event: Event, language: str) -> Outcome:
        t = Texts(self.library, language)
        nobody = LearnerState(user_id, language_hint=language)
        if isinstance(event, Press):
            return await self._press(user_id, event.token, t, nobody)
        assert isinstance(event, Command)
        match event.name:
            case "reports":
                replies = await self._next_report(user_id, t, 0)
            case "grant":
                replies = [await self._grant(user_id, event.args, t)]
            case "revoke":
                replies = [await self._revoke(user_id, event.args, t)]
            case "admins":
                replies = [await self._admins(user_id, t)]
            case _:
                replies = [await self._dashboard(user_id, t)]
        return Outcome(nobody, list(replies), persist=False)

    async def _roles(self, user_id: str) -> admins.Roles:
        return await admins.roles_of(self.database, user_id, self.admin_ids)

    # -- reports ----------------------------------------------------------------------------

    async def _next_report(self, user_id: str, t: Texts, after: int) -> list[Reply]:
        roles = await self._roles(user_id)
        if not admins.can_view(roles):
            return [Message(t("admin.not_allowed"))]
        scope = admins.scope(roles)

        def work(connection: Connection) -> tuple[scam_reports.Report | None, int, list[tuple[int, str]]]:
            found = scam_reports.next_pending(connection, scope, after)
            if found is None and after:
                found = scam_reports.next_pending(connection, scope, 0)  # round again from the oldest
            return (
                found,
                scam_reports.pending_count(connection, scope),
                scam_reports.pending_texts(connection),
            )

        report, waiting, texts = await self.database.run(work)
        if report is None:
            return [Message(t("reports.none"))]
        return [self._report_message(t, report, waiting, texts)]

    def _report_message(
        self, t: Texts, report: scam_reports.Report, waiting: int, texts: list[tuple[int, str]]
    ) -> Message:
        knowledge = self.checker.knowledge
        others = Memory(
            ((text, "scam", 1) for rid, text in texts if rid != report.id),
            threshold=knowledge.thresholds.memory,
        )
        alike = others.match(report.text)
        flags = "\n".join(
            f"• {escape(knowledge.describe_kind(kind, t.language))}" for kind in report.signals[:6]
        )
        shown = report.text if len(report.text) <= TEXT_SHOWN else report.text[:TEXT_SHOWN] + "…"
        text = t(
            "reports.item",
            id=report.id,
            waiting=waiting,
            light=t(f"reports.light.{report.light}"),
            flags=flags or t("reports.no_flags"),
            similar=alike.reports if alike else 0,
            text=escape(shown),
        )
        decide = (
            Choice(t("reports.scam"), make("rep", "scam", report.id)),
            Choice(t("reports.safe"), make("rep", "safe", report.id)),
            Choice(t("reports.unsure"), make("rep", "unsure", report.id)),
        )
        more = (
            Choice(t("reports.skip"), make("rep", "skip", report.id)),
            Choice(t("reports.into_alert"), make("rep", "alert", report.id)),
        )
        return Message(text, choices=(decide, more))

    async def _press(self, user_id: str, token: str, t: Texts, nobody: LearnerState) -> Outcome:
        parsed = parse(token)
        report_id = record_id(parsed.arg(1)) if parsed else None
        if parsed is None or report_id is None:
            return Outcome(nobody, ack=t("button.stale_notice"), persist=False)
        decision = parsed.arg(0)
        roles = await self._roles(user_id)
        if not admins.can_view(roles):
            return Outcome(nobody, [Message(t("admin.not_allowed"))], persist=False, settled=True)
        if decision == "skip":
            return Outcome(
                nobody, await self._next_report(user_id, t, report_id), settled=True, persist=False
            )
        if decision == "alert":
            replies = await self._into_alert(user_id, report_id, roles, t)
            return Outcome(nobody, replies, settled=True, persist=False)
        if decision not in scam_reports.DECISIONS:
            return Outcome(nobody, ack=t("button.stale_notice"), persist=False)
        decided = await self._decide(user_id, report_id, decision, admins.scope(roles))
        notice = t(f"reports.decided.{decision}") if decided else t("reports.already")
        following = await self._next_report(user_id, t, report_id)
        return Outcome(nobody, list(following), ack=notice, settled=True, persist=False)

    async def _into_alert(self, user_id: str, report_id: int, roles: admins.Roles, t: Texts) -> list[Reply]:
        if self.composer is None or not admins.can_send_alerts(roles):
            return [Message(t("admin.not_allowed"))]
        report = await self.database.run(lambda c: scam_reports.find(c, report_id, admins.scope(roles)))
        if report is None:
            return [Message(t("reports.already"))]
        return await self.composer.from_report(user_id, report.text, t.language)

    async def _decide(self, user_id: str, report_id: int, decision: str, scope: list[str] | None) -> bool:
        """Record the decision, tell the reporter through the outbox, and teach the checker."""
        now = datetime.now(UTC)

        def work(connection: Connection) -> str | None:
            report = scam_reports.find(connection, report_id, scope)
            if report is None or not scam_reports.decide(connection, report_id, decision, user_id, now):
                return None
            audit.record(
                connection, user_id, REPORT_DECIDED, {"report": report_id, "decision": decision}, now
            )
            if report.chat_id is not None:
                self._tell_reporter(connection, report, decision, now)
            return report.text

        text = await self.database.run(work)
        if text is None:
            return False
        self.checker.remember(text, decision)
        return True

    def _tell_reporter(
        self, connection: Connection, report: scam_reports.Report, decision: str, now: datetime
    ) -> None:
        assert report.chat_id is not None
        row = learners.find(connection, report.bot, report.chat_id)
        language = learners.to_state(row).lang if row is not None else "vi"
        message = Message(Texts(self.library, language)(f"report.outcome_{decision}"))
        row_out = outbox.Outgoing(
            report.bot, report.chat_id, f"report:{report.id}", outbox.URGENT, to_payload([message]), now
        )
        outbox.enqueue(connection, [row_out], now)

    # -- roles and the dashboard ------------------------------------------------------------

    async def _grant(self, user_id: str, args: str, t: Texts) -> Message:
        words = args.split()
        if len(words) < 2:
            return Message(t("admin.grant_usage"))
        target, role, provinces = words[0], words[1].lower(), tuple(w.lower() for w in words[2:])
        known = set(self.library.province_ids)
        result = await admins.grant(self.database, user_id, self.admin_ids, target, role, provinces, known)
        if result.ok:
            shown = ", ".join(result.provinces) or t("admin.everywhere")
            return Message(
                t("admin.granted", user=escape(target), role=escape(role), provinces=escape(shown))
            )
        return Message(self._refusal(t, result.code, ", ".join(result.unknown)))

    async def _revoke(self, user_id: str, args: str, t: Texts) -> Message:
        words = args.split()
        if len(words) != 2:
            return Message(t("admin.revoke_usage"))
        result = await admins.revoke(self.database, user_id, self.admin_ids, words[0], words[1].lower())
        if result.ok:
            return Message(t("admin.revoked", user=escape(words[0]), role=escape(words[1].lower())))
        return Message(self._refusal(t, result.code, ""))

    async def _admins(self, user_id: str, t: Texts) -> Message:
        listed = await admins.list_admins(self.database, user_id, self.admin_ids)
        if not listed.ok:
            return Message(self._refusal(t, listed.code, ""))
        lines = [
            t("admin.line", user=escape(a.user_id), roles=escape(_roles_text(t, a.roles)))
            for a in listed.admins
        ]
        return Message(t("admin.list", lines="\n".join(lines) or "—"))

    async def _dashboard(self, user_id: str, t: Texts) -> Message:
        if not self.dashboard_url:
            roles = await self._roles(user_id)
            return Message(t("dashboard.not_set_up") if admins.can_view(roles) else t("admin.not_allowed"))
        try:
            link = await dashboard_login.issue_link(
                self.database, user_id, self.admin_ids, self.dashboard_url
            )
        except dashboard_login.TooManyLinks:
            return Message(
                t("dashboard.too_many", minutes=int(dashboard_login.LINK_LIFETIME.total_seconds() // 60))
            )
        if link is None:
            return Message(t("admin.not_allowed"))
        return Message(t("dashboard.link", link=escape(link)))

    @staticmethod
    def _refusal(t: Texts, code: str, unknown: str) -> str:
        if code == admins.NOT_ALLOWED:
            return t("admin.not_allowed")
        return t(f"admin.refused.{code}", unknown=escape(unknown))


def _roles_text(t: Texts, roles: admins.Roles) -> str:
    parts = []
    if roles.superadmin:
        parts.append(t("admin.role.superadmin"))
    if roles.provinces:
        parts.append(t("admin.role.province_admin", provinces=", ".join(sorted(roles.provinces))))
    if roles.reviewer:
        where = ", ".join(sorted(roles.review_provinces)) or t("admin.everywhere")
        parts.append(t("admin.role.reviewer", provinces=where))
    return "; ".join(parts)
