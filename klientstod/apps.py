from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KlientstodConfig(AppConfig):
    name = "klientstod"
    verbose_name = _("Klientstöd")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from . import audit, badges, calendar_feed, checks, login_audit, timeline  # noqa: F401  (registers checks and timeline providers)
        from .choices import CaseStatus, MeetingStatus
        from .middleware import session_started
        from .models import (
            Case,
            Client,
            Consent,
            Meeting,
            Organisation,
            Process,
            ProcessPhase,
            Unit,
            User,
        )
        from .twofactor import remember_enrolment

        user_logged_in.connect(session_started, dispatch_uid="klientstod-session-started")
        user_logged_in.connect(remember_enrolment, dispatch_uid="klientstod-remember-enrolment")

        badges.register(
            {
                MeetingStatus.BOOKED: "text-bg-primary",
                MeetingStatus.HELD: "text-bg-success",
                MeetingStatus.CANCELLED_BY_CLIENT: "text-bg-warning",
                MeetingStatus.CANCELLED_BY_US: "text-bg-secondary",
                MeetingStatus.REBOOKED: "text-bg-info",
                MeetingStatus.NO_SHOW: "text-bg-danger",
                MeetingStatus.INTERPRETER_MISSING: "text-bg-warning",
                MeetingStatus.THIRD_PARTY_MISSING: "text-bg-warning",
                CaseStatus.ACTIVE: "text-bg-success",
                CaseStatus.CLOSED: "text-bg-secondary",
                CaseStatus.FOLLOWED_UP: "text-bg-dark",
            }
        )
        audit.connect()
        login_audit.connect()
        calendar_feed.connect()
        # The personnummer shows as changed (through its index), never with a value.
        personnummer = {"personnummer_index": _("personnummer")}
        audit.register(
            Client,
            client="pk",
            exclude=["personnummer_encrypted", "version"],
            labels=personnummer,
        )
        audit.register(Case, client="client", exclude=["version"])
        audit.register(Meeting, client="case__client")
        audit.register(Consent, client="client")
        # Who may do what: role, organisation, processes, rights; never the password.
        audit.register(
            User,
            client=None,
            exclude=["password", "last_login"],
            m2m=["processes", "groups", "user_permissions"],
        )
        audit.register_names(User, Organisation, Unit, Process, ProcessPhase)
