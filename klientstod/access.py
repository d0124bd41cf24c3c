"""Who may open which page.

A page names the roles it serves; any other role gets 403. Which records a
permitted user reaches is decided by the querysets' ``visible_to``, so a
record outside their scope answers 404.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.messages.views import SuccessMessageMixin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.views.generic import UpdateView

from .models import User
from .roles import has_role


class AuthenticatedRequest(HttpRequest):
    """A request that passed the login check: ``user`` is a real user."""

    user: User


def require_role(request: HttpRequest, roles: tuple[str, ...]) -> None:
    if not has_role(request.user, *roles):
        raise PermissionDenied


def role_required(*roles: str) -> Callable:
    """For function views: log in first, then one of ``roles``."""

    def decorator(view: Callable) -> Callable:
        @login_required
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            require_role(request, roles)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


class RoleRequiredMixin(LoginRequiredMixin):
    """For class-based views: ``roles`` lists who may use the page."""

    roles: tuple[str, ...] = ()

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.user.is_authenticated:
            require_role(request, self.roles)
        return super().dispatch(request, *args, **kwargs)


class ScopedMixin(RoleRequiredMixin):
    """Reach records only through ``Model.objects.visible_to(user)``."""

    def get_queryset(self) -> Any:
        return self.model._default_manager.visible_to(self.request.user)  # type: ignore[attr-defined]


class CoreUpdateView(ScopedMixin, SuccessMessageMixin, UpdateView):
    pass
