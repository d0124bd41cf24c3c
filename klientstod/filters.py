"""The caseload list's filters (django-filter)."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import ages
from .models import Case, CaseStatus, Client, Gender


class CaseFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=CaseStatus.choices, empty_label=_("All statuses")
    )
    gender = django_filters.ChoiceFilter(
        label=_("Gender"),
        field_name="client__gender",
        choices=Gender.choices,
        empty_label=_("All"),
    )
    age_band = django_filters.ChoiceFilter(
        label=_("Age"), choices=ages.AgeBand.choices, method="filter_age_band", empty_label=_("All")
    )
    interpreter = django_filters.BooleanFilter(
        label=_("Interpreter"),
        field_name="client__interpreter_needed",
        widget=django_filters.widgets.BooleanWidget(),
    )
    q = django_filters.CharFilter(label=_("Name or personnummer"), method="filter_search")

    class Meta:
        model = Case
        fields: list[str] = []

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.filters["interpreter"].field.widget.choices = (
            ("", _("All")),
            ("true", _("Needs an interpreter")),
            ("false", _("No interpreter")),
        )
        for name, field in self.form.fields.items():
            if name != "q":
                field.widget.attrs["class"] = "form-select"

    def filter_age_band(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(
            ages.birth_date_q(value, on=timezone.localdate(), field="client__birth_date")
        )

    def filter_search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(client__in=Client.objects.search(value))
