"""Self-assessments: every scale question answered or marked "vill inte svara", one
assessment per occasion, and a correction keeps the questionnaire version."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from interventions import services
from interventions.models import Answer, Questionnaire, SelfAssessment
from interventions.timeline import assessment_events

from .factories import CaseFactory

DECLINED = services.DECLINED


def days_ago(days: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days)


def seven_questions() -> Questionnaire:
    return services.questionnaire_save(
        questionnaire=Questionnaire(kind="klientstod", title="Självskattning"),
        items=[(f"Fråga {n}", "scale") for n in range(1, 8)] + [("Något mer?", "text")],
    )


@pytest.fixture
def old_case(process, coordinator):
    return CaseFactory(process=process, coordinator=coordinator, start_date=days_ago(150))


def _post_data(form: Questionnaire, answers: list[str | None], **fields: str) -> dict[str, str]:
    scale = [item for item in form.items.all() if item.kind == "scale"]
    data = {"occasion": "start", "answered_on": days_ago(140).isoformat(), **fields}
    data |= {f"item_{item.pk}": value for item, value in zip(scale, answers, strict=False) if value}
    return data


@pytest.mark.django_db
def test_two_of_seven_answered_is_refused_and_keeps_what_was_typed(coordinator_client, old_case):
    form = seven_questions()
    text_item = form.items.get(kind="text")
    url = reverse("interventions:assessment-create", args=[old_case.pk])
    data = _post_data(form, ["4", "2"], **{f"item_{text_item.pk}": "Sover dåligt"})

    response = coordinator_client.post(url, data)

    assert response.status_code == 200
    assert not SelfAssessment.objects.exists()
    errors = response.context["form"].errors
    scale = list(form.items.filter(kind="scale"))
    assert sorted(errors) == sorted(["__all__"] + [f"item_{item.pk}" for item in scale[2:]])
    assert "5 av 7 frågor är inte besvarade" in " ".join(errors["__all__"])
    assert "Vill inte svara" in " ".join(errors[f"item_{scale[2].pk}"])
    body = response.content.decode()
    assert "Sover dåligt" in body
    assert response.context["form"][f"item_{scale[0].pk}"].value() == "4"
    assert response.context["form"][f"item_{scale[1].pk}"].value() == "2"


@pytest.mark.django_db
def test_every_question_answered_or_declined_is_saved_and_the_mean_skips_declined(
    coordinator_client, old_case
):
    form = seven_questions()
    url = reverse("interventions:assessment-create", args=[old_case.pk])
    answers = ["4", DECLINED, "2", DECLINED, "3", "3", "3"]
    response = coordinator_client.post(url, _post_data(form, answers))
    assert response.status_code == 302
    assessment = SelfAssessment.objects.get()
    stored = list(assessment.answers.order_by("item__order").values_list("score", "declined"))
    assert stored == [(4, False), (None, True), (2, False), (None, True)] + [(3, False)] * 3
    [event] = assessment_events(old_case)
    assert "medelvärde 3.0 av 5" in [str(detail) for detail in event.details]
    detail = coordinator_client.get(
        reverse("interventions:assessment-detail", args=[assessment.pk])
    )
    assert detail.content.decode().count("Vill inte svara") == 2


@pytest.mark.django_db
def test_the_service_refuses_unanswered_scale_questions(old_case, coordinator):
    form = seven_questions()
    scale = list(form.items.filter(kind="scale"))
    with pytest.raises(ValidationError, match="Fråga 3; Fråga 4"):
        services.assessment_record(
            case=old_case,
            questionnaire=form,
            occasion="start",
            answered_on=days_ago(140),
            answers={scale[0].pk: 4, scale[1].pk: 2} | {i.pk: 3 for i in scale[4:]},
            by=coordinator,
        )
    assert not Answer.objects.exists()


def _record(case, form, coordinator, occasion="start", day=140, score=3):
    return services.assessment_record(
        case=case,
        questionnaire=form,
        occasion=occasion,
        answered_on=days_ago(day),
        answers={item.pk: score for item in form.items.filter(kind="scale")},
        by=coordinator,
    )


@pytest.mark.django_db
def test_a_second_assessment_at_start_is_refused(coordinator_client, old_case, coordinator):
    form = seven_questions()
    first = _record(old_case, form, coordinator)
    with pytest.raises(ValidationError) as refused:
        _record(old_case, form, coordinator, day=100)
    assert "occasion" in refused.value.error_dict

    url = reverse("interventions:assessment-create", args=[old_case.pk])
    response = coordinator_client.post(url, _post_data(form, ["5"] * 7))
    assert response.status_code == 200
    assert "Ändra den i stället" in " ".join(response.context["form"].errors["occasion"])
    assert list(SelfAssessment.objects.all()) == [first]


@pytest.mark.django_db
def test_asking_for_a_second_at_start_opens_the_first(coordinator_client, old_case, coordinator):
    form = seven_questions()
    first = _record(old_case, form, coordinator)
    url = reverse("interventions:assessment-create", args=[old_case.pk])
    response = coordinator_client.get(url, {"occasion": "start"})
    assert response.url == reverse("interventions:assessment-update", args=[first.pk])
    # Other occasions are still new ones; a new form starts at the first one not answered.
    assert coordinator_client.get(url, {"occasion": "other"}).status_code == 200
    assert coordinator_client.get(url).context["form"]["occasion"].value() == "periodic"


@pytest.mark.django_db
def test_one_periodic_assessment_per_two_month_mark_and_any_number_of_others(old_case, coordinator):
    form = seven_questions()
    _record(old_case, form, coordinator, occasion="periodic", day=90)
    with pytest.raises(ValidationError):
        _record(old_case, form, coordinator, occasion="periodic", day=85)
    _record(old_case, form, coordinator, occasion="periodic", day=25)  # the next mark
    _record(old_case, form, coordinator, occasion="other", day=20)
    _record(old_case, form, coordinator, occasion="other", day=10)
    assert SelfAssessment.objects.count() == 4


@pytest.mark.django_db
def test_a_correction_keeps_its_questionnaire_version(coordinator_client, old_case, coordinator):
    form = seven_questions()
    assessment = _record(old_case, form, coordinator)
    newer = services.questionnaire_save(
        questionnaire=Questionnaire.objects.get(pk=form.pk), items=[("Ny fråga", "scale")]
    )
    assert newer.pk != form.pk

    url = reverse("interventions:assessment-update", args=[assessment.pk])
    page = coordinator_client.get(url)
    assert "Fråga 7" in page.content.decode()
    assert "Ny fråga" not in page.content.decode()
    data = _post_data(form, ["1", "2", DECLINED, "4", "5", "1", "2"])
    assert coordinator_client.post(url, data).status_code == 302

    assessment.refresh_from_db()
    assert assessment.questionnaire_id == form.pk
    scores = list(assessment.answers.order_by("item__order").values_list("score", flat=True))
    assert scores == [1, 2, None, 4, 5, 1, 2]
    assert SelfAssessment.objects.count() == 1
