"""The administrator's pages about personal data: the audit log and gallring."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from . import audit, retention
from .access import AuthenticatedRequest, role_required
from .forms import AuditFilterForm
from .models import Client
from .roles import Role


@role_required(Role.ADMIN)
def audit_log(request: AuthenticatedRequest) -> HttpResponse:
    """Who read or changed what: by user, client, kind and period; each view is logged too."""
    if request.method == "POST":
        # "Who has looked at this client?": the personnummer finds the client's id, and
        # only the id goes on, into the address and the log.
        number = request.POST.get("personnummer", "")
        found = list(Client.objects.in_registers(number))
        if not found:
            audit.record_log_view({}, hits=0)
            messages.error(request, _("No client has that personnummer."))
            return redirect("klientstod:audit-log")
        if len(found) > 1:
            # Each data controller keeps its own record of the person: one id per register.
            messages.info(
                request,
                _("The personnummer is in %(n)d registers: %(records)s. Shown: client %(pk)d.")
                % {
                    "n": len(found),
                    "records": ", ".join(
                        _("client %(pk)d (%(controller)s)")
                        % {"pk": client.pk, "controller": client.controller}
                        for client in found
                    ),
                    "pk": found[0].pk,
                },
            )
        return redirect(f"{reverse('klientstod:audit-log')}?client={found[0].pk}&action=access")
    form = AuditFilterForm(request.GET or None)
    form.is_valid()  # the fields given well filter; the others show their message
    filters = getattr(form, "cleaned_data", {})
    page, rows = audit.log_page(filters, request.GET.get("page"))
    audit.record_log_view({**filters, "page": page.number})
    return render(
        request,
        "klientstod/audit_log.html",
        {
            "form": form,
            "page_obj": page,
            "rows": rows,
            "client": filters.get("client"),
        },
    )


@role_required(Role.ADMIN)
def retention_page(request: AuthenticatedRequest) -> HttpResponse:
    """Gallring: first the dry run (who is due), then the erasure on confirmation."""
    due = retention.clients_due()
    if request.method == "POST":
        if request.POST.get("confirm") != "yes":
            messages.error(request, _("Tick the box to confirm the erasure."))
            return redirect("klientstod:retention")
        for item in due:
            retention.client_erase(client_id=item.client_id)
        messages.success(
            request,
            ngettext("%(n)d client was erased.", "%(n)d clients were erased.", len(due))
            % {"n": len(due)},
        )
        return redirect("klientstod:retention")
    return render(
        request,
        "klientstod/retention.html",
        {
            "due": due,
            "cutoff": retention.cutoff(),
            "years": settings.KLIENTSTOD_RETENTION_YEARS,
        },
    )
