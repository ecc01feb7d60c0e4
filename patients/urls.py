from django.urls import path

from patients import views

app_name = "patients"

urlpatterns = [
    path("studies/<int:pk>/report/", views.study_report, name="study_report"),
]
