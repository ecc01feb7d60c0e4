from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from clinic import (
    health,
    jobs_views,
    languages,
    merge_views,
    record_export,
    second_factor,
    session_limits,
    views,
)
from clinic.fhir import views as fhir_views
from clinic.letters import views as letters

admin.site.site_header = "Facial twitching clinic"
admin.site.site_title = "Clinic admin"
admin.site.index_title = "Records"

# The database away answers 503 with the request id; any other fault 500, with it.
handler500 = "clinic.request_ids.handle_server_error"

urlpatterns = [
    path("", views.dashboard, name="home"),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("worklists/<slug:slug>/", views.worklist, name="worklist"),
    path("patients/<int:pk>/", views.patient_chart, name="patient_chart"),
    path(
        "patients/<int:pk>/print/",
        views.patient_chart_print,
        name="patient_chart_print",
    ),
    path("patients/<int:pk>/fhir/", fhir_views.patient_fhir, name="patient_fhir"),
    path("patients/<int:pk>/merge/", merge_views.patient_merge, name="patient_merge"),
    path(
        "patients/<int:pk>/record/",
        record_export.patient_record_export,
        name="patient_record_export",
    ),
    path(
        "letters/<slug:kind>/<int:pk>/", letters.letter_preview, name="letter_preview"
    ),
    path("letters/<int:pk>/pdf/", letters.letter_pdf, name="letter_pdf"),
    path("jobs/", jobs_views.job_list, name="job_list"),
    path("jobs/<int:pk>/", jobs_views.job_detail, name="job_detail"),
    path("jobs/<int:pk>/file/", jobs_views.job_download, name="job_download"),
    path(
        "patients/<int:pk>/access-log/",
        views.patient_access_log,
        name="patient_access_log",
    ),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/second-factor/", second_factor.second_factor, name="second_factor"),
    path("accounts/keep-alive/", session_limits.keep_alive, name="keep_alive"),
    path("accounts/language/", languages.language_settings, name="language_settings"),
    # A forgotten password: a link by e-mail to the account's own address. The
    # link's host is the request's, which ALLOWED_HOSTS has checked.
    path(
        "accounts/password-reset/",
        auth_views.PasswordResetView.as_view(
            from_email=settings.CLINIC_REMINDER_FROM_EMAIL
        ),
        name="password_reset",
    ),
    path(
        "accounts/password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/password-reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/password-reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path(
        "accounts/second-factor/enrol/",
        second_factor.second_factor_enrol,
        name="second_factor_enrol",
    ),
    path(
        "accounts/password/",
        auth_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("admin/", admin.site.urls),
    path("patients/", include("patients.urls")),
    path("treatments/", include("treatments.urls")),
    # Under the same prefix as before the move, so their addresses did not change.
    path("treatments/", include("scheduling.urls")),
]
