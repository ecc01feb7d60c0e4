"""The key pages the benchmark times: who opens each, at which address, and what
the page must show for its time to count.

An expectation is a regular expression the page's HTML must match: a patient row
(a link to a chart), the patient's name on their chart, the admin's result table.
Addresses and expectations may name facts of the database being measured
({chart_id}, {lot}, ...), found once per database by `facts`.
"""

import datetime
import re
from dataclasses import dataclass

from django.contrib import admin
from django.db import connection
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from bench.generate import ROLE_USERNAMES
from bench.stories import CHART_PATIENT
from bench.urls import FLOOR_PATH
from clinic.models import Role, User
from patients.models import Patient

SUPERUSER = "superuser"
SUPERUSER_NAME = "bench-root"
PATIENT_ROW = r'href="/patients/\d+/"'
ADMIN_ROWS = r'id="result_list"'
SESSION_ROW = r'href="/treatments/sessions/\d+/"'
# Who opens the admin: the first role here that may view the model.
ADMIN_ROLE_ORDER = (
    Role.CLINIC_ADMIN,
    Role.NEUROLOGIST,
    Role.INJECTOR,
    Role.THERAPIST,
    Role.SCHEDULER,
)


@dataclass(frozen=True)
class Page:
    name: str
    role: str  # a Role value, or SUPERUSER
    path: str
    expect: str

    def address(self, facts: dict) -> str:
        return self.path.format(**facts)

    def problem(self, response, facts: dict) -> str:
        """Why the response does not count, or "" when it does."""
        if response.status_code != 200:
            return f"status {response.status_code}"
        if not re.search(self.expect.format(**facts), response.content.decode()):
            return "expected rows missing"
        return ""


FLOOR = Page("floor (login-protected 'ok')", Role.NEUROLOGIST, FLOOR_PATH, "^ok$")


def username_for(role: str) -> str:
    return SUPERUSER_NAME if role == SUPERUSER else ROLE_USERNAMES[role]


def facts() -> dict:
    """What the addresses need from the current database: the chart patient,
    the most shared lot, the clinic day shown in the calendars."""
    patient = Patient.objects.get(mrn=f"B{CHART_PATIENT:07d}")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT lot_number, COUNT(DISTINCT session_id) FROM treatments_vial "
            "GROUP BY lot_number ORDER BY 2 DESC LIMIT 1"
        )
        lot, lot_sessions = cursor.fetchone()
    day = timezone.localdate()
    while day.weekday() > 4:
        day += datetime.timedelta(days=1)
    return {
        "chart_id": patient.pk,
        # As the chart's header shows it: "FAMILY, Given".
        "chart": re.escape(
            escape(f"{patient.family_name.upper()}, {patient.given_name}")
        ),
        "mrn": patient.mrn,
        "dob": patient.date_of_birth.isoformat(),
        "name": f"{patient.given_name} {patient.family_name}".replace(" ", "+"),
        "lot": lot,
        "lot_sessions": lot_sessions,
        "day": day.isoformat(),
        **search_terms(),
    }


def search_key(opts) -> str:
    return f"term_{opts.app_label}_{opts.model_name}"


def search_terms() -> dict[str, str]:
    """The admin search term per model: "smith", or where no Smith has a row
    (small tables at small sizes) the family name of a patient who has one."""
    terms = {}
    for model, model_admin in admin.site._registry.items():
        path = patient_path(model_admin)
        if path is None:
            continue
        field = f"{path}family_name"
        smiths = model.objects.filter(**{f"{field}__icontains": "smith"})
        if smiths[:1].exists():
            terms[search_key(model._meta)] = "smith"
        else:
            name = model.objects.values_list(field, flat=True).first() or "smith"
            terms[search_key(model._meta)] = name.replace(" ", "+")
    return terms


def product_pages() -> list[Page]:
    """The clinician pages: dashboards, patient search, chart, recall,
    calendars and lot look-up."""
    pages = [
        Page(f"dashboard ({role})", role, "/", PATIENT_ROW) for role in Role.values
    ]
    neuro, scheduler = Role.NEUROLOGIST, Role.SCHEDULER
    booking = r'href="/treatments/appointments/\d+/ics/"'
    day, week = "/treatments/calendar/day/", "/treatments/calendar/week/"
    return pages + [
        Page("patient list", scheduler, "/patients/", PATIENT_ROW),
        Page("patient search: name", scheduler, "/patients/?q={name}", PATIENT_ROW),
        Page("patient search: MRN", scheduler, "/patients/?q={mrn}", "{mrn}"),
        Page("patient search: date of birth", scheduler, "/patients/?q={dob}", "{mrn}"),
        Page("patient chart (~40 sessions)", neuro, "/patients/{chart_id}/", "{chart}"),
        Page("recall list", scheduler, "/treatments/recall/", PATIENT_ROW),
        Page("calendar: day", scheduler, day + "?date={day}", booking),
        Page("calendar: week", scheduler, week + "?date={day}", booking),
        Page("lot look-up", Role.INJECTOR, "/treatments/lots/?lot={lot}", SESSION_ROW),
    ]  # fmt: skip


def admin_role(model_admin) -> str:
    """The first role whose user may view the changelist; else the superuser."""
    request = RequestFactory().get("/admin/")
    for role in ADMIN_ROLE_ORDER:
        request.user = User.objects.get(username=ROLE_USERNAMES[role])
        if model_admin.has_view_permission(
            request
        ) and model_admin.has_module_permission(request):
            return role
    return SUPERUSER


def patient_path(model_admin) -> str | None:
    """How the admin's search reaches the patient's family name ("" from the
    patient itself, "case__patient__" from a case), or None if it does not."""
    for name in model_admin.get_search_fields(RequestFactory().get("/")):
        if name.endswith("family_name"):
            return name.removesuffix("family_name")
    return None


# The generator writes no sign-in records (django-axes' tables): they grow with
# the staff's sign-ins, not with the patients, and their lists read newest first
# from an index (clinic 0009; tests/test_admin_scale.py checks the plan).
NOT_GENERATED = {"axes"}


def admin_pages() -> list[Page]:
    """Every registered ModelAdmin's changelist but NOT_GENERATED's; and its
    search for "smith" where it searches patients' names."""
    pages = []
    for model, model_admin in sorted(
        admin.site._registry.items(), key=lambda item: item[0]._meta.label
    ):
        opts = model._meta
        if opts.app_label in NOT_GENERATED:
            continue
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        role = admin_role(model_admin)
        label = f"admin {opts.app_label}.{opts.model_name}"
        pages.append(Page(f"{label} list", role, url, ADMIN_ROWS))
        if patient_path(model_admin) is not None:
            search = f"{url}?q={{{search_key(opts)}}}"
            pages.append(Page(f"{label} search smith", role, search, ADMIN_ROWS))
    return pages
