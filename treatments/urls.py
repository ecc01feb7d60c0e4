from django.urls import path

from treatments.views import (
    assessments,
    courses,
    medication,
    referrals,
    therapy,
    toxin_charting,
    toxin_sessions,
)

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
]
