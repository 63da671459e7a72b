"""Checking a call against the Bot API spec: names, required parameters, types.

Telegram itself is lenient (it ignores unknown parameters, for instance); the
sandbox is deliberately stricter so that a typo or a deprecated parameter in
the bot fails a test instead of silently doing nothing in production. Nested
JSON objects are checked too, including unknown fields, because a misspelt
``callback_data`` inside a keyboard is exactly the bug worth catching.
"""

from __future__ import annotations

import math
import re
from typing import Any

from sandbox.telegram.call import Call
from sandbox.telegram.errors import ApiError, bad_request
from sandbox.telegram.spec import BotApiSpec, FieldSpec, MethodSpec, TypeSpec

_INTEGER = re.compile(r"[+-]?\d+\Z")
_BOOLEANS = frozenset({"true", "false", "1", "0"})
_ARRAY = "Array of "
_MAX_DEPTH = 32
# Telegram accepts a bare string wherever an InputPollOption is expected
# (aiogram sends poll options that way when given plain strings).
_STRING_ACCEPTING_TYPES = frozenset({"InputPollOption"})


def validate_call(spec: BotApiSpec, method: MethodSpec, call: Call) -> None:
    """Raise a 400 :class:`~sandbox.telegram.errors.ApiError` if ``call`` breaks the spec."""
    attached = call.attach_names() if call.files else set()
    for name in (*call.fields, *call.files):
        if name not in method.fields and name not in attached:
            raise bad_request(f'unknown parameter "{name}" for method {method.name}')
    for name in method.required:
        if not call.has(name):
            raise bad_request(f'parameter "{name}" is required for method {method.name}')
    for name in call.files:
        uploaded_for = method.fields.get(name)
        if uploaded_for is not None and "InputFile" not in uploaded_for.types:
            raise bad_request(
                f'parameter "{name}" must be {_describe(uploaded_for.types)}, not a file upload'
            )
    checker = _Checker(spec)
    for name, raw in call.fields.items():
        field = method.fields.get(name)
        if field is None:
            continue
        problem = checker.check_raw(field, raw, call)
        if problem is not None:
            raise bad_request(f'parameter "{name}" is invalid: {problem}')


def check_value(spec: BotApiSpec, type_name: str, value: Any) -> str | None:
    """Check a JSON value against a spec type: how tests hold the sandbox's own answers
    and updates to the shapes Telegram documents. Returns the problem or ``None``."""
    return _Checker(spec).check_json(type_name, value, "", 0)


def _describe(types: tuple[str, ...]) -> str:
    return " or ".join(types)


