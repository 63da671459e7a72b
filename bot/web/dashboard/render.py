"""Rendering dashboard pages: the viewer's language, the words of content/dashboard, numbers
written the way the reader writes them, the navigation, and the headers that keep the pages out
of caches and frames."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from aiohttp import web
from babel.numbers import format_decimal, format_percent

from bot.web.pages import page
from content import dashboard_text
from content.library import Library
from service.admins import PROVINCE_ADMIN, REVIEWER, SUPERADMIN, Roles
from service.dashboard_login import Viewer

NAV = (
    ("overview", "/dashboard"),
    ("provinces", "/dashboard/provinces"),
    ("funnel", "/dashboard/funnel"),
    ("questions", "/dashboard/questions"),
    ("alerts", "/dashboard/alerts"),
    ("reports", "/dashboard/reports"),
    ("cafes", "/dashboard/cafes"),
    ("audit", "/dashboard/audit"),
)
EXPORTS = ("learners", "alerts", "questions", "reports")
SECURITY_HEADERS = {
    "Cache-Control": "no-store",  # figures and tokens stay out of shared caches
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'"
    ),
    # the login address carries its token: never tell another site; "same-origin" rather than
    # "no-referrer", which would make browsers send `Origin: null` with our own forms
    "Referrer-Policy": "same-origin",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
}


@dataclass(frozen=True)
class Visit:
    """One request of a signed-in viewer."""

    viewer: Viewer
    language: str
    csrf: str  # the hidden field of every form
    scope: list[str] | None  # None: the whole country
    session: str = field(repr=False)  # the cookie's token: never written into a page

    @property
    def t(self) -> dict[str, str]:
        return dashboard_text.texts(self.language)


def dashboard_language(request: web.Request) -> str:
    """`?lang=` first, then the browser's languages, then Vietnamese."""
    offered = dashboard_text.languages()
    asked = request.query.get("lang", "")
    if asked in offered:
        return asked
    for part in request.headers.get("Accept-Language", "").split(","):
        tag = part.split(";")[0].strip().lower()[:2]
        if tag in offered:
            return tag
    return dashboard_text.DEFAULT


def protect(response: web.StreamResponse) -> web.StreamResponse:
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response


def see_other(location: str) -> web.Response:
    return web.Response(status=303, headers={"Location": location})


def plain_page(
    language: str, title_key: str, text_key: str, status: int = 200, button: str | None = None
) -> web.Response:
    """A page with a heading, a sentence and maybe one button (the login pages)."""
    t = dashboard_text.texts(language)
    response = page(
        "dashboard/plain.html",
        status=status,
        language=language,
        t=t,
        title=t[title_key],
        text=t[text_key],
        button=t[button] if button else None,
        others=_other_languages(language),
    )
    protect(response)
    return response


def _other_languages(language: str) -> list[tuple[str, str]]:
    return [
        (code, dashboard_text.texts(code)["language_name"])
        for code in dashboard_text.languages()
        if code != language
    ]


def role_words(roles: Roles, t: dict[str, str]) -> str:
    held = [
        name
        for name, has in (
            (SUPERADMIN, roles.superadmin),
            (PROVINCE_ADMIN, bool(roles.provinces)),
            (REVIEWER, roles.reviewer),
        )
        if has
    ]
    return ", ".join(t[f"role.{name}"] for name in held)


@dataclass(frozen=True)
class Writer:
    """Numbers, shares, days and names as the reader's language writes them."""

    language: str
    library: Library
    zone: ZoneInfo

    def n(self, value: float) -> str:
        return format_decimal(value, locale=self.language)

    def pct(self, value: float) -> str:
        return format_percent(value, format="#,##0%", locale=self.language)

    def day(self, value: date) -> str:
        return value.strftime("%d/%m") if self.language == "vi" else value.strftime("%d %b")

    def when(self, value: datetime) -> str:
        return value.astimezone(self.zone).strftime("%Y-%m-%d %H:%M")

    def province(self, province_id: str | None, unknown: str = "") -> str:
        if province_id is None:
            return unknown
        named = self.library.province_ids.get(province_id)
        return named.name(self.language) if named is not None else province_id

    def provinces(self, ids: list[str]) -> str:
        return ", ".join(self.province(p) for p in ids)


def render(
    visit: Visit,
    library: Library,
    zone: ZoneInfo,
    template: str,
    section: str,
    *,
    as_of: datetime | None = None,
    **values: Any,
) -> web.Response:
    """`as_of`: when the page's figures were counted, for pages that read the scheduler's summary;
    said beside the scope, so a viewer knows how fresh they are."""
    t = visit.t
    write = Writer(visit.language, library, zone)
    scope_words = (
        t["scope.all"]
        if visit.scope is None
        else t["scope.some"].format(provinces=write.provinces(visit.scope))
    )
    if as_of is not None:
        scope_words = f"{scope_words} · {t['scope.counted_at'].format(time=write.when(as_of))}"
    return page(
        f"dashboard/{template}",
        language=visit.language,
        t=t,
        w=write,
        title=t[f"nav.{section}"],
        section=section,
        nav=[(name, path, t[f"nav.{name}"]) for name, path in NAV],
        exports=EXPORTS,
        who=t["signed_in_as"].format(user=visit.viewer.user_id, roles=role_words(visit.viewer.roles, t)),
        scope_words=scope_words,
        csrf=visit.csrf,
        others=_other_languages(visit.language),
        **values,
    )
