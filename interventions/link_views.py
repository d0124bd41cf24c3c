"""Self-assessment links: the coordinator sends or shows one; the client answers through it.

The client's page asks for no login and shows nothing but the questionnaire and the
client's first name. Every token that cannot be used (unknown, tampered, expired,
revoked, used) gets the same kind page with 404, after the same lookup.
"""

from __future__ import annotations

from typing import Any

import segno
from csp.decorators import csp_replace
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from klientstod.access import AuthenticatedRequest, role_required
from klientstod.forms import add_form_errors
from klientstod.middleware import client_address
from klientstod.models import Case
from klientstod.roles import COORDINATOR

from . import link_selectors, link_services
from .link_forms import SWEDISH, ClientAnswerForm, LinkSendForm
from .models import AssessmentLink, LinkChannel, QuestionnaireItem, QuestionnaireTranslation

#: The client's pages load nothing but their own stylesheet; no script runs on them.
CLIENT_PAGE_CSP = {
    "default-src": ["'none'"],
    "script-src": ["'none'"],
    "style-src": ["'self'"],
    "img-src": ["'self'"],
    "font-src": ["'none'"],
    "connect-src": ["'none'"],
    "base-uri": ["'none'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}


# The coordinator ----------------------------------------------------------------------------


#: The tokens of the QR codes this session made, by link id, until the link is used.
QR_SESSION_KEY = "ks_link_tokens"


def _case_of(request: AuthenticatedRequest, case_pk: int) -> Case:
    return get_object_or_404(Case.objects.visible_to(request.user).with_related(), pk=case_pk)


@role_required(*COORDINATOR)
def link_create(request: AuthenticatedRequest, case_pk: int) -> HttpResponse:
    """Make a link and send it by SMS or e-mail, or show it as a QR code."""
    case = _case_of(request, case_pk)
    back = redirect("klientstod:case-detail", pk=case.pk)
    options = link_selectors.send_options(case)
    if options is None:
        messages.error(
            request, _("There is no questionnaire of that kind yet. Ask the administrator.")
        )
        return back
    mobile = options.pop("mobile")
    form = LinkSendForm(request.POST or None, **options)
    if request.method == "POST" and form.is_valid():
        channel = form.cleaned_data["channel"]
        recipient = {LinkChannel.SMS: mobile, LinkChannel.EMAIL: case.client.email}.get(channel, "")
        try:
            new = link_services.link_create(
                case=case,
                occasion=form.cleaned_data["occasion"],
                channel=channel,
                translation=form.translation(),
                recipient=recipient,
                by=request.user,
            )
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            return _deliver(request, new, recipient)
    return render(request, "interventions/link_form.html", {"case": case, "form": form})


def _deliver(
    request: AuthenticatedRequest, new: link_services.NewLink, recipient: str
) -> HttpResponse:
    link = new.link
    if link.channel == LinkChannel.QR:
        request.session[QR_SESSION_KEY] = {
            **request.session.get(QR_SESSION_KEY, {}),
            str(link.pk): new.token,
        }
        return redirect("interventions:link-qr", pk=link.pk)
    if link_services.link_send(link=link, url=_answer_url(request, new.token), to=recipient):
        messages.success(request, _("The link was sent to the client."))
    else:
        messages.warning(
            request,
            _(
                "The link did not reach the client. Check the number or address, or show the "
                "questions as a QR code at the next meeting."
            ),
        )
    return redirect("klientstod:case-detail", pk=link.case_id)


def _answer_url(request: HttpRequest, token: str) -> str:
    return request.build_absolute_uri(reverse("interventions:link-answer", args=[token]))


@role_required(*COORDINATOR)
def link_qr(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The QR code of a link this session made, for the client to scan at the meeting."""
    link = get_object_or_404(
        AssessmentLink.objects.visible_to(request.user).select_related("case__client"), pk=pk
    )
    tokens = request.session.get(QR_SESSION_KEY, {})
    token = tokens.get(str(link.pk))
    if token is None or not link.is_usable():
        if token is not None:
            request.session[QR_SESSION_KEY] = {k: v for k, v in tokens.items() if k != str(pk)}
        messages.info(request, _("That QR code cannot be shown any more. Make a new link."))
        return redirect("klientstod:case-detail", pk=link.case_id)
    url = _answer_url(request, token)
    qr = segno.make(url, micro=False, error="m")
    return render(
        request,
        "interventions/link_qr.html",
        {
            "case": link.case,
            "link": link,
            "url": url,
            "qr_svg": qr.svg_inline(scale=8, dark="#000", omitsize=True),
        },
    )


@role_required(*COORDINATOR)
@require_POST
def link_revoke(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    link = get_object_or_404(AssessmentLink.objects.visible_to(request.user), pk=pk)
    if link_services.link_revoke(link=link):
        messages.success(request, _("The link no longer works."))
    else:
        messages.info(request, _("The link could not be used anyway."))
    return redirect("klientstod:case-detail", pk=link.case_id)


# The client ------------------------------------------------------------------------------


def _client_page(
    request: HttpRequest, template: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    response = render(request, template, context, status=status)
    add_never_cache_headers(response)
    # The token is in the address: it must not travel to another site or into an index.
    # ("no-referrer" would also make the browser send "Origin: null" with the form, which
    # the CSRF check refuses; "same-origin" keeps it within the site.)
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@csp_replace(CLIENT_PAGE_CSP)  # type: ignore[arg-type]  # (its stub takes no URL arguments)
@require_http_methods(["GET", "POST"])
def link_answer(request: HttpRequest, token: str) -> HttpResponse:
    """The client's questionnaire, in their language where it has been translated."""
    address = client_address(request)
    if link_services.attempts_exceeded(address):
        return _client_page(request, "interventions/public/link_gone.html", {}, status=429)
    link = link_services.link_find(token)
    if link is None:
        link_services.attempt_failed(address)
        return _client_page(request, "interventions/public/link_gone.html", {}, status=404)
    translation = None if request.GET.get("lang") == "sv" else link.translation
    form = ClientAnswerForm(
        request.POST or None, questionnaire=link.questionnaire, translation=translation
    )
    context = {
        "form": form,
        "first_name": link.case.client.first_name,
        "scale": _scale(link, translation),
        "texts": _texts(link, translation),
        "questions": _rows(form),
        "page_lang": translation.language if translation else SWEDISH,
        "page_dir": "rtl" if translation and translation.right_to_left else "ltr",
        "other_language": _other_language(link, translation),
    }
    if request.method == "POST" and form.is_valid():
        try:
            assessment = link_services.link_answer(link=link, answers=form.answers())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if assessment is None:
                return _client_page(request, "interventions/public/link_gone.html", {}, status=404)
            return _client_page(request, "interventions/public/link_thanks.html", context)
    if request.method == "GET":
        link_services.link_open(link=link)
    return _client_page(request, "interventions/public/link_answer.html", context)


def _texts(link: AssessmentLink, translation: QuestionnaireTranslation | None) -> dict[str, str]:
    """Every text of the client's page, in the translation's language or in Swedish."""
    if translation is not None:
        return {
            "greeting": translation.greeting,
            "title": translation.title,
            "instructions": translation.instructions,
            "submit": translation.submit_label,
            "errors": translation.missing_answer,
            "thanks": translation.thanks,
            "close": "",
        }
    return {
        "greeting": _("Hello"),
        "title": link.questionnaire.title,
        "instructions": link.questionnaire.instructions,
        "submit": _("Send the answers"),
        "errors": _(
            "Some questions have no answer yet. Choose a number, or “I do not want to answer”."
        ),
        "thanks": _("Thank you! Your answers have been sent to your coordinator."),
        "close": _("You can close this page now."),
    }


def _rows(form: ClientAnswerForm) -> list[dict[str, Any]]:
    """The questions in order, each scale question's five numbers apart from "declined"."""
    rows = []
    for number, (name, item) in enumerate(form.questions, start=1):
        field = form[name]
        row: dict[str, Any] = {"field": field, "number": number, "scale": False}
        if item.kind == QuestionnaireItem.Kind.SCALE:
            choices = list(field)
            row |= {"scale": True, "numbers": choices[:5], "declined": choices[5]}
        rows.append(row)
    return rows


def _other_language(
    link: AssessmentLink, translation: QuestionnaireTranslation | None
) -> dict[str, str] | None:
    """The link to the page in the other language: Swedish, or the client's."""
    if translation is not None:
        return {"code": SWEDISH, "dir": "ltr", "name": "På svenska"}
    if link.translation is not None:
        other = link.translation
        return {
            "code": other.language,
            "dir": "rtl" if other.right_to_left else "ltr",
            "name": other.native_name,
        }
    return None


def _scale(link: AssessmentLink, translation: QuestionnaireTranslation | None) -> tuple[str, str]:
    if translation is not None:
        return translation.scale_low, translation.scale_high
    return link.questionnaire.scale_labels()
