"""What every webhook receiver does before it looks at an update, whatever the platform: the
secret header compared as bytes (in any encoding a client may send), and the body read as one JSON
object. Anything else gets a clear answer: 401 for the secret, 400 for the body."""

from __future__ import annotations

import hmac
import json
from typing import Any

from aiohttp import web


def secret_matches(given: str, secret: bytes) -> bool:
    return hmac.compare_digest(given.encode("utf-8", "surrogateescape"), secret)


async def accepted_body(request: web.Request, header: str, secret: bytes) -> dict[str, Any] | web.Response:
    """The update as a dict, or the response refusing the request."""
    if not secret_matches(request.headers.get(header, ""), secret):
        return web.Response(text="Unauthorized", status=401)
    try:
        body: Any = json.loads(await request.read())
    except (ValueError, UnicodeDecodeError):
        return web.Response(text="the body is not JSON", status=400)
    if not isinstance(body, dict):
        return web.Response(text="the body is not an update object", status=400)
    return body
