"""`/verify/CODE`: anyone shown a certificate can check it without logging in, and sees what
the bot's /verify answers: "valid" with the module, initials and date, or "not valid"."""

from __future__ import annotations

from aiohttp import web
from markupsafe import Markup

from bot.web.pages import language_of, page
from content.library import Library
from flows.certificates import normal_code, verdict
from flows.texts import Texts
from store import certificates
from store.database import Database


def verify_routes(database: Database, library: Library) -> list[web.RouteDef]:
    async def verify(request: web.Request) -> web.Response:
        language = language_of(request, library)
        code = normal_code(request.match_info["code"]) or ""
        shown = code or request.match_info["code"][:40]
        record = await database.run(lambda connection: certificates.find(connection, code)) if code else None
        t = Texts(library, language)
        text = verdict(library, language, shown if record is None else code, record)
        return page(
            "verify.html",
            status=200 if record is not None else 404,
            language=language,
            title=t("web.verify_title"),
            valid=record is not None,
            verdict=Markup(text),  # the flows' markup, escaped around its tags
            other_language=next((x for x in library.ui if x != language), language),
            other_label=t("web.other_language"),
        )

    return [web.get("/verify/{code}", verify)]
