"""Every word a template shows is marked for translation and has its Spanish, and the
catalogs compile, with GNU gettext or without it."""

import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.conf import settings
from django.core.management import call_command
from django.template.base import Lexer, TokenType
from django.utils import translation

from clinic.management.commands import compile_translations

TEMPLATES = Path(settings.BASE_DIR) / "templates"
VISIBLE_ATTRIBUTES = {"title", "placeholder", "aria-label", "alt"}
# Read as they are in either language (DOMAIN.md's unit symbols, a file format's
# name): text made of these alone needs no translation.
SAME_IN_EVERY_LANGUAGE = {"U", "mL", "kg", "ics"}
# Codes, field names and formats typed as shown: never translated.
UNTRANSLATED_ELEMENTS = {"script", "style", "code"}
LETTER = re.compile(r"[^\W\d_]+")
# Words a filter or an include writes out itself: they need _("...").
LITERAL_WORDS = re.compile(
    r"""(?:default|default_if_none|yesno):(["'])([^"']*[^\W\d_][^"']*)\1"""
    r"""|\binclude\b.*\b(?:submit|title|label|heading)=(["'])(.*?)\3"""
)
# Filter values that scripts and CSS read, not people.
MACHINE_VALUES = {"true,false", "info"}
TRANSLATE_LITERAL = re.compile(r"""^(?:translate|trans)\s+(["'])(.*?)\1""")
ALL_CATALOGS = sorted(Path(settings.BASE_DIR).glob("*/locale/*/LC_MESSAGES/*.po")) + [
    Path(settings.BASE_DIR) / "locale/es/LC_MESSAGES/django.po"
]


def template_files() -> list[Path]:
    return sorted(
        path for path in TEMPLATES.rglob("*") if path.suffix in {".html", ".txt"}
    )


def has_words(text: str) -> bool:
    return any(word not in SAME_IN_EVERY_LANGUAGE for word in LETTER.findall(text))


