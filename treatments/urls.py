from django.urls import path

from treatments.views import records

app_name = "treatments"

urlpatterns = [
    path(
        "courses/<int:course_pk>/sessions/new/",
        records.toxinsession_create,
        name="toxinsession_create",
    ),
    path("sessions/<int:pk>/", records.toxinsession_detail, name="toxinsession_detail"),
    path(
        "sessions/<int:pk>/edit/",
        records.toxinsession_update,
        name="toxinsession_update",
    ),
    path(
        "sessions/<int:pk>/follow-up/",
        records.toxinsession_followup,
        name="toxinsession_followup",
    ),
    path(
        "safety-flags/<int:pk>/acknowledge/",
        records.safetyflag_acknowledge,
        name="safetyflag_acknowledge",
    ),
    path(
        "cases/<int:case_pk>/assessments/new/",
        records.assessment_create,
        name="assessment_create",
    ),
    path(
        "assessments/<int:pk>/edit/",
        records.assessment_update,
        name="assessment_update",
    ),
    path(
        "cases/<int:case_pk>/courses/new/",
        records.course_create,
        name="course_create",
    ),
    path("courses/<int:pk>/edit/", records.course_update, name="course_update"),
    path(
        "courses/<int:course_pk>/therapy/new/",
        records.therapysession_create,
        name="therapysession_create",
    ),
    path(
        "therapy/<int:pk>/edit/",
        records.therapysession_update,
        name="therapysession_update",
    ),
    path(
        "courses/<int:course_pk>/medication/new/",
        records.medication_create,
        name="medication_create",
    ),
    path(
        "medication/<int:pk>/edit/",
        records.medication_update,
        name="medication_update",
    ),
    path(
        "courses/<int:course_pk>/referrals/new/",
        records.referral_create,
        name="referral_create",
    ),
    path("referrals/<int:pk>/edit/", records.referral_update, name="referral_update"),
    path(
        "referrals/<int:referral_pk>/follow-ups/new/",
        records.referral_followup_create,
        name="referral_followup_create",
    ),
]
