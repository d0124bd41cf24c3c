"""What of this app is still open when a case closes, and how each is ended at closure.

Registered with ``klientstod.closure``: an ongoing or planned FIA, planned and ongoing
interventions, a bibliotherapy participation not yet ended, and the final
self-assessment (listed, never in the way: it is often answered at the last meeting,
after the closing is recorded). Each ending is dated the closing day.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils.translation import gettext as _

from klientstod import closure
from klientstod.closure import Ender, OpenItem
from klientstod.models import Case

from . import services
from .choices import (
    FiaAbortReason,
    FiaStatus,
    InterventionStatus,
    Occasion,
    ParticipationStatus,
    QuestionnaireKind,
)
from .models import BibliotherapyOffer, FiaInterview, Intervention, SelfAssessment

if TYPE_CHECKING:
    from klientstod.models import User

#: An aborted FIA says why: one choice per reason.
ABORTED = "aborted:"


def _end_fia(pk: int) -> Ender:
    def end(choice: str, closed_on: datetime.date, by: User) -> None:
        fia = FiaInterview.objects.get(pk=pk)
        if choice.startswith(ABORTED):
            services.fia_set_status(
                fia=fia,
                status=FiaStatus.ABORTED,
                abort_reason=choice.removeprefix(ABORTED),
                on=closed_on,
            )
        else:
            services.fia_set_status(fia=fia, status=choice, on=closed_on)

    return end


@closure.register
def open_fia(case: Case, closed_on: datetime.date) -> list[OpenItem]:
    fia = FiaInterview.objects.filter(
        case=case, status__in=[FiaStatus.PLANNED, FiaStatus.ONGOING]
    ).first()
    if fia is None:
        return []
    aborted = [
        (f"{ABORTED}{reason.value}", _("Aborted: %(reason)s") % {"reason": reason.label})
        for reason in FiaAbortReason
    ]
    completed = [(FiaStatus.COMPLETED.value, str(FiaStatus.COMPLETED.label))]
    return [
        OpenItem(
            key=f"fia-{fia.pk}",
            group=_("FIA"),
            label=_("FIA: %(status)s") % {"status": fia.get_status_display()},
            url=reverse("interventions:fia", args=[case.pk]),
            choices=tuple((completed if fia.status == FiaStatus.ONGOING else []) + aborted),
            end=_end_fia(fia.pk),
        )
    ]


def _end_intervention(pk: int) -> Ender:
    def end(choice: str, closed_on: datetime.date, by: User) -> None:
        intervention = Intervention.objects.select_related("case").get(pk=pk)
        intervention.status = choice
        if choice == InterventionStatus.ENDED:
            intervention.ends_on = closed_on
        services.intervention_save(intervention=intervention, on=closed_on)

    return end


@closure.register
def open_interventions(case: Case, closed_on: datetime.date) -> list[OpenItem]:
    items = []
    ended = (InterventionStatus.ENDED.value, str(InterventionStatus.ENDED.label))
    cancelled = (InterventionStatus.CANCELLED.value, str(InterventionStatus.CANCELLED.label))
    for intervention in Intervention.objects.filter(
        case=case, status__in=[InterventionStatus.PLANNED, InterventionStatus.ONGOING]
    ).order_by("starts_on", "pk"):
        label = _("%(kind)s from %(day)s: %(status)s") % {
            "kind": intervention.get_kind_display(),
            "day": intervention.starts_on.isoformat(),
            "status": intervention.get_status_display(),
        }
        starts_later = intervention.starts_on > closed_on
        choices: tuple[tuple[str, str], ...] = ()
        if not starts_later:
            choices = (
                (ended, cancelled)
                if intervention.status == InterventionStatus.ONGOING
                else (cancelled,)
            )
        items.append(
            OpenItem(
                key=f"intervention-{intervention.pk}",
                group=_("Interventions"),
                label=label,
                url=reverse("interventions:intervention-update", args=[intervention.pk]),
                choices=choices,
                hint=_("It starts after the closing day: change or cancel it on its page.")
                if starts_later
                else "",
                end=_end_intervention(intervention.pk),
            )
        )
    return items


def _end_participation(pk: int) -> Ender:
    def end(choice: str, closed_on: datetime.date, by: User) -> None:
        offer = BibliotherapyOffer.objects.get(pk=pk)
        services.participation_set(offer=offer, status=choice, group=None, on=closed_on)

    return end


@closure.register
def open_participation(case: Case, closed_on: datetime.date) -> list[OpenItem]:
    waiting = [ParticipationStatus.TO_BE_BOOKED, ParticipationStatus.TO_BE_REBOOKED]
    dropped = (ParticipationStatus.DROPPED.value, str(ParticipationStatus.DROPPED.label))
    completed = (ParticipationStatus.COMPLETED.value, str(ParticipationStatus.COMPLETED.label))
    offers = BibliotherapyOffer.objects.filter(
        case=case, participation__in=[*waiting, ParticipationStatus.STARTED]
    ).order_by("pk")
    return [
        OpenItem(
            key=f"participation-{offer.pk}",
            group=_("Bibliotherapy"),
            label=_("Participation: %(status)s") % {"status": offer.get_participation_display()},
            url=reverse("interventions:participant-detail", args=[offer.pk]),
            choices=(completed, dropped)
            if offer.participation == ParticipationStatus.STARTED
            else (dropped,),
            end=_end_participation(offer.pk),
        )
        for offer in offers
    ]


@closure.register
def closing_self_assessment(case: Case, closed_on: datetime.date) -> list[OpenItem]:
    if SelfAssessment.objects.filter(case=case, occasion=Occasion.CLOSURE).exists():
        return []
    url = reverse("interventions:assessment-create", args=[case.pk])
    return [
        OpenItem(
            key="closing-self-assessment",
            group=_("Self-assessment"),
            label=_("The final self-assessment is due"),
            url=f"{url}?kind={QuestionnaireKind.CLOSURE}&occasion={Occasion.CLOSURE}",
            hint=_("Record it now or after the closing; until then it is listed on Min dag."),
            blocking=False,
        )
    ]