class VisibleText(HTMLParser):
    """Collects the text a reader sees, outside the elements never translated."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.untranslated_depth = 0
        self.found = []

    def handle_starttag(self, tag, attrs):
        if tag in UNTRANSLATED_ELEMENTS:
            self.untranslated_depth += 1
        attributes = dict(attrs)
        is_button = tag == "input" and attributes.get("type") in {"submit", "button"}
        for name, value in attrs:
            if value and (
                name in VISIBLE_ATTRIBUTES or (is_button and name == "value")
            ):
                self.check(f'{name}="{value}"', value)

    def handle_endtag(self, tag):
        if tag in UNTRANSLATED_ELEMENTS:
            self.untranslated_depth -= 1

    def handle_data(self, data):
        if not self.untranslated_depth:
            self.check(data.strip(), data)

    def check(self, shown, text):
        if has_words(text):
            self.found.append(shown)


def untranslated_text(source: str) -> list[str]:
    """Text outside translate/blocktranslate; template tags and variables are
    left out (a blank in their place), as are comments."""
    parts, found, inside = [], [], []
    for token in Lexer(source).tokenize():
        if token.token_type == TokenType.TEXT:
            parts.append("" if inside else token.contents)
            continue
        if token.token_type == TokenType.COMMENT:
            continue
        name = (token.contents.split() or [""])[0]
        if name in {"comment", "blocktranslate", "blocktrans"}:
            inside.append(name)
        elif name in {"endcomment", "endblocktranslate", "endblocktrans"}:
            inside.pop()
        found += [
            "{" + token.contents + "}"
            for match in LITERAL_WORDS.finditer(token.contents)
            if (match.group(2) or match.group(4)) not in MACHINE_VALUES
        ]
        parts.append(" ")
    parser = VisibleText()
    parser.feed("".join(parts))
    parser.close()
    return found + parser.found


def translate_literals(source: str) -> set[tuple[str | None, str]]:
    """(context, message) of each {% translate "..." %} literal."""
    literals = set()
    for token in Lexer(source).tokenize():
        match = TRANSLATE_LITERAL.match(token.contents)
        if token.token_type == TokenType.BLOCK and match:
            context = re.search(r"""\bcontext\s+(["'])(.*?)\1""", token.contents)
            literals.add((context and context.group(2), match.group(2)))
    return literals


def read_catalog(path: Path):
    with path.open("rb") as file:
        return read_po(file)


def test_the_lint_finds_text_left_unmarked():
    source = (
        '{% load i18n %}<p title="Open it">Hello {{ name }}</p><code>G51.3</code>'
        '{% translate "Fine" %}<p>{{ units }} U</p>{{ x|default:"none yet" }}'
        "<script>var a = 1;</script>{# a note #}"
    )
    assert untranslated_text(source) == [
        '{x|default:"none yet"}',
        'title="Open it"',
        "Hello",
    ]


@pytest.mark.parametrize(
    "path", template_files(), ids=lambda path: str(path.relative_to(TEMPLATES))
)
def test_every_visible_word_is_marked_for_translation(path):
    assert untranslated_text(path.read_text()) == []


def test_every_translate_literal_has_its_spanish():
    spanish = {}
    for catalog_path in ALL_CATALOGS:
        for message in read_catalog(catalog_path):
            if message.id and message.string and not message.fuzzy:
                spanish[(message.context, message.id)] = message.string
    missing = [
        f"{path.relative_to(TEMPLATES)}: {literal}"
        for path in template_files()
        for literal in translate_literals(path.read_text())
        if literal not in spanish
    ]
    assert missing == []


@pytest.mark.parametrize(
    "catalog_path",
    ALL_CATALOGS,
    ids=lambda path: str(path.relative_to(settings.BASE_DIR)),
)
def test_no_catalog_has_an_empty_or_fuzzy_entry(catalog_path):
    catalog = read_catalog(catalog_path)
    unfinished = [
        message.id
        for message in catalog
        if message.id
        and (
            message.fuzzy
            or not all(
                message.string
                if isinstance(message.string, tuple)
                else [message.string]
            )
        )
    ]
    assert len(catalog) > 10
    assert unfinished == []


@pytest.fixture
def copied_catalogs(tmp_path, monkeypatch, settings):
    """The project's catalogs copied to a scratch tree, compiled there."""
    settings.LOCALE_PATHS = [tmp_path / "locale"]
    for po in compile_translations.catalogs():
        target = tmp_path / po.relative_to(settings.BASE_DIR)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(po, target)
    monkeypatch.setattr(compile_translations, "project_root", lambda: tmp_path)
    return tmp_path


def compiled_spanish(root: Path, message: str) -> str:
    from gettext import GNUTranslations

    with (root / "locale/es/LC_MESSAGES/django.mo").open("rb") as file:
        return GNUTranslations(file).gettext(message)


def test_babel_compiles_every_catalog_without_gnu_gettext(copied_catalogs, monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    assert shutil.which("msgfmt") is None
    call_command("compile_translations", verbosity=0)
    assert compiled_spanish(copied_catalogs, "Dashboard") == "Panel"
    for po in copied_catalogs.rglob("*.po"):
        assert po.with_suffix(".mo").stat().st_size > 0


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="GNU gettext not installed")
def test_gnu_msgfmt_compiles_every_catalog(copied_catalogs):
    call_command("compile_translations", verbosity=0)
    assert compiled_spanish(copied_catalogs, "Dashboard") == "Panel"
    for po in copied_catalogs.rglob("*.po"):
        assert po.with_suffix(".mo").stat().st_size > 0


def test_the_compiled_catalog_translates_a_template_string():
    with translation.override("es"):
        assert translation.gettext("Dashboard") == "Panel"
    with translation.override("en-gb"):
        assert translation.gettext("Dashboard") == "Dashboard"
