"""Every string the Python code of the four apps marks for translation has a
finished Spanish entry in its app's catalog (the strings are read from the code,
so a string marked without its translation fails here), and no catalog holds a
fuzzy or empty entry."""

import pytest

from tests.translation_catalogs import (
    APPS,
    marked_strings,
    spanish_catalog,
    untranslated,
)


@pytest.mark.parametrize("app", APPS)
def test_the_app_marks_its_strings(app):
    assert len(marked_strings(app)) > 100


@pytest.mark.parametrize("app", APPS)
def test_every_marked_string_has_a_spanish_translation(app):
    assert untranslated(app) == []


@pytest.mark.parametrize("app", APPS)
def test_the_catalog_has_no_fuzzy_or_empty_entry(app):
    unfinished = [
        message.id
        for message in spanish_catalog(app)
        if message.id
        and (
            message.fuzzy
            or not all(
                text.strip()
                for text in (
                    (message.string,)
                    if isinstance(message.string, str)
                    else message.string
                )
            )
        )
    ]
    assert unfinished == []


def test_a_string_left_out_of_the_catalog_is_reported():
    catalog = spanish_catalog("treatments")
    del catalog["Chart at least one injected site."]
    missing = untranslated("treatments", catalog)
    assert "treatments/session_forms.py: 'Chart at least one injected site.'" in missing
    assert all(
        entry.endswith(": 'Chart at least one injected site.'") for entry in missing
    )
