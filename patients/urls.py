from django.urls import path

from patients import views

app_name = "patients"

urlpatterns = [
    path("", views.patient_list, name="patient_list"),
    path("new/", views.patient_create, name="patient_create"),
    path("<int:pk>/edit/", views.patient_update, name="patient_update"),
    path("studies/<int:pk>/report/", views.study_report, name="study_report"),
]
