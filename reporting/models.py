"""Milestones, budget, reporting calendar and the reports: models to come."""