class _Checker:
    """Type checks for raw form values and for the JSON values nested in them."""

    def __init__(self, spec: BotApiSpec) -> None:
        self._types = spec.types

    def check_raw(self, field: FieldSpec, raw: str, call: Call) -> str | None:
        """Check a form string against the parameter's alternative types."""
        problems: list[str] = []
        for type_name in field.types:
            problem = self._raw_one(type_name, raw, call, field.name)
            if problem is None:
                return None
            problems.append(problem)
        return _best(problems, f"expected {_describe(field.types)}")

    def _raw_one(self, type_name: str, raw: str, call: Call, name: str) -> str | None:
        if type_name == "String":
            return None
        if type_name == "Integer":
            return None if _INTEGER.match(raw) else f"expected Integer, got {raw[:40]!r}"
        if type_name == "Float":
            return None if _is_float(raw) else f"expected Float, got {raw[:40]!r}"
        if type_name == "Boolean":
            if raw.lower() in _BOOLEANS:
                return None
            return f"expected Boolean, got {raw[:40]!r}"
        if type_name == "InputFile":
            if raw.startswith("attach://"):
                if raw[len("attach://") :] in call.files:
                    return None
                return f"{raw!r} names no uploaded file part"
            return "expected an uploaded file"
        try:
            value = call.json_(name)
        except ApiError:  # not JSON: a type mismatch for this alternative
            return f"expected {type_name} as JSON, got {raw[:40]!r}"
        return self.check_json(type_name, value, "", 0)

    def check_json(self, type_name: str, value: Any, path: str, depth: int) -> str | None:
        """Check a decoded JSON value; returns a readable problem or ``None``."""
        if depth > _MAX_DEPTH:
            return None
        where = path or "value"
        if type_name.startswith(_ARRAY):
            if not isinstance(value, list):
                return f"{where}: expected {type_name}"
            inner = type_name[len(_ARRAY) :]
            for index, item in enumerate(value):
                problem = self.check_json(inner, item, f"{path}[{index}]", depth + 1)
                if problem is not None:
                    return problem
            return None
        primitive = _check_primitive(type_name, value)
        if primitive is not None:
            return None if primitive else f"{where}: expected {type_name}, got {_kind(value)}"
        spec = self._types.get(type_name)
        if spec is None:
            return None
        if type_name in _STRING_ACCEPTING_TYPES and isinstance(value, str):
            return None
        if spec.fields is not None:
            return self._check_object(spec, value, path, depth)
        if spec.is_union:
            return self._check_union(spec, value, path, depth)
        return None if isinstance(value, dict) else f"{where}: expected {type_name} object"

    def _check_object(self, spec: TypeSpec, value: Any, path: str, depth: int) -> str | None:
        assert spec.fields is not None
        where = path or "value"
        if not isinstance(value, dict):
            return f"{where}: expected {spec.name} object, got {_kind(value)}"
        for key in value:
            if key not in spec.fields:
                return f'{where}: unknown field "{key}" in {spec.name}'
        for key in spec.required:
            if key not in value:
                return f'{where}: field "{key}" is required in {spec.name}'
        for key, item in value.items():
            field = spec.fields[key]
            child = f"{path}.{key}" if path else key
            problems = []
            for alternative in field.types:
                problem = self.check_json(alternative, item, child, depth + 1)
                if problem is None:
                    break
                problems.append(problem)
            else:
                return _best(problems, f"{child}: expected {_describe(field.types)}")
        return None

    def _check_union(self, spec: TypeSpec, value: Any, path: str, depth: int) -> str | None:
        if spec.tag_field is not None and isinstance(value, dict) and spec.tag_field in value:
            subtype = spec.discriminated.get(str(value[spec.tag_field]))
            if subtype is not None:
                return self.check_json(subtype, value, path, depth + 1)
            if not spec.undiscriminated:
                allowed = ", ".join(sorted(spec.discriminated))
                return (
                    f'{path or "value"}: {spec.tag_field} "{value[spec.tag_field]}" '
                    f"is not a {spec.name} (one of: {allowed})"
                )
        candidates = (*spec.undiscriminated, *spec.discriminated.values())
        problems = []
        for candidate in candidates:
            problem = self.check_json(candidate, value, path, depth + 1)
            if problem is None:
                return None
            problems.append(problem)
        return _best(problems, f"{path or 'value'}: expected {spec.name}")


def _check_primitive(type_name: str, value: Any) -> bool | None:
    """``True``/``False`` for a primitive type name, ``None`` if not primitive."""
    if type_name == "String":
        return isinstance(value, str)
    if type_name == "Integer":
        if isinstance(value, bool):
            return False
        return isinstance(value, int) or (isinstance(value, str) and bool(_INTEGER.match(value)))
    if type_name == "Float":
        return isinstance(value, int | float) and not isinstance(value, bool)
    if type_name == "Boolean":
        return isinstance(value, bool)
    if type_name == "InputFile":
        return isinstance(value, str)
    return None


def _is_float(raw: str) -> bool:
    try:
        return math.isfinite(float(raw))
    except ValueError:
        return False


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "Boolean"
    if isinstance(value, int):
        return "Integer"
    if isinstance(value, float):
        return "Float"
    if isinstance(value, str):
        return "String"
    if isinstance(value, list):
        return "Array"
    return "object"


def _best(problems: list[str], fallback: str) -> str:
    """Among alternatives' problems, the most specific (deepest) is the useful one."""
    if not problems:
        return fallback
    return max(problems, key=lambda problem: problem.count(".") + problem.count("["))
