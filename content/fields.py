"""Reading typed fields out of a YAML mapping while reporting what is missing or wrong.

The loader keeps going after a problem so that one run of the check lists every problem in every
file, instead of stopping at the first one.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from content.problems import Problems
from content.yaml_lines import YamlMap

ID_PATTERN = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


class Fields:
    def __init__(self, data: Any, path: Path, problems: Problems, where: str, line: int = 1):
        self.path = path
        self.problems = problems
        self.where = where
        if isinstance(data, YamlMap):
            self.data: YamlMap = data
            for key, key_line in data.duplicate_keys:
                problems.add(path, key_line, f"{where}: key '{key}' is written twice")
        else:
            self.data = YamlMap()
            self.data.line, self.data.key_lines, self.data.duplicate_keys = line, {}, []
            problems.add(path, line, f"{where}: expected a mapping of fields")

    @property
    def line(self) -> int:
        return self.data.line

    def line_of(self, key: str) -> int:
        return self.data.line_of(key)

    def report(self, key: str, message: str) -> None:
        self.problems.add(self.path, self.line_of(key), f"{self.where}: {message}")

    def text(self, key: str, required: bool = True) -> str:
        value = self.data.get(key)
        if value is None:
            if required:
                self.report(key, f"missing '{key}'")
            return ""
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            self.report(key, f"'{key}' must be text")
            return ""
        text = str(value).strip()
        if required and not text:
            self.report(key, f"'{key}' is empty")
        return text

    def optional_text(self, key: str) -> str | None:
        return self.text(key, required=False) or None

    def identifier(self, key: str = "id", required: bool = True) -> str:
        value = self.text(key, required)
        if value and not ID_PATTERN.match(value):
            self.report(key, f"id '{value}' must be lowercase letters, digits and dashes")
        return value

    def integer(self, key: str) -> int:
        value = self.data.get(key)
        if isinstance(value, bool) or not isinstance(value, int):
            self.report(key, f"'{key}' must be a whole number")
            return -1
        return value

    def items(self, key: str, required: bool = True) -> list[Any]:
        value = self.data.get(key)
        if value is None:
            if required:
                self.report(key, f"missing '{key}'")
            return []
        if not isinstance(value, list):
            self.report(key, f"'{key}' must be a list")
            return []
        return value

    def texts(self, key: str, required: bool = True) -> tuple[str, ...]:
        result = []
        for item in self.items(key, required):
            if isinstance(item, str | int | float) and not isinstance(item, bool):
                result.append(str(item).strip())
            else:
                self.report(key, f"every entry of '{key}' must be text")
        return tuple(result)

    def translations(self, key: str) -> dict[str, str]:
        value = self.data.get(key)
        if not isinstance(value, dict) or not value:
            self.report(key, f"'{key}' must map language codes to text")
            return {}
        return {str(lang): str(text).strip() for lang, text in value.items()}

    def sub(self, key: str) -> Fields:
        return Fields(self.data.get(key), self.path, self.problems, f"{self.where}.{key}", self.line_of(key))
