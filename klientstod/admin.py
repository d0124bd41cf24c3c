"""The administrator's register: users and roles, processes and partners.

Clients, cases and meetings are deliberately absent: the administrator manages
the system, not the people in it (SPEC §1). So is auditlog's own view of the log:
the administrator reads the log on /audit/, where each view is itself logged.
"""

import auditlog.admin  # noqa: F401  (registers its LogEntry admin now, to be taken away)
from auditlog.models import LogEntry
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import Organisation, Process, ProcessPhase, Unit, User

admin.site.site_header = _("Klientstöd administration")
admin.site.site_title = _("Klientstöd")
admin.site.unregister(LogEntry)


class UnitInline(admin.TabularInline):
    model = Unit
    extra = 1


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "kind"]
    list_filter = ["kind"]
    search_fields = ["name", "short_name"]
    inlines = [UnitInline]


class ProcessPhaseInline(admin.TabularInline):
    model = ProcessPhase
    extra = 0


@admin.register(Process)
class ProcessAdmin(admin.ModelAdmin):
    list_display = ["name", "owner", "financier", "starts_on", "ends_on", "capacity"]
    list_select_related = ["owner", "financier"]
    filter_horizontal = ["partners"]
    inlines = [ProcessPhaseInline]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "first_name", "last_name", "role", "organisation", "is_active"]
    list_filter = ["role", "is_active", "organisation"]
    list_select_related = ["organisation"]
    filter_horizontal = ["processes", "groups", "user_permissions"]
    fieldsets = (
        *(DjangoUserAdmin.fieldsets or ()),
        (
            _("Role in Klientstöd"),
            {"fields": ("role", "organisation", "unit", "processes", "phone")},
        ),
    )
    add_fieldsets = (
        *DjangoUserAdmin.add_fieldsets,
        (_("Role in Klientstöd"), {"fields": ("role", "organisation", "unit", "processes")}),
    )
