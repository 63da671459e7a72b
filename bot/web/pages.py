"""Rendering pages: Jinja2 templates with autoescaping, so text from learners and admins can never
become markup; the few strings that carry the flows' markup (<b>, <i>, <a>, already escaped
around them) are passed through `Markup` on purpose."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from aiohttp import web
from jinja2 import Environment, FileSystemLoader, select_autoescape

from content.library import DEFAULT_LANGUAGE, Library

TEMPLATES = Path(__file__).parent / "templates"


@cache
def environment() -> Environment:
    return Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]))


def page(template: str, status: int = 200, **values: object) -> web.Response:
    html = environment().get_template(template).render(**values)
    return web.Response(text=html, status=status, content_type="text/html", charset="utf-8")


def language_of(request: web.Request, library: Library) -> str:
    """`?lang=en` first, then the browser's preferred languages, then Vietnamese."""
    asked = request.query.get("lang", "")
    if asked in library.ui:
        return asked
    for part in request.headers.get("Accept-Language", "").split(","):
        tag = part.split(";")[0].strip().lower()[:2]
        if tag in library.ui:
            return tag
    return DEFAULT_LANGUAGE
