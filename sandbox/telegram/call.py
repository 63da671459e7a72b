"""One Bot API call, decoded from HTTP the way Telegram decodes it.

Telegram receives every parameter as a string (query string, urlencoded form,
multipart form or a JSON body) plus, for uploads, multipart file parts. aiogram
sends nested objects such as ``reply_markup`` as JSON strings and uploads as
``attach://<name>`` pointing at a file part. :class:`Call` keeps that raw shape
so the spec validator sees exactly what Telegram would see, and offers typed
accessors (with Telegram's error messages) for the method handlers.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from sandbox.telegram.errors import bad_request

_ATTACH = re.compile(r"attach://([^\"\s,}\]]+)")
_TRUE = frozenset({"true", "1"})
_FALSE = frozenset({"false", "0"})
_MISSING = object()


@dataclass(frozen=True, slots=True)
class UploadedFile:
    """A multipart file part: kept whole so a test can read what the bot sent."""

    field: str
    filename: str
    content: bytes
    content_type: str


@dataclass(slots=True)
class Call:
    """A decoded call: raw string fields, uploaded files and a JSON parse cache."""

    method: str
    fields: dict[str, str] = field(default_factory=dict)
    files: dict[str, UploadedFile] = field(default_factory=dict)
    _parsed: dict[str, Any] = field(default_factory=dict, repr=False)

    def has(self, name: str) -> bool:
        return name in self.fields or name in self.files

    def str_(self, name: str, default: str | None = None) -> str | None:
        return self.fields.get(name, default)

    def int_(self, name: str) -> int | None:
        raw = self.fields.get(name)
        if raw is None:
            return None
        try:
            return int(raw)
        except ValueError:
            raise bad_request(f'parameter "{name}" must be an Integer') from None

    def bool_(self, name: str, default: bool = False) -> bool:
        raw = self.fields.get(name)
        if raw is None:
            return default
        lowered = raw.lower()
        if lowered in _TRUE:
            return True
        if lowered in _FALSE:
            return False
        raise bad_request(f'parameter "{name}" must be a Boolean')

    def json_(self, name: str) -> Any:
        """The parameter parsed as JSON (cached: validation and handlers share it)."""
        cached = self._parsed.get(name, _MISSING)
        if cached is not _MISSING:
            return cached
        raw = self.fields.get(name)
        if raw is None:
            return None
        try:
            value = json.loads(raw)
        except ValueError:
            raise bad_request(f"can't parse {name} JSON object") from None
        self._parsed[name] = value
        return value

    def file(self, name: str) -> UploadedFile | None:
        """The upload given for ``name``: a part of that name or ``attach://`` to one."""
        upload = self.files.get(name)
        if upload is not None:
            return upload
        raw = self.fields.get(name)
        if raw is not None and raw.startswith("attach://"):
            return self.files.get(raw[len("attach://") :])
        return None

    def attach_names(self) -> set[str]:
        """File parts referenced through ``attach://`` anywhere in the fields."""
        names: set[str] = set()
        for value in self.fields.values():
            if "attach://" in value:
                names.update(_ATTACH.findall(value))
        return names


def _as_field(value: Any) -> str:
    """Render a JSON-body value the way it would arrive in a form."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def call_from_mapping(method: str, values: dict[str, Any]) -> Call:
    """Build a call from a JSON object (JSON request body or webhook reply)."""
    return Call(
        method=method,
        fields={key: _as_field(value) for key, value in values.items() if value is not None},
    )


async def read_call(request: web.Request, method: str) -> Call:
    """Decode an HTTP request into a :class:`Call` (query, form, multipart or JSON)."""
    call = Call(method=method)
    if request.query:
        call.fields.update(request.query)
    if request.method != "POST" or not request.body_exists:
        return call
    if request.content_type == "application/json":
        try:
            body = await request.json()
        except ValueError:
            raise bad_request("can't parse JSON request body") from None
        if not isinstance(body, dict):
            raise bad_request("the JSON request body must be an object")
        call.fields.update(call_from_mapping(method, body).fields)
        return call
    form = await request.post()
    for key, value in form.items():
        if isinstance(value, web.FileField):
            call.files[key] = UploadedFile(
                field=key,
                filename=value.filename,
                content=value.file.read(),
                content_type=value.content_type,
            )
        elif isinstance(value, str):
            call.fields[key] = value
        else:
            call.fields[key] = bytes(value).decode("utf-8", "replace")
    return call
