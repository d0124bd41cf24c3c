"""What the coordinator's pages show of the self-assessment links."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone

from klientstod.models import Case, User
from messaging.phone import format_mobile, normalise_mobile

from .assessment_services import SCHEDULED_KINDS, assessments_due
from .link_forms import channel_choices, occasion_choices
from .link_services import questionnaire_for
from .models import AssessmentLink, QuestionnaireTranslation, SelfAssessment

#: How long Min dag keeps showing a link after it was made.
MY_DAY_DAYS = 14


def client_mobile(phone: str) -> str:
    """The client's number in E.164 if it is a Swedish mobile, else ""."""
    try:
        return normalise_mobile(phone)
    except ValidationError:
        return ""


def send_options(case: Case) -> dict[str, Any] | None:
    """What the sending form offers for a case: None when there is no questionnaire."""
    client = case.client
    mobile = client_mobile(client.phone)
    answered = SelfAssessment.objects.filter(
        case=case, questionnaire__kind__in=SCHEDULED_KINDS
    ).values_list("case_id", "occasion", "period")
    due = assessments_due([case], answered, timezone.localdate())
    occasions = occasion_choices([(item.occasion, str(item.label)) for item in due])
    questionnaire = questionnaire_for(occasions[0][0])
    if questionnaire is None:
        return None
    translations = list(
        QuestionnaireTranslation.objects.filter(questionnaire=questionnaire).order_by("language")
    )
    return {
        "occasions": occasions,
        "channels": channel_choices(
            mobile=format_mobile(mobile) if mobile else "", email=client.email
        ),
        "translations": translations,
        "client_language": client.language,
        "mobile": mobile,
    }


def links_of_case(case: Case) -> list[AssessmentLink]:
    return list(AssessmentLink.objects.filter(case=case).select_related("translation")[:10])


def links_for_my_day(user: User) -> list[AssessmentLink]:
    """The user's clients' links of the last two weeks, and those answered since."""
    since = timezone.now() - datetime.timedelta(days=MY_DAY_DAYS)
    return list(
        AssessmentLink.objects.visible_to(user)
        .filter(Q(case__coordinator=user) | Q(case__coordinator__isnull=True))
        .filter(Q(created_at__gte=since) | Q(answered_at__gte=since))
        .select_related("case__client")
        .order_by("-created_at", "-pk")[:15]
    )
