"""Likely duplicates of a patient about to be created: the same date of birth
and a similar name, or the same phone number or e-mail address. Front desks
make duplicates by typing a name slightly differently; these are shown before a
new record is saved, and a duplicate already made is merged (clinic.merging)."""

from difflib import SequenceMatcher

from patients.search import search_key

SIMILAR_NAME_RATIO = 0.8
CAP = 5  # the form lists the closest few


def digits(phone: str) -> str:
    return "".join(char for char in phone if char.isdigit())


def similar_names(first: str, second: str) -> bool:
    """Whether two "given family" names are alike once accents, case and spacing
    are set aside: the same, swapped, or a letter or two apart."""
    a, b = search_key(first), search_key(second)
    if not a or not b:
        return False
    if a == b or sorted(a.split()) == sorted(b.split()):
        return True
    return SequenceMatcher(None, a, b).ratio() >= SIMILAR_NAME_RATIO


def likely_duplicates(
    patients, *, given_name, family_name, date_of_birth, phone, email
):
    """The records of `patients` (a Patient queryset, merged records left out)
    that may be the same person, at most CAP, in a fixed number of queries."""
    name = f"{given_name} {family_name}"
    found = {}
    if date_of_birth is not None:
        for patient in patients.filter(date_of_birth=date_of_birth)[:200]:
            if similar_names(name, f"{patient.given_name} {patient.family_name}"):
                found[patient.pk] = patient
    if email:
        for patient in patients.filter(email__iexact=email.strip())[:CAP]:
            found[patient.pk] = patient
    if len(digits(phone or "")) >= 7:
        for patient in patients.filter(phone=phone.strip())[:CAP]:
            found[patient.pk] = patient
    return list(found.values())[:CAP]
