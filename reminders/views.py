"""The SMS gateway's delivery reports: the only page of this app, and not a person's."""

from __future__ import annotations

import hmac

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from . import services


@csrf_exempt
@require_POST
def delivery_report(request: HttpRequest, secret: str) -> HttpResponse:
    """46elks' ``whendelivered`` callback: ``id`` and ``status`` (delivered or failed).

    The gateway cannot log in, so the address holds a secret
    (``KLIENTSTOD_SMS_CALLBACK_SECRET``); a wrong one is a 404, as an address that
    does not exist. Unknown ids are acknowledged (the gateway would only send again).
    """
    expected = settings.KLIENTSTOD_SMS_CALLBACK_SECRET
    if not expected or not hmac.compare_digest(secret.encode(), expected.encode()):
        raise Http404
    provider_id = request.POST.get("id", "")[:100]
    status = request.POST.get("status", "")
    if provider_id and status in ("delivered", "failed"):
        services.reminder_delivery_report(
            provider_id=provider_id, delivered=status == "delivered", at=timezone.now()
        )
    return HttpResponse("ok\n", content_type="text/plain")
