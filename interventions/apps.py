from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop


class InterventionsConfig(AppConfig):
    name = "interventions"
    verbose_name = _("Interventions")

    def ready(self) -> None:
        from klientstod import audit

        from . import closure, models, panels, retention, timeline  # noqa: F401  (registers their hooks)

        for model, client in [
            (models.FiaInterview, "case__client"),
            (models.PlanItem, "fia__case__client"),
            (models.SelfAssessment, "case__client"),
            (models.Answer, "assessment__case__client"),
            (models.BibliotherapyOffer, "case__client"),
            (models.Intervention, "case__client"),
            (models.CollaborationContact, "case__client"),
        ]:
            audit.register(model, client=client)
        # Opening, answering and revoking a link are changes of its dates, logged as such;
        # the token's and the address's hashes are never written to the log.
        audit.register(
            models.AssessmentLink,
            client="case__client",
            exclude=["token_hash", "recipient_hash"],
        )
        audit.register_names(
            models.Questionnaire,
            models.QuestionnaireItem,
            models.QuestionnaireTranslation,
            models.BibliotherapyGroup,
        )
        audit.register_pages(
            gettext_noop("FIA page"),
            gettext_noop("FIA form"),
            gettext_noop("FIA PDF"),
            gettext_noop("self-assessment"),
            gettext_noop("bibliotherapy participant"),
        )
