"""The scheduling pages. They keep their /treatments/... paths (the root URLconf
includes them under the same prefix): bookmarks and the calendar feed addresses
that clinicians subscribed to in their calendar apps keep working."""

from django.urls import path

from scheduling.views import appointments, calendars, lots, waitlist
from scheduling.views import recall as recall_views

app_name = "scheduling"

urlpatterns = [
    # Whom to contact after a lot recall
    path("lots/", lots.lot_lookup, name="lot_lookup"),
    path("lots/export/", lots.lot_export, name="lot_export"),
    # Recall
    path("recall/", recall_views.recall_list, name="recall_list"),
    path("recall/export/", recall_views.recall_export, name="recall_export"),
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
    path("waitlist/", waitlist.waitlist_list, name="waitlist_list"),
    path("waitlist/new/", waitlist.waitlist_create, name="waitlist_create"),
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
