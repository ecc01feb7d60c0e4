"""The one way a letter is made: rendered from its template to PDF with
WeasyPrint, kept on the chart with who produced it and when."""

import uuid

from django.contrib.staticfiles import finders
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from clinic.letters.content import LetterFacts, letterhead
from clinic.models import Letter, LetterKind

LETTER_CSS = "clinic/letter.css"
RECORD_FIELD = {
    LetterKind.POST_SESSION: "toxin_session",
    LetterKind.MVD_REFERRAL: "referral",
    LetterKind.APPOINTMENT: "appointment",
}

# What a user must be able to read to produce or read each kind of letter: what
# it tells.
LETTER_PERMISSIONS = {
    LetterKind.POST_SESSION: (
        "treatments.view_toxinsession",
        "treatments.view_injection",
        "patients.view_case",
    ),
    LetterKind.MVD_REFERRAL: (
        "treatments.view_referral",
        "patients.view_case",
        "patients.view_diagnosticstudy",
        "patients.view_assessment",
        "treatments.view_toxinsession",
    ),
    LetterKind.APPOINTMENT: ("scheduling.view_appointment",),
}


def may_read(user, kind: str) -> bool:
    return user.has_perm("clinic.view_letter") and user.has_perms(
        LETTER_PERMISSIONS[kind]
    )


def letter_context(facts: LetterFacts) -> dict:
    return {
        "facts": facts,
        "letterhead": letterhead(),
        "today": timezone.localdate(),
        "body": f"letters/_{facts.kind}.html",
        "kind_label": LetterKind(facts.kind).label,
        **facts.context,
    }


def render_letter(facts: LetterFacts, template: str = "letters/_letter.html") -> str:
    """The letter in its own language, whatever the language of the page."""
    with translation.override(facts.language):
        return render_to_string(template, letter_context(facts))


def render_pdf(facts: LetterFacts) -> bytes:
    # Imported here: WeasyPrint loads Pango when imported, which no page but a
    # letter needs.
    from weasyprint import CSS, HTML

    html = render_letter(facts, "letters/document.html")
    stylesheet = CSS(filename=finders.find(LETTER_CSS))
    return HTML(string=html).write_pdf(stylesheets=[stylesheet])


def produce_letter(facts: LetterFacts, *, by) -> Letter:
    """Render the letter and keep it: the file and its row together or neither."""
    pdf = render_pdf(facts)
    letter = Letter(
        kind=facts.kind,
        patient=facts.patient,
        recipient=facts.recipient[:200],
        signed_by=facts.signed_by,
        produced_by=by,
        **{RECORD_FIELD[facts.kind]: facts.record},
    )
    letter.pdf.save(
        f"{facts.kind}-{uuid.uuid4().hex}.pdf", ContentFile(pdf), save=False
    )
    try:
        with transaction.atomic():
            letter.save()
    except BaseException:
        letter.pdf.delete(save=False)
        raise
    return letter
