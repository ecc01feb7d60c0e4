"""The house limits on app code: no function over 60 lines, no module over 600
lines (STYLE.md; a pure data table that needs more would be named here).
Migrations and tests are not app code."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = ("clinic", "patients", "treatments", "scheduling")
MAX_FUNCTION_LINES = 60
MAX_MODULE_LINES = 600


def app_modules():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


def test_the_apps_have_modules_to_check():
    assert len(list(app_modules())) > 50


def test_no_function_is_longer_than_sixty_lines():
    long = [
        f"{path.relative_to(ROOT)}: {node.name} ({length} lines)"
        for path in app_modules()
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and (length := node.end_lineno - node.lineno + 1) > MAX_FUNCTION_LINES
    ]
    assert long == []


def test_no_module_is_longer_than_six_hundred_lines():
    long = [
        f"{path.relative_to(ROOT)} ({lines} lines)"
        for path in app_modules()
        if (lines := len(path.read_text().splitlines())) > MAX_MODULE_LINES
    ]
    assert long == []
