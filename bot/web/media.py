"""`/media`: what MEDIA_BASE_URL points to when hocvuso serves its own media. Lesson pictures
come from content/media; a certificate's picture is drawn from its record when asked for, so
nothing is stored on disk and a forgotten learner's certificate disappears with their row."""

from __future__ import annotations

from aiohttp import web

from bot.certificates.drawing import draw
from content.library import Library
from flows.certificates import normal_code, picture
from store import certificates
from store.database import Database

CERTIFICATE_CACHE = "private, max-age=3600"  # a certificate never changes; a forgotten one must go


def media_routes(database: Database, library: Library) -> list[web.AbstractRouteDef]:
    async def certificate(request: web.Request) -> web.Response:
        code = normal_code(request.match_info["code"])
        record = await database.run(lambda connection: certificates.find(connection, code)) if code else None
        if record is None:
            raise web.HTTPNotFound()
        png = await draw(picture(library, record))
        if png is None:
            raise web.HTTPNotFound()
        return web.Response(body=png, content_type="image/png", headers={"Cache-Control": CERTIFICATE_CACHE})

    routes: list[web.AbstractRouteDef] = [web.get("/media/certificates/{code}.png", certificate)]
    if library.media_root.is_dir():  # a deployment without lesson pictures has no folder
        routes.append(web.static("/media", library.media_root, follow_symlinks=False))
    return routes
