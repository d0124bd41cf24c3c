"""FIA, self-assessments, bibliotherapy, interventions and collaboration: models to come."""
