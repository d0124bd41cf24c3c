"""Choosing the period of a report."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from klientstod.forms import DateInput

from . import periods
from .models import BudgetLine, Cost, Milestone, ReportingDeadline, VacationPeriod

#: The earliest year a report can cover, and how long a period may be.
FIRST_YEAR = 2000
LONGEST = datetime.timedelta(days=5 * 366)


class PeriodForm(forms.Form):
    PRESETS = [
        ("t1", _("Tertial 1 (January–April)")),
        ("t2", _("Tertial 2 (May–August)")),
        ("t3", _("Tertial 3 (September–December)")),
        ("year", _("The calendar year")),
        ("custom", _("From – to")),
    ]

    preset = forms.ChoiceField(label=_("Period"), choices=PRESETS)
    year = forms.IntegerField(label=_("Year"), min_value=FIRST_YEAR, max_value=2100)
    start = forms.DateField(label=_("From"), required=False, widget=DateInput())
    end = forms.DateField(label=_("To"), required=False, widget=DateInput())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The annual report is an entry of its own (``?preset=year``), not a choice here.
        self.fields["preset"].widget.choices = [c for c in self.PRESETS if c[0] != "year"]

    @property
    def annual(self) -> bool:
        return self.is_valid() and self.cleaned_data["preset"] == "year"

    def clean(self) -> dict[str, Any]:
        super().clean()
        preset, year = self.cleaned_data.get("preset"), self.cleaned_data.get("year")
        if preset == "custom":
            start, end = self.cleaned_data.get("start"), self.cleaned_data.get("end")
            if not start:
                self.add_error("start", _("Give the first day."))
            if not end:
                self.add_error("end", _("Give the last day."))
            if start and end:
                if end < start:
                    self.add_error("end", _("The period ends before it starts."))
                elif end - start > LONGEST:
                    self.add_error("end", _("A report covers at most five years."))
                elif start.year < FIRST_YEAR or end > timezone.localdate() + LONGEST:
                    self.add_error("start", _("Give dates within the process's years."))
        elif preset and year is None:
            self.add_error("year", _("Give the year."))
        return self.cleaned_data

    def period(self) -> periods.Period:
        preset, year = self.cleaned_data["preset"], self.cleaned_data.get("year")
        if preset == "custom":
            return periods.Period(self.cleaned_data["start"], self.cleaned_data["end"])
        assert year is not None  # clean() demands it for every preset but "custom"
        if preset == "year":
            return periods.calendar_year(year)
        return periods.tertial(year, int(preset[1]))

    @classmethod
    def default_data(cls, today: datetime.date) -> dict[str, Any]:
        """The last completed tertial: what an evaluator or the board reads."""
        return cls.tertial_data(periods.last_completed_tertial(today))

    @classmethod
    def tertial_data(cls, tertial: periods.Period) -> dict[str, Any]:
        number = next(
            n for n in periods.TERTIALS if periods.tertial(tertial.start.year, n) == tertial
        )
        return {"preset": f"t{number}", "year": tertial.start.year}


class MilestoneForm(forms.ModelForm):
    class Meta:
        model = Milestone
        fields = ["metric", "target", "deadline"]
        widgets = {"deadline": DateInput()}


class BudgetLineForm(forms.ModelForm):
    class Meta:
        model = BudgetLine
        fields = ["year", "category", "financing", "granted"]

    def clean(self) -> dict[str, Any]:
        super().clean()
        # The process is not a field of the form, so the model's unique constraint is not
        # checked by the form itself: a second line would fail in the database instead.
        data = self.cleaned_data
        if all(data.get(name) for name in ("year", "category", "financing")):
            twin = BudgetLine.objects.filter(
                process_id=self.instance.process_id,
                year=data["year"],
                category=data["category"],
                financing=data["financing"],
            ).exclude(pk=self.instance.pk)
            if twin.exists():
                self.add_error(
                    "category",
                    _("This year already has a line for the category and financing."),
                )
        return data


class CostForm(forms.ModelForm):
    class Meta:
        model = Cost
        fields = [
            "period_start",
            "period_end",
            "category",
            "description",
            "amount",
            "financing",
            "invoiced_on",
        ]
        widgets = {
            "period_start": DateInput(),
            "period_end": DateInput(),
            "invoiced_on": DateInput(),
        }

    def clean(self) -> dict[str, Any]:
        super().clean()
        start, end = self.cleaned_data.get("period_start"), self.cleaned_data.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("The period ends before it starts."))
        return self.cleaned_data


class DeadlineForm(forms.ModelForm):
    class Meta:
        model = ReportingDeadline
        fields = ["kind", "due_on", "description"]
        widgets = {"due_on": DateInput()}


class VacationForm(forms.ModelForm):
    class Meta:
        model = VacationPeriod
        fields = ["starts_on", "ends_on", "note"]
        widgets = {"starts_on": DateInput(), "ends_on": DateInput()}


#: The forms of the follow-up page, by the name their submit button carries.
PLAN_FORMS: dict[str, type[forms.ModelForm]] = {
    "milestone": MilestoneForm,
    "budget": BudgetLineForm,
    "cost": CostForm,
    "deadline": DeadlineForm,
    "vacation": VacationForm,
}


class YearForm(forms.Form):
    """The year of a yearly account, such as Uppföljning Finsam."""

    year = forms.IntegerField(label=_("Year"), min_value=FIRST_YEAR, max_value=2100)

    @classmethod
    def default_data(cls, today: datetime.date) -> dict[str, Any]:
        """The last whole year: the national follow-up is filled in after a year's end."""
        return {"year": today.year - 1}
