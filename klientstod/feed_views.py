"""The calendar subscription: the user's page for its secret address, and the feed itself."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from . import audit, services
from .access import AuthenticatedRequest, role_required
from .calendar_feed import (
    DAYS_AHEAD,
    DAYS_BACK,
    FETCHED,
    feed_for_token,
    feed_meetings,
    render_feed,
)
from .models import CalendarFeed
from .roles import COORDINATOR

#: The session key under which a new address waits to be shown, once.
NEW_ADDRESS = "calendar_feed_new_token"


@role_required(*COORDINATOR)
def calendar_subscription(request: AuthenticatedRequest) -> HttpResponse:
    """Kalenderprenumeration: make or renew the address (POST); the new one is shown once."""
    if request.method == "POST":
        request.session[NEW_ADDRESS] = services.calendar_feed_renew(user=request.user)
        messages.success(
            request,
            _("A new address was made. Any address you had before no longer works."),
        )
        return redirect("klientstod:calendar-subscription")
    token = request.session.pop(NEW_ADDRESS, None)
    feed = CalendarFeed.objects.filter(user=request.user).first()
    address = (
        request.build_absolute_uri(reverse("klientstod:calendar-feed", args=[token]))
        if token and feed is not None
        else None
    )
    return render(
        request,
        "klientstod/calendar_subscription.html",
        {"feed": feed, "address": address, "days_back": DAYS_BACK, "days_ahead": DAYS_AHEAD},
    )


@require_POST
@role_required(*COORDINATOR)
def calendar_subscription_revoke(request: AuthenticatedRequest) -> HttpResponse:
    request.session.pop(NEW_ADDRESS, None)
    if services.calendar_feed_revoke(user=request.user):
        messages.success(request, _("The calendar subscription is turned off."))
    return redirect("klientstod:calendar-subscription")


@require_safe
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The feed, for a calendar app without a session: the token in the address is the key."""
    feed = feed_for_token(token)
    if feed is None:
        raise Http404
    audit.record_event(FETCHED, user=feed.user)
    body = render_feed(
        feed_meetings(feed.user),
        case_url=lambda pk: request.build_absolute_uri(
            reverse("klientstod:case-detail", args=[pk])
        ),
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, no-store, max-age=0"
    response["Content-Disposition"] = 'inline; filename="klientstod.ics"'
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
