"""The administrator's register: users and roles, processes and partners.

Clients, cases and meetings are deliberately absent: the administrator manages
the system, not the people in it (SPEC §1). So is auditlog's own view of the log:
the administrator reads the log on /audit/, where each view is itself logged.
"""

from typing import Any, cast

import auditlog.admin  # noqa: F401  (registers its LogEntry admin now, to be taken away)
from auditlog.models import LogEntry
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp import admin as _otp_totp_admin  # noqa: F401  (replaced below)
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import services
from .models import EnrolmentCode, Organisation, Process, ProcessPhase, Unit, User

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


class AdminSetPasswordForm(AdminPasswordChangeForm):
    """The administrator's password form: the user must change what the administrator set."""

    def save(self, commit: bool = True) -> Any:
        self.user.must_change_password = True
        return super().save(commit=commit)


class EnrolmentCodeInline(admin.TabularInline):
    """When codes were issued, by whom, and what became of them; never the code or its hash."""

    model = EnrolmentCode
    fk_name = "user"
    fields = readonly_fields = (
        "issued_at",
        "issued_by",
        "expires_at",
        "used_at",
        "revoked_at",
        "failed_attempts",
    )
    extra = 0
    max_num = 0
    can_delete = False
    verbose_name_plural = _("Enrolment codes for the authenticator app")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet[EnrolmentCode]:
        return super().get_queryset(request).select_related("user", "issued_by")


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = [
        "username",
        "first_name",
        "last_name",
        "role",
        "organisation",
        "is_active",
        "has_authenticator",
    ]
    list_filter = ["role", "is_active", "organisation"]
    list_select_related = ["organisation"]
    filter_horizontal = ["processes", "groups", "user_permissions"]
    readonly_fields = ["must_change_password"]
    change_password_form = AdminSetPasswordForm
    inlines = [EnrolmentCodeInline]
    fieldsets = (
        *(DjangoUserAdmin.fieldsets or ()),
        (
            _("Role in Klientstöd"),
            {"fields": ("role", "organisation", "unit", "processes", "phone")},
        ),
        (_("Logging in"), {"fields": ("must_change_password",)}),
    )
    add_fieldsets = (
        *DjangoUserAdmin.add_fieldsets,
        (_("Role in Klientstöd"), {"fields": ("role", "organisation", "unit", "processes")}),
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[User]:
        return (
            super()
            .get_queryset(request)
            .annotate(
                authenticator=Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True))
            )
        )

    @admin.display(description=_("authenticator app"), boolean=True, ordering="authenticator")
    def has_authenticator(self, user: Any) -> bool:
        return bool(getattr(user, "authenticator", False))

    def get_inlines(self, request: HttpRequest, obj: Any) -> list[Any]:
        return list(self.inlines) if obj is not None else []

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if not change:
            # The administrator chose this password: the user replaces it at the first login.
            obj.must_change_password = True
        super().save_model(request, obj, form, change)

    def get_urls(self) -> list[URLPattern]:
        return [
            path(
                "<path:object_id>/enrolment-code/",
                self.admin_site.admin_view(self.enrolment_code_view),
                name="klientstod_user_enrolment_code",
            ),
            *super().get_urls(),
        ]

    def enrolment_code_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """Issue or reissue a user's enrolment code, or reset their app; the code is shown once."""
        user = self.get_object(request, unquote(object_id))
        if user is None:
            raise Http404
        if not self.has_change_permission(request, user):
            raise PermissionDenied
        code = None
        if request.method == "POST":
            reset = request.POST.get("action") == "reset"
            try:
                code = services.enrolment_code_issue(
                    user=user, by=cast(User, request.user), reset_authenticator=reset
                )
            except ValidationError as error:
                self.message_user(request, error.messages[0], messages.ERROR)
                return HttpResponseRedirect(request.path)
            self.log_change(
                request,
                user,
                gettext("Reset the authenticator app and issued an enrolment code.")
                if reset
                else gettext("Issued an enrolment code."),
            )
        context = {
            **self.admin_site.each_context(request),
            "title": _("Enrolment code for the authenticator app"),
            "opts": self.opts,
            "original": user,
            "code": code,
            "own": user.pk == request.user.pk,
            "has_authenticator": TOTPDevice.objects.filter(user=user, confirmed=True).exists(),
            "current": EnrolmentCode.objects.usable().filter(user=user).first(),
            "days": settings.KLIENTSTOD_ENROLMENT_CODE_DAYS,
            "change_url": reverse("admin:klientstod_user_change", args=[user.pk]),
        }
        response = TemplateResponse(request, "admin/klientstod/user/enrolment_code.html", context)
        # The code is in this page only: no copy in any cache.
        add_never_cache_headers(response)
        return response


# django-otp's device admin shows the key and its QR code unless told not to
# (OTP_ADMIN_HIDE_SENSITIVE_DATA), and even then lets the administrator add a device with a
# key of their choosing for any user. Here the administrator sees who has an app, and can
# remove one (the user page's "Reset" also issues a new enrolment code), nothing more.
admin.site.unregister(TOTPDevice)


@admin.register(TOTPDevice)
class TOTPDeviceAdmin(admin.ModelAdmin):
    list_display = ["user", "name", "confirmed", "created_at", "last_used_at"]
    list_filter = ["confirmed"]
    list_select_related = ["user"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    fields = readonly_fields = ("user", "name", "confirmed", "created_at", "last_used_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
