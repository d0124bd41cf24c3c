"""Self-assessment links: made, sent, opened, answered and revoked.

The coordinator's request makes the link in one transaction and sends it after it,
so that a mail server or SMS gateway that is down costs the link's delivery state
("not reached") and never the coordinator's work. The client's answers are stored
through ``assessment_record`` as the self-assessment of the link's occasion.
"""

from __future__ import annotations

import datetime
import hashlib
import secrets
from collections.abc import Mapping
from dataclasses import dataclass

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from klientstod.models import Case, User
from messaging.errors import DeliveryError
from messaging.mail import send_email
from messaging.sms import send_sms

from .assessment_services import (
    assessment_record,
    assessment_taken,
    current_questionnaire,
    occasion_period,
)
from .models import (
    LINK_VALID_FOR,
    AssessmentLink,
    LinkChannel,
    LinkDelivery,
    Occasion,
    Questionnaire,
    QuestionnaireKind,
    QuestionnaireTranslation,
    SelfAssessment,
    token_digest,
)

#: Links a case gets in one day, and messages one address gets in one day: a slip of
#: the hand (or a coordinator's stolen session) cannot flood a client's phone.
LINKS_PER_DAY = 3
#: Unusable tokens one address may try in ATTEMPT_WINDOW before it is refused for a while.
ATTEMPTS_PER_ADDRESS = 20
ATTEMPT_WINDOW = 600
#: A token is at most this long; anything longer is cut before it is hashed.
TOKEN_MAX_LENGTH = 64


@dataclass(frozen=True)
class NewLink:
    """A link just made, and its token: the only time the token exists outside the message."""

    link: AssessmentLink
    token: str


def questionnaire_for(occasion: str) -> Questionnaire | None:
    """The questionnaire the client answers: the closure one at closure, where there is one."""
    if occasion == Occasion.CLOSURE:
        closure = current_questionnaire(QuestionnaireKind.CLOSURE)
        if closure is not None:
            return closure
    return current_questionnaire(QuestionnaireKind.KLIENTSTOD)


def recipient_digest(address: str) -> str:
    return hashlib.sha256(address.strip().lower().encode()).hexdigest()


def _start_of_day() -> datetime.datetime:
    today = timezone.localdate()
    return timezone.make_aware(datetime.datetime.combine(today, datetime.time.min))


def link_create(
    *,
    case: Case,
    occasion: str,
    channel: str,
    translation: QuestionnaireTranslation | None,
    recipient: str,
    by: User,
) -> NewLink:
    """Make a link for the client to answer the occasion's self-assessment.

    An earlier link for the same occasion that can still be used stops working: the
    newest one is the one the client has. Refused past the day's limit.
    """
    questionnaire = questionnaire_for(occasion)
    if questionnaire is None:
        raise ValidationError(
            _("There is no questionnaire of that kind yet. Ask the administrator.")
        )
    if translation is not None and translation.questionnaire_id != questionnaire.pk:
        raise ValidationError({"language": _("That translation is of another questionnaire.")})
    since = _start_of_day()
    now = timezone.now()
    with transaction.atomic():
        # One at a time per case, so that the limit holds for two requests at once.
        Case.objects.select_for_update().filter(pk=case.pk).first()
        if AssessmentLink.objects.filter(case=case, created_at__gte=since).count() >= LINKS_PER_DAY:
            raise ValidationError(
                _("The client has had %(count)d links today. Try again tomorrow.")
                % {"count": LINKS_PER_DAY},
                code="limit",
            )
        digest = recipient_digest(recipient) if recipient else ""
        if (
            digest
            and AssessmentLink.objects.filter(recipient_hash=digest, created_at__gte=since).count()
            >= LINKS_PER_DAY
        ):
            raise ValidationError(
                _("That address has had %(count)d links today. Try again tomorrow.")
                % {"count": LINKS_PER_DAY},
                code="limit",
            )
        for earlier in AssessmentLink.objects.filter(
            case=case,
            occasion=occasion,
            answered_at__isnull=True,
            revoked_at__isnull=True,
            expires_at__gt=now,
        ):
            earlier.revoked_at = now
            earlier.save(update_fields=["revoked_at"])
        token = secrets.token_urlsafe(32)
        link = AssessmentLink.objects.create(
            case=case,
            questionnaire=questionnaire,
            translation=translation,
            occasion=occasion,
            token_hash=token_digest(token),
            channel=channel,
            recipient_hash=digest,
            delivery=LinkDelivery.SHOWN if channel == LinkChannel.QR else LinkDelivery.PENDING,
            created_by=by,
            expires_at=now + LINK_VALID_FOR,
        )
    return NewLink(link, token)


