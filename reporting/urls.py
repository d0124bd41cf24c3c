from django.urls import path

from . import views

app_name = "reporting"

urlpatterns = [
    path("reports/", views.report_index, name="report-index"),
    path("reports/<int:process_pk>/", views.report, name="report"),
    path("reports/<int:process_pk>/pdf/", views.report_pdf, name="report-pdf"),
    path("reports/<int:process_pk>/dashboard/", views.dashboard, name="dashboard"),
    path("reports/<int:process_pk>/sus/", views.sus_list, name="sus-list"),
    path("reports/<int:process_pk>/plan/", views.plan, name="plan"),
    path(
        "reports/<int:process_pk>/plan/<str:kind>/<int:pk>/",
        views.plan_item,
        name="plan-item",
    ),
    path(
        "reports/<int:process_pk>/plan/<str:kind>/<int:pk>/remove/",
        views.plan_item_delete,
        name="plan-item-delete",
    ),
    path("reports/<int:process_pk>/sus/download/", views.sus_download, name="sus-download"),
    path(
        "reports/<int:process_pk>/export.<str:fmt>",
        views.report_export,
        name="report-export",
    ),
]
