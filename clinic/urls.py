from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

admin.site.site_header = "Facial twitching clinic"
admin.site.site_title = "Clinic admin"
admin.site.index_title = "Records"

urlpatterns = [
    # Until the clinician UI lands, the admin is the app's front door.
    path("", RedirectView.as_view(pattern_name="admin:index"), name="home"),
    path("admin/", admin.site.urls),
    path("patients/", include("patients.urls")),
]
