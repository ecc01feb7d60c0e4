"""One override form for toxin sessions and bookings: the digest of the warnings
shown, and the reason (clinic.overrides)."""

from clinic.overrides import DIGEST_FIELD, OverrideForm, digest_of
from scheduling.forms import BookingOverrideForm
from treatments.safety import SafetyWarning
from treatments.session_forms import SafetyOverrideForm

TOO_SOON = "A toxin session on 24 Jan 2027 is 83 days after the last one."


def test_both_pages_use_the_one_form():
    assert issubclass(SafetyOverrideForm, OverrideForm)
    assert issubclass(BookingOverrideForm, OverrideForm)
    assert "given_already" in SafetyOverrideForm.base_fields
    assert "given_already" not in BookingOverrideForm.base_fields


def test_the_digest_is_of_the_messages_whatever_page_shows_them():
    session = SafetyOverrideForm(
        warnings=[SafetyWarning(code="interval", message=TOO_SOON)], may_override=True
    )
    booking = BookingOverrideForm(warnings=[TOO_SOON], may_override=True)
    assert session.digest == booking.digest == digest_of([TOO_SOON])


def test_it_confirms_only_the_warnings_shown():
    shown = {DIGEST_FIELD: digest_of([TOO_SOON])}
    assert (
        BookingOverrideForm(
            shown, warnings=[TOO_SOON], may_override=True
        ).confirms_shown()
        is True
    )
    assert (
        BookingOverrideForm(
            shown, warnings=[TOO_SOON, "Another."], may_override=True
        ).confirms_shown()
        is False
    )
    assert (
        BookingOverrideForm({}, warnings=[TOO_SOON], may_override=True).confirms_shown()
        is False
    )


def test_each_page_names_its_reason():
    booking = BookingOverrideForm(warnings=[], may_override=True)
    session = SafetyOverrideForm(warnings=[], may_override=True)
    assert booking.fields["override_reason"].label == (
        "Reason for booking before the earliest safe date"
    )
    assert session.fields["override_reason"].label == "Reason for overriding"


def test_without_the_permission_no_reason_is_taken():
    form = BookingOverrideForm(
        {"override_reason": "Asked."}, warnings=[TOO_SOON], may_override=False
    )
    assert form.is_valid()
    assert form.cleaned_data["override_reason"] == ""