def link_message(link: AssessmentLink, url: str) -> tuple[str, str]:
    """The subject and text sent to the client: their first name, the link, how long it lasts.

    Nothing of why they are followed: a message on a phone may be read by others.
    """
    until = formats.date_format(timezone.localtime(link.expires_at).date(), "j F")
    text = _(
        "Hello %(name)s! Your coordinator asks you to answer a few questions: %(url)s "
        "The link works until %(until)s."
    ) % {"name": link.case.client.first_name, "url": url, "until": until}
    return _("Questions from your coordinator"), text


def link_send(*, link: AssessmentLink, url: str, to: str) -> bool:
    """Send the link by its channel; a failure is kept on the link, never raised.

    Called after the transaction that made the link, so that a slow or failing gateway
    holds no lock and undoes nothing.
    """
    subject, text = link_message(link, url)
    try:
        if link.channel == LinkChannel.SMS:
            send_sms(to, text)
        else:
            send_email(to, subject, text)
    except DeliveryError:
        link.delivery = LinkDelivery.FAILED
    else:
        link.delivery = LinkDelivery.SENT
    link.save(update_fields=["delivery"])
    return link.delivery == LinkDelivery.SENT


def link_revoke(*, link: AssessmentLink) -> bool:
    """Stop a link from working; False if it could not be used anyway."""
    with transaction.atomic():
        locked = AssessmentLink.objects.select_for_update().get(pk=link.pk)
        if not locked.is_usable():
            return False
        locked.revoked_at = timezone.now()
        locked.save(update_fields=["revoked_at"])
    link.revoked_at = locked.revoked_at
    return True


# The client's side ----------------------------------------------------------------------


def link_find(token: str) -> AssessmentLink | None:
    """The usable link of a token, or None, with the same work whatever the token.

    The token is hashed and looked up by its hash: one query, the same whether it is
    unknown, tampered, expired, revoked or used; which of these it was is not told.
    """
    digest = token_digest(token[:TOKEN_MAX_LENGTH])
    link = (
        AssessmentLink.objects.select_related("case__client", "questionnaire", "translation")
        .filter(token_hash=digest)
        .first()
    )
    usable = link is not None and link.is_usable()
    return link if usable else None


def _attempt_key(address: str | None) -> str:
    return f"assessment-link-attempts:{address or 'unknown'}"


def attempts_exceeded(address: str | None) -> bool:
    return int(cache.get(_attempt_key(address), 0)) >= ATTEMPTS_PER_ADDRESS


def attempt_failed(address: str | None) -> None:
    """Count an unusable token tried from this address (the count lasts ATTEMPT_WINDOW)."""
    key = _attempt_key(address)
    if not cache.add(key, 1, ATTEMPT_WINDOW):
        try:
            cache.incr(key)
        except ValueError:  # expired between the two calls
            cache.set(key, 1, ATTEMPT_WINDOW)


def link_open(*, link: AssessmentLink) -> None:
    """Note that the client opened the link (the first time only)."""
    if link.opened_at is None:
        link.opened_at = timezone.now()
        link.save(update_fields=["opened_at"])


def link_answer(
    *, link: AssessmentLink, answers: Mapping[int, int | str | None]
) -> SelfAssessment | None:
    """Store the client's answers as the self-assessment of the link's occasion.

    None when the link cannot be used any more (answered a moment ago, revoked). If the
    coordinator has entered that occasion meanwhile, the client's answers are kept as
    another occasion rather than lost.
    """
    with transaction.atomic():
        locked = AssessmentLink.objects.select_for_update().filter(pk=link.pk).first()
        if locked is None or not locked.is_usable():
            return None
        case = link.case
        today = timezone.localdate()
        occasion = locked.occasion
        period = occasion_period(case, occasion, today)
        if assessment_taken(case, link.questionnaire.kind, occasion, period) is not None:
            occasion = Occasion.OTHER
        assessment = assessment_record(
            case=case,
            questionnaire=link.questionnaire,
            occasion=occasion,
            answered_on=today,
            answers=answers,
            by=locked.created_by,
            answered_by_client=True,
        )
        locked.answered_at = timezone.now()
        locked.assessment = assessment
        locked.save(update_fields=["answered_at", "assessment"])
    return assessment
