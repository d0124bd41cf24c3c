from django.urls import path

from . import finsam_views, sent_views, views

app_name = "reporting"

urlpatterns = [
    path("reports/", views.report_index, name="report-index"),
    path("reports/<int:process_pk>/", views.report, name="report"),
    path("reports/<int:process_pk>/send/", sent_views.report_send, name="report-send"),
    path(
        "reports/<int:process_pk>/sent/<int:pk>/pdf/",
        sent_views.sent_report_download,
        name="sent-report-download",
    ),
    path("reports/finsam/", finsam_views.finsam_page, name="finsam"),
    path("reports/finsam/export.csv", finsam_views.finsam_export, name="finsam-export"),
    path("reports/<int:process_pk>/pdf/", views.report_pdf, name="report-pdf"),
    path("reports/<int:process_pk>/comment/", views.report_comment, name="report-comment"),
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
