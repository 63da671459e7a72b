"""The official Bot API description, located and loaded (never copied).

The spec is third-party data kept outside the project
(``shared/telegram-bot-api/api.json``). It is found, in order, through an
explicit path, the ``HOCVUSO_BOTAPI_SPEC`` environment variable, or by walking
up from the working directory and from this file. When it cannot be found the
sandbox still runs, only without method/parameter validation.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SPEC_ENV = "HOCVUSO_BOTAPI_SPEC"
_RELATIVE_CANDIDATES = (
    Path("shared/telegram-bot-api/api.json"),
    Path("../shared/telegram-bot-api/api.json"),
)
_DISCRIMINATOR_FIELDS = ("type", "source", "status")
_DISCRIMINATOR_VALUE = re.compile(r"(?:must be|always)\s+[\"“*]?([A-Za-z0-9_]+)")


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """One parameter of a method or one field of an object type."""

    name: str
    types: tuple[str, ...]
    required: bool


@dataclass(frozen=True, slots=True)
class MethodSpec:
    name: str
    fields: dict[str, FieldSpec]
    required: tuple[str, ...]
    returns: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class TypeSpec:
    """An object type, or a union (``subtypes``) such as ``BotCommandScope``.

    For unions, ``discriminated`` maps the value of the tag field (``type``,
    ``source`` or ``status``) to the subtype, so a value is checked against the
    one subtype it claims to be; ``undiscriminated`` lists the rest.
    """

    name: str
    fields: dict[str, FieldSpec] | None
    required: tuple[str, ...] = ()
    tag_field: str | None = None
    discriminated: dict[str, str] = field(default_factory=dict)
    undiscriminated: tuple[str, ...] = ()

    @property
    def is_union(self) -> bool:
        return self.fields is None and (bool(self.discriminated) or bool(self.undiscriminated))


@dataclass(frozen=True, slots=True)
class BotApiSpec:
    """Methods and types of one Bot API version, indexed for fast validation."""

    version: str
    path: Path
    methods: dict[str, MethodSpec]
    types: dict[str, TypeSpec]
    _by_lower: dict[str, str] = field(default_factory=dict, repr=False)

    def canonical_method(self, name: str) -> str | None:
        """Telegram method names are case-insensitive; return the spec's spelling."""
        if name in self.methods:
            return name
        return self._by_lower.get(name.lower())


def locate_spec(explicit: str | os.PathLike[str] | None = None) -> Path | None:
    """Find ``api.json``: explicit path, then env, then walking up from cwd and here."""
    if explicit is not None:
        path = Path(explicit)
        return path if path.is_file() else None
    from_env = os.environ.get(SPEC_ENV)
    if from_env:
        path = Path(from_env)
        return path if path.is_file() else None
    for start in (Path.cwd(), Path(__file__).resolve().parent):
        for directory in (start, *start.parents):
            for relative in _RELATIVE_CANDIDATES:
                candidate = directory / relative
                if candidate.is_file():
                    return candidate.resolve()
    return None


def _field_specs(raw_fields: list[dict[str, Any]]) -> dict[str, FieldSpec]:
    return {
        raw["name"]: FieldSpec(
            name=raw["name"],
            types=tuple(raw.get("types", ())),
            required=bool(raw.get("required", False)),
        )
        for raw in raw_fields
    }


def _tag_of(raw_type: dict[str, Any] | None) -> tuple[str, str] | None:
    """The (field, value) that identifies a union member, read from its description."""
    if raw_type is None:
        return None
    for raw in raw_type.get("fields", ()):
        if raw["name"] in _DISCRIMINATOR_FIELDS:
            match = _DISCRIMINATOR_VALUE.search(" ".join(_description(raw)))
            return (raw["name"], match.group(1)) if match else None
    return None


def _description(raw: dict[str, Any]) -> list[str]:
    text = raw.get("description", "")
    return [text] if isinstance(text, str) else list(text)


def _type_spec(name: str, raw: dict[str, Any], all_types: dict[str, Any]) -> TypeSpec:
    if "subtypes" not in raw:
        fields = _field_specs(raw["fields"]) if "fields" in raw else None
        required = tuple(f.name for f in (fields or {}).values() if f.required)
        return TypeSpec(name=name, fields=fields, required=required)
    tag_field: str | None = None
    discriminated: dict[str, str] = {}
    undiscriminated: list[str] = []
    for subtype in raw["subtypes"]:
        tag = _tag_of(all_types.get(subtype))
        if tag is not None and tag_field in (None, tag[0]):
            tag_field = tag[0]
            discriminated[tag[1]] = subtype
        else:
            undiscriminated.append(subtype)
    return TypeSpec(
        name=name,
        fields=None,
        tag_field=tag_field,
        discriminated=discriminated,
        undiscriminated=tuple(undiscriminated),
    )


def parse_spec(data: dict[str, Any], path: Path) -> BotApiSpec:
    """Index the raw JSON (``{"methods": ..., "types": ...}``) for validation."""
    methods: dict[str, MethodSpec] = {}
    for name, raw in data["methods"].items():
        fields = _field_specs(raw.get("fields", []))
        methods[name] = MethodSpec(
            name=name,
            fields=fields,
            required=tuple(f.name for f in fields.values() if f.required),
            returns=tuple(raw.get("returns", ())),
        )
    raw_types: dict[str, Any] = data.get("types", {})
    types = {name: _type_spec(name, raw, raw_types) for name, raw in raw_types.items()}
    return BotApiSpec(
        version=str(data.get("version", "unknown")),
        path=path,
        methods=methods,
        types=types,
        _by_lower={name.lower(): name for name in methods},
    )


_CACHE: dict[tuple[Path, int], BotApiSpec] = {}


def load_spec(path: str | os.PathLike[str]) -> BotApiSpec:
    """Load and index a spec file; cached per path and mtime (tests start many sandboxes)."""
    resolved = Path(path).resolve()
    key = (resolved, resolved.stat().st_mtime_ns)
    cached = _CACHE.get(key)
    if cached is None:
        with resolved.open(encoding="utf-8") as handle:
            cached = parse_spec(json.load(handle), resolved)
        _CACHE[key] = cached
    return cached
