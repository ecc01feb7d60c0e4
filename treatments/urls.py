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
]
