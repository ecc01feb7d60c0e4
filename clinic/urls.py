from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView

admin.site.site_header = "Facial twitching clinic"
admin.site.site_title = "Clinic admin"
admin.site.index_title = "Records"

urlpatterns = [
    # Until the dashboard lands, patient search is the start page.
    path("", RedirectView.as_view(pattern_name="patients:patient_list"), name="home"),
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
]
