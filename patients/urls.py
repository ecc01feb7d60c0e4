from django.urls import path

from patients import views

app_name = "patients"

urlpatterns = [
    path("", views.patient_list, name="patient_list"),
    path("export/", views.patient_list_export, name="patient_list_export"),
    path("new/", views.patient_create, name="patient_create"),
    path("<int:pk>/edit/", views.patient_update, name="patient_update"),
    path("<int:patient_pk>/cases/new/", views.case_create, name="case_create"),
    path("cases/<int:pk>/edit/", views.case_update, name="case_update"),
    path(
        "cases/<int:pk>/red-flags/acknowledge/",
        views.red_flag_acknowledge,
        name="red_flag_acknowledge",
    ),
    path(
        "cases/<int:case_pk>/studies/new/",
        views.study_create,
        name="study_create",
    ),
    path("studies/<int:pk>/", views.study_detail, name="study_detail"),
    path("studies/<int:pk>/amend/", views.study_amend, name="study_amend"),
    path("studies/<int:pk>/edit/", views.study_update, name="study_update"),
    path("studies/<int:pk>/review/", views.study_review, name="study_review"),
    path("studies/<int:pk>/report/", views.study_report, name="study_report"),
]
