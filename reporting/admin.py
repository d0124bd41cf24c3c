"""Milestones, budget, costs, the reporting calendar and vacations, kept by the administrator."""

from django.contrib import admin

from .models import BudgetLine, Cost, Milestone, ReportingDeadline, VacationPeriod


@admin.register(Milestone)
class MilestoneAdmin(admin.ModelAdmin):
    list_display = ["process", "metric", "target", "deadline"]
    list_filter = ["process", "metric"]


@admin.register(BudgetLine)
class BudgetLineAdmin(admin.ModelAdmin):
    list_display = ["process", "year", "category", "financing", "granted"]
    list_filter = ["process", "year", "financing"]


@admin.register(Cost)
class CostAdmin(admin.ModelAdmin):
    list_display = [
        "process",
        "period_start",
        "period_end",
        "category",
        "amount",
        "financing",
        "invoiced_on",
    ]
    list_filter = ["process", "category", "financing"]
    date_hierarchy = "period_end"


@admin.register(ReportingDeadline)
class ReportingDeadlineAdmin(admin.ModelAdmin):
    list_display = ["process", "kind", "due_on", "done_on", "description"]
    list_filter = ["process", "kind"]
    date_hierarchy = "due_on"


@admin.register(VacationPeriod)
class VacationPeriodAdmin(admin.ModelAdmin):
    list_display = ["process", "starts_on", "ends_on", "note"]
    list_filter = ["process"]
    date_hierarchy = "starts_on"
