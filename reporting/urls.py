from django.urls import path

from . import views

app_name = "reporting"

urlpatterns = [
    path("reports/", views.report_index, name="report-index"),
    path("reports/<int:process_pk>/", views.report, name="report"),
    path("reports/<int:process_pk>/pdf/", views.report_pdf, name="report-pdf"),
    path("reports/<int:process_pk>/dashboard/", views.dashboard, name="dashboard"),
]
