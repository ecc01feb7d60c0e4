"""Dependencies point one way: scheduling may import treatments and patients;
treatments and patients never import scheduling (DESIGN.md 3)."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def imported_modules(path: Path) -> set[str]:
    modules = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            modules.add(node.module)
    return modules


@pytest.mark.parametrize(
    "app, forbidden",
    [("treatments", {"scheduling"}), ("patients", {"scheduling", "treatments"})],
)
def test_lower_apps_never_import_the_ones_built_on_them(app, forbidden):
    offenders = [
        f"{path.relative_to(ROOT)}: {module}"
        for path in sorted((ROOT / app).rglob("*.py"))
        for module in sorted(imported_modules(path))
        if module.split(".")[0] in forbidden
    ]
    assert offenders == []
