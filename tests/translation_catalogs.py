"""The strings each app's Python code marks for translation (the literal
arguments of its gettext calls, read with ast) and the app's Spanish catalog:
tests/test_python_translations.py checks one against the other."""

import ast
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
APPS = ("clinic", "patients", "treatments", "scheduling")
SINGULAR = {"_", "gettext", "gettext_lazy", "gettext_noop"}
PLURAL = {"ngettext", "ngettext_lazy"}
WITH_CONTEXT = {"pgettext", "pgettext_lazy"}


def _text(node) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def _function_name(call: ast.Call) -> str:
    if isinstance(call.func, ast.Attribute):
        return call.func.attr
    return getattr(call.func, "id", "")


def marked_strings(app: str) -> list[tuple[str, str | None, tuple[str, ...]]]:
    """(module, context, msgids) of each gettext call with literal arguments in the
    app's modules (migrations aside); msgids holds both forms of a plural."""
    found = []
    for path in sorted((ROOT / app).rglob("*.py")):
        if "migrations" in path.parts:
            continue
        module = str(path.relative_to(ROOT))
        for call in ast.walk(ast.parse(path.read_text())):
            if not isinstance(call, ast.Call) or not call.args:
                continue
            name, texts = _function_name(call), [_text(arg) for arg in call.args]
            if name in SINGULAR and texts[0] is not None:
                found.append((module, None, (texts[0],)))
            elif name in PLURAL and len(texts) > 1 and None not in texts[:2]:
                found.append((module, None, (texts[0], texts[1])))
            elif name in WITH_CONTEXT and len(texts) > 1 and None not in texts[:2]:
                found.append((module, texts[0], (texts[1],)))
    return found


def spanish_catalog(app: str):
    with (ROOT / app / "locale/es/LC_MESSAGES/django.po").open("rb") as po:
        return read_po(po)


def untranslated(app: str, catalog=None) -> list[str]:
    """The app's marked strings without a finished Spanish entry in `catalog`."""
    catalog = catalog or spanish_catalog(app)
    missing = []
    for module, context, msgids in marked_strings(app):
        entry = catalog.get(msgids[0], context=context)
        spanish = () if entry is None else entry.string
        spanish = (spanish,) if isinstance(spanish, str) else spanish
        if (
            entry is None
            or entry.fuzzy
            or (len(msgids) == 2 and tuple(entry.id) != msgids)
            or not spanish
            or not all(text.strip() for text in spanish)
        ):
            missing.append(f"{module}: {msgids[0]!r}")
    return missing
