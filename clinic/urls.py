from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from clinic import views

admin.site.site_header = "Facial twitching clinic"
admin.site.site_title = "Clinic admin"
admin.site.index_title = "Records"

urlpatterns = [
    path("", views.dashboard, name="home"),
    path("worklists/<slug:slug>/", views.worklist, name="worklist"),
    path("patients/<int:pk>/", views.patient_chart, name="patient_chart"),
    path(
        "patients/<int:pk>/print/",
        views.patient_chart_print,
        name="patient_chart_print",
    ),
    path(
        "patients/<int:pk>/access-log/",
        views.patient_access_log,
        name="patient_access_log",
    ),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
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
