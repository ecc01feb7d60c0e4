from django.urls import path

from treatments.views import (
    appointments,
    assessments,
    calendars,
    courses,
    medication,
    referrals,
    therapy,
    toxin_charting,
    toxin_sessions,
)
from treatments.views import recall as recall_views

app_name = "treatments"

urlpatterns = [
    path(
        "courses/<int:course_pk>/sessions/new/",
        toxin_charting.toxinsession_create,
        name="toxinsession_create",
    ),
    path(
        "sessions/<int:pk>/",
        toxin_sessions.toxinsession_detail,
        name="toxinsession_detail",
    ),
    path(
        "sessions/<int:pk>/edit/",
        toxin_charting.toxinsession_update,
        name="toxinsession_update",
    ),
    path(
        "sessions/<int:pk>/follow-up/",
        toxin_sessions.toxinsession_followup,
        name="toxinsession_followup",
    ),
    path("lots/", toxin_sessions.lot_lookup, name="lot_lookup"),
    path(
        "safety-flags/<int:pk>/acknowledge/",
        toxin_sessions.safetyflag_acknowledge,
        name="safetyflag_acknowledge",
    ),
    path(
        "cases/<int:case_pk>/assessments/new/",
        assessments.assessment_create,
        name="assessment_create",
    ),
    path(
        "assessments/<int:pk>/edit/",
        assessments.assessment_update,
        name="assessment_update",
    ),
    path(
        "cases/<int:case_pk>/courses/new/",
        courses.course_create,
        name="course_create",
    ),
    path("courses/<int:pk>/edit/", courses.course_update, name="course_update"),
    path(
        "courses/<int:course_pk>/therapy/new/",
        therapy.therapysession_create,
        name="therapysession_create",
    ),
    path(
        "therapy/<int:pk>/edit/",
        therapy.therapysession_update,
        name="therapysession_update",
    ),
    path(
        "courses/<int:course_pk>/medication/new/",
        medication.medication_create,
        name="medication_create",
    ),
    path(
        "medication/<int:pk>/edit/",
        medication.medication_update,
        name="medication_update",
    ),
    path(
        "courses/<int:course_pk>/referrals/new/",
        referrals.referral_create,
        name="referral_create",
    ),
    path("referrals/<int:pk>/edit/", referrals.referral_update, name="referral_update"),
    path(
        "referrals/<int:referral_pk>/follow-ups/new/",
        referrals.referral_followup_create,
        name="referral_followup_create",
    ),
    # Recall
    path("recall/", recall_views.recall_list, name="recall_list"),
    path(
        "recall/<int:course_pk>/contact/",
        recall_views.recall_contact_create,
        name="recall_contact_create",
    ),
    # Booking and appointments
    path(
        "appointments/book/",
        appointments.appointment_book,
        name="appointment_book",
    ),
    path(
        "appointments/<int:pk>/",
        appointments.appointment_detail,
        name="appointment_detail",
    ),
    path(
        "appointments/<int:pk>/reschedule/",
        appointments.appointment_reschedule,
        name="appointment_reschedule",
    ),
    path(
        "appointments/<int:pk>/cancel/",
        appointments.appointment_cancel,
        name="appointment_cancel",
    ),
    path(
        "appointments/<int:pk>/status/",
        appointments.appointment_status,
        name="appointment_status",
    ),
    path("waitlist/", appointments.waitlist_list, name="waitlist_list"),
    path("waitlist/new/", appointments.waitlist_create, name="waitlist_create"),
    # Calendars and feeds
    path("calendar/day/", calendars.calendar_day, name="calendar_day"),
    path("calendar/week/", calendars.calendar_week, name="calendar_week"),
    path(
        "calendar/feed/",
        calendars.calendar_feed_settings,
        name="calendar_feed_settings",
    ),
    path(
        "calendar/feed/<slug:token>.ics",
        calendars.calendar_feed,
        name="calendar_feed",
    ),
    path(
        "appointments/<int:pk>/ics/",
        calendars.appointment_ics,
        name="appointment_ics",
    ),
]
