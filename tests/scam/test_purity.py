"""flows/scam_check is pure: the standard library's text tools, rapidfuzz and the content's
values, nothing that reads a file, a clock or the network (tests/test_layers.py checks the
layers; this checks the checker more strictly)."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ALLOWED = {
    "__future__", "bisect", "collections", "dataclasses", "functools", "itertools", "re", "typing",
    "unicodedata", "rapidfuzz", "content", "flows",
}
ALLOWED_CONTENT = {"content.scam_data"}


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_the_checker_imports_only_what_a_pure_module_needs():
    for path in sorted((ROOT / "flows" / "scam_check").glob("*.py")):
        for name in _imports(path):
            assert name.split(".")[0] in ALLOWED, f"{path.name} imports {name}"
            if name.startswith("content"):
                assert name in ALLOWED_CONTENT, f"{path.name} imports {name}"
            if name.startswith("flows"):
                assert name.startswith("flows.scam_check"), f"{path.name} imports {name}"


def test_the_checker_opens_nothing():
    for path in sorted((ROOT / "flows" / "scam_check").glob("*.py")):
        calls = {
            node.func.id
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
        }
        assert not calls & {"open", "input", "print", "exec", "eval"}, path.name


def test_the_scam_data_loader_knows_nothing_of_flows():
    assert not any(name.startswith("flows") for name in _imports(ROOT / "content" / "scam_data.py"))
