"""The administrator edits the public information page; referrals themselves hold personal
data and stay in the coordinator's views."""

from django.contrib import admin

from .models import InformationPage


@admin.register(InformationPage)
class InformationPageAdmin(admin.ModelAdmin):
    list_display = ["process", "published", "updated_at"]
    list_select_related = ["process"]
