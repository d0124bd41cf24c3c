"""The second factor: a TOTP code from an authenticator app, set up in the browser.

Setting up an app takes, besides the password, a one-time enrolment code that the
administrator issues and hands over by another channel (``EnrolmentCode``): whoever
learns a password cannot enrol an app in its owner's name. The setup page first asks
for that code, and only then makes a key and shows it (as a QR code and as text) for
the user to scan and confirm with the app's first code.
"""

from __future__ import annotations

import base64
from typing import Any
from urllib.parse import urlencode

import segno
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import login_audit, services
from .access import AuthenticatedRequest
from .models import EnrolmentCode
from .sso.session import PROVIDER_MFA_SESSION_KEY

#: The enrolment code the user has given in this session (its id), while they set up the app.
ENROLMENT_SESSION_KEY = "ks_enrolment_code"
#: Whether a user of a role that may go without a second factor has set up an app anyway.
ENROLLED_SESSION_KEY = "ks_has_authenticator"


def second_factor_required(request: HttpRequest) -> bool:
    """The roles that see personal data always; the others once they have set up an app.

    Whoever reaches the administration (``is_staff``) counts as an administrator, whatever
    their role: ``createsuperuser`` makes a user without one. A sign-in through an identity
    provider that asserted multi-factor authentication has had its second factor there.
    """
    user = request.user
    if not settings.KLIENTSTOD_REQUIRE_2FA or not user.is_authenticated:
        return False
    if request.session.get(PROVIDER_MFA_SESSION_KEY):
        return False
    return (
        user.role in settings.KLIENTSTOD_2FA_ROLES
        or user.is_staff
        or bool(request.session.get(ENROLLED_SESSION_KEY))
    )


def remember_enrolment(sender: object, request: HttpRequest, user: Any, **kwargs: object) -> None:
    """At login, note whether a user of an optional role has an app, so it is asked for.

    Connected to ``user_logged_in``: one query at login instead of one on every page.
    """
    if user.role not in settings.KLIENTSTOD_2FA_ROLES and not user.is_staff:
        request.session[ENROLLED_SESSION_KEY] = TOTPDevice.objects.filter(
            user=user, confirmed=True
        ).exists()


class EnrolmentCodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Enrolment code"),
        max_length=40,
        help_text=gettext_lazy("Twelve letters and digits, for example ABCD-EFGH-JKMN."),
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "autocapitalize": "characters",
                "spellcheck": "false",
                "autofocus": True,
            }
        ),
    )

    def clean_code(self) -> str:
        code = EnrolmentCode.normalise(self.cleaned_data["code"])
        if len(code) != EnrolmentCode.LENGTH:
            raise ValidationError(
                _("The enrolment code has twelve letters and digits. Check what you typed.")
            )
        return code


class TokenForm(forms.Form):
    token = forms.CharField(
        label=gettext_lazy("Six-digit code from your authenticator app"),
        max_length=8,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )

    def __init__(self, *args: Any, device: TOTPDevice, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.device = device

    def clean_token(self) -> str:
        token = self.cleaned_data["token"].replace(" ", "")
        if not token.isdigit() or not self.device.verify_token(token):
            raise forms.ValidationError(_("The code is wrong or too old. Try the newest code."))
        return token


def _next(request: AuthenticatedRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return "/"


@sensitive_post_parameters("token")
@login_required
def verify(request: AuthenticatedRequest) -> HttpResponse:
    """Ask for the code; a user without a confirmed device sets one up first."""
    device = TOTPDevice.objects.filter(user=request.user, confirmed=True).first()
    if device is None:
        return redirect(_with_next(_setup_url(), request))
    form = TokenForm(request.POST or None, device=device)
    if request.method == "POST":
        if not form.is_valid():
            login_audit.code_refused(request, request.user)
        else:
            otp_login(request, device)
            login_audit.code_given(request, request.user)
            return redirect(_next(request))
    return render(request, "registration/two_factor.html", {"form": form, "next": _next(request)})


@sensitive_post_parameters("code", "token")
@never_cache
@login_required
def setup(request: AuthenticatedRequest) -> HttpResponse:
    """Enrol an authenticator app: the enrolment code, then the key to scan, then a code."""
    user = request.user
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        messages.info(request, _("Your authenticator app is already set up."))
        return redirect(_with_next(_verify_url(), request))
    enrolment = _enrolment_in_session(request)
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first() if enrolment else None
    if enrolment is None or device is None:
        return _enrolment_code_step(request)
    form = TokenForm(request.POST or None, device=device)
    if request.method == "POST" and form.is_valid():
        try:
            services.two_factor_enrol(user=user, enrolment=enrolment, device=device)
        except ValidationError as error:
            messages.error(request, error.messages[0])
            return redirect(_with_next(_setup_url(), request))
        request.session.pop(ENROLMENT_SESSION_KEY, None)
        otp_login(request, device)
        login_audit.code_given(request, user)
        messages.success(request, _("Two-factor login is set up."))
        return redirect(_next(request))
    qr = segno.make(device.config_url, micro=False)
    return render(
        request,
        "registration/two_factor_setup.html",
        {
            "form": form,
            "next": _next(request),
            "qr_svg": qr.svg_inline(scale=5, dark="#1d2b36", omitsize=True),
            "secret": base64.b32encode(device.bin_key).decode(),
        },
    )


def _enrolment_in_session(request: AuthenticatedRequest) -> EnrolmentCode | None:
    """The code the user gave earlier in this session, while it is still valid."""
    pk = request.session.get(ENROLMENT_SESSION_KEY)
    if pk is None:
        return None
    return EnrolmentCode.objects.usable().filter(pk=pk, user=request.user).first()


def _enrolment_code_step(request: AuthenticatedRequest) -> HttpResponse:
    request.session.pop(ENROLMENT_SESSION_KEY, None)
    form = EnrolmentCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            enrolment = services.enrolment_code_redeem(
                user=request.user, code=form.cleaned_data["code"]
            )
        except ValidationError as error:
            form.add_error("code", error)
        else:
            request.session[ENROLMENT_SESSION_KEY] = enrolment.pk
            return redirect(_with_next(_setup_url(), request))
    return render(
        request,
        "registration/two_factor_enrol.html",
        {"form": form, "next": _next(request), "days": settings.KLIENTSTOD_ENROLMENT_CODE_DAYS},
    )


def _with_next(url: str, request: AuthenticatedRequest) -> str:
    return f"{url}?{urlencode({'next': _next(request)})}"


def _verify_url() -> str:
    from django.urls import reverse

    return reverse("two-factor")


def _setup_url() -> str:
    from django.urls import reverse

    return reverse("two-factor-setup")
