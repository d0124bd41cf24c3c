"""The second factor: a TOTP code from an authenticator app, set up in the browser."""

from __future__ import annotations

import base64
from typing import Any

import segno
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from .access import AuthenticatedRequest


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


@login_required
def verify(request: AuthenticatedRequest) -> HttpResponse:
    """Ask for the code; a user without a confirmed device sets one up first."""
    device = TOTPDevice.objects.filter(user=request.user, confirmed=True).first()
    if device is None:
        return redirect(f"{_setup_url()}?next={_next(request)}")
    form = TokenForm(request.POST or None, device=device)
    if request.method == "POST" and form.is_valid():
        otp_login(request, device)
        return redirect(_next(request))
    return render(request, "registration/two_factor.html", {"form": form, "next": _next(request)})


@login_required
def setup(request: AuthenticatedRequest) -> HttpResponse:
    """Enrol an authenticator app: scan the code (or type the key), then confirm with a code."""
    if TOTPDevice.objects.filter(user=request.user, confirmed=True).exists():
        messages.info(request, _("Your authenticator app is already set up."))
        return redirect(f"{_verify_url()}?next={_next(request)}")
    device, _created = TOTPDevice.objects.get_or_create(
        user=request.user, confirmed=False, defaults={"name": "Klientstöd"}
    )
    form = TokenForm(request.POST or None, device=device)
    if request.method == "POST" and form.is_valid():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        otp_login(request, device)
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


def _verify_url() -> str:
    from django.urls import reverse

    return reverse("two-factor")


def _setup_url() -> str:
    from django.urls import reverse

    return reverse("two-factor-setup")
