"""Who is looking at the dashboard: the login link, the session cookie and the checks every page
goes through.

- The link from /dashboard (`service.dashboard_login`) opens a page with one button; pressing it
  spends the link and sets the cookie. A GET never spends it, so the robots that open links to
  draw a preview (Telegram's among them) cannot use it up, and the cookie is set by a same-site
  request, which browsers then send back even under SameSite=Strict.
- The cookie is HttpOnly, SameSite=Strict, Secure when DASHBOARD_URL is https, limited to
  /dashboard and to twelve hours.
- Every form carries a token derived from the session (`csrf_token`), and a POST whose Origin is
  another site is refused as well.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from aiohttp import web

from bot.web.dashboard.render import Visit, dashboard_language, plain_page, protect, see_other
from content.library import Library
from service import admins, dashboard_login
from store.database import Database

COOKIE = "hocvuso_session"
COOKIE_PATH = "/dashboard"
LOGIN_NEEDED = "/login"


@dataclass(frozen=True)
class Dashboard:
    """What every dashboard page needs, fixed when the web app is built."""

    database: Database
    library: Library
    admin_ids: tuple[int, ...]
    base_url: str | None  # DASHBOARD_URL: https there makes the cookie Secure
    zone: ZoneInfo

    @property
    def secure(self) -> bool:
        return bool(self.base_url and self.base_url.startswith("https://"))


Page = Callable[[web.Request, Visit], Awaitable[web.StreamResponse]]
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def _foreign_origin(request: web.Request, dashboard: Dashboard) -> bool:
    origin = request.headers.get("Origin")
    if not origin or origin == "null":
        return origin == "null"
    own = {f"{request.scheme}://{request.host}"}
    if dashboard.base_url:
        parts = urlsplit(dashboard.base_url)
        own.add(f"{parts.scheme}://{parts.netloc}")
    return origin not in own


def signed_in(dashboard: Dashboard, page: Page) -> Handler:
    """The page, for a signed-in admin or reviewer; anyone else is sent to the page that says
    how to sign in. A POST must carry the session's form token."""

    async def handler(request: web.Request) -> web.StreamResponse:
        session = request.cookies.get(COOKIE, "")
        viewer = (
            await dashboard_login.viewer(dashboard.database, session, dashboard.admin_ids)
            if session
            else None
        )
        if viewer is None:
            raise web.HTTPSeeOther(LOGIN_NEEDED)
        language = dashboard_language(request)
        visit = Visit(
            viewer, language, dashboard_login.csrf_token(session), admins.scope(viewer.roles), session
        )
        if request.method == "POST":
            form = await request.post()
            if _foreign_origin(request, dashboard) or not dashboard_login.csrf_matches(
                session, str(form.get("csrf", ""))
            ):
                return plain_page(language, "forbidden", "forbidden", status=403)
        return protect(await page(request, visit))

    return handler


def login_routes(dashboard: Dashboard) -> list[web.RouteDef]:
    async def needed(request: web.Request) -> web.StreamResponse:
        language = dashboard_language(request)
        if request.query.get("out"):
            return plain_page(language, "login.needed_title", "login.signed_out", status=200)
        return plain_page(language, "login.needed_title", "login.needed", status=200)

    async def confirm(request: web.Request) -> web.StreamResponse:
        language = dashboard_language(request)
        token = request.match_info["token"]
        if not await dashboard_login.link_is_usable(dashboard.database, token):
            return plain_page(language, "login.refused_title", "login.refused", status=403)
        return plain_page(language, "login.title", "login.confirm", button="login.button")

    async def sign_in(request: web.Request) -> web.StreamResponse:
        language = dashboard_language(request)
        token = request.match_info["token"]
        session = await dashboard_login.open_session(dashboard.database, token, dashboard.admin_ids)
        if session is None:
            return plain_page(language, "login.refused_title", "login.refused", status=403)
        response = see_other(f"/dashboard?lang={language}")
        response.set_cookie(
            COOKIE,
            session,
            max_age=int(dashboard_login.SESSION_LIFETIME.total_seconds()),
            path=COOKIE_PATH,
            httponly=True,
            samesite="Strict",
            secure=dashboard.secure,
        )
        return protect(response)

    async def sign_out(request: web.Request, visit: Visit) -> web.StreamResponse:
        await dashboard_login.close_session(dashboard.database, visit.session)
        response = see_other(f"{LOGIN_NEEDED}?out=1&lang={visit.language}")
        response.del_cookie(COOKIE, path=COOKIE_PATH)
        return response

    return [
        web.get(LOGIN_NEEDED, needed),
        web.get("/login/{token}", confirm),
        web.post("/login/{token}", sign_in),
        web.post("/dashboard/logout", signed_in(dashboard, sign_out)),
    ]
