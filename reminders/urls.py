from django.urls import path

from . import views

app_name = "reminders"

urlpatterns = [
    path("sms/delivered/<str:secret>/", views.delivery_report, name="delivery-report"),
]
