from django.urls import path

from treatments import views

app_name = "treatments"

urlpatterns = [
    path(
        "courses/<int:course_pk>/sessions/new/",
        views.toxinsession_create,
        name="toxinsession_create",
    ),
    path("sessions/<int:pk>/", views.toxinsession_detail, name="toxinsession_detail"),
    path(
        "sessions/<int:pk>/edit/",
        views.toxinsession_update,
        name="toxinsession_update",
    ),
    path(
        "sessions/<int:pk>/follow-up/",
        views.toxinsession_followup,
        name="toxinsession_followup",
    ),
    path("lots/", views.lot_lookup, name="lot_lookup"),
    path(
        "cases/<int:case_pk>/assessments/new/",
        views.assessment_create,
        name="assessment_create",
    ),
    path(
        "assessments/<int:pk>/edit/",
        views.assessment_update,
        name="assessment_update",
    ),
    path(
        "cases/<int:case_pk>/courses/new/",
        views.course_create,
        name="course_create",
    ),
    path("courses/<int:pk>/edit/", views.course_update, name="course_update"),
    path(
        "courses/<int:course_pk>/therapy/new/",
        views.therapysession_create,
        name="therapysession_create",
    ),
    path(
        "therapy/<int:pk>/edit/",
        views.therapysession_update,
        name="therapysession_update",
    ),
    path(
        "courses/<int:course_pk>/medication/new/",
        views.medication_create,
        name="medication_create",
    ),
    path(
        "medication/<int:pk>/edit/",
        views.medication_update,
        name="medication_update",
    ),
    path(
        "courses/<int:course_pk>/referrals/new/",
        views.referral_create,
        name="referral_create",
    ),
    path("referrals/<int:pk>/edit/", views.referral_update, name="referral_update"),
    path(
        "referrals/<int:referral_pk>/follow-ups/new/",
        views.referral_followup_create,
        name="referral_followup_create",
    ),
]
