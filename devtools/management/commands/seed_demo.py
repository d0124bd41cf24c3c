"""``manage.py seed_demo``: fill an empty database with the demo (``devtools.demo``)."""

from typing import Any

from auditlog.context import disable_auditlog
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from interventions.models import FiaStatus, OfferResponse
from klientstod.models import User
from referrals.models import ReferralStatus


class Command(BaseCommand):
    help = (
        "Create a fictional demo of Klientstöd Båstad: partners, the process, one user per "
        "role (password klientstod-demo), clients, cases, meetings, consents, referrals, "
        "bookable times, consultations, the information page, and the work with the client: "
        "self-assessments, FIA, bibliotherapy, interventions and samverkan; and the reporting: "
        "milestones, budget and costs, and the reporting calendar. "
        "Only with DEBUG on; does nothing if the demo users exist."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError(
                "seed_demo creates demo users with a known password; "
                "it runs only with DJANGO_DEBUG=1."
            )
        # The demo is made with factory-boy, a development dependency: imported only now.
        from devtools.demo.builder import DemoBuilder
        from devtools.demo.people import COORDINATOR_USERNAME, DEMO_PASSWORD, USERS
        from devtools.demo.texts import GROUP_NAME

        if User.objects.filter(username=COORDINATOR_USERNAME).exists():
            self.stdout.write(
                f"The demo data is already there (user {COORDINATOR_USERNAME!r} exists); "
                "nothing to do."
            )
            return
        # The demo's history is made up, not done by anyone: the audit log starts empty
        # and records what people do in the demo from then on.
        with transaction.atomic(), disable_auditlog():
            made = DemoBuilder().build()
        for note in made["notes"]:
            self.stdout.write(self.style.WARNING(note))
        process = made["process"]
        by_status = made["referrals_by_status"]
        fia = made["fia"]
        offers = made["offers"]
        self.stdout.write(self.style.SUCCESS(f"Demo data created for the process {process.name}:"))
        lines = [
            f"  organisations: {made['organisations']} with {made['units']} units",
            f"  users: {made['users']}, one per role",
            f"  clients: {made['clients']}",
            f"  cases: {made['active']} active (capacity {process.capacity}), "
            f"{made['closed']} closed, {made['followed_up']} followed up",
            f"  meetings: {made['meetings']} ({made['today']} today, "
            f"{made['coming_week']} in the coming 7 days, {made['awaiting']} awaiting an outcome)",
            f"  consents: {made['consents']}",
            f"  referrals: {made['referrals']} ({by_status[ReferralStatus.ACTUALISED]} actualised, "
            f"{by_status[ReferralStatus.NOT_RELEVANT]} not relevant, "
            f"{by_status[ReferralStatus.RECEIVED]} waiting), {made['letters']} letters",
            f"  bookable times: {made['slots_free']} free, {made['slots_held']} held by a referral",
            f"  consultations: {made['consultations']} "
            f"({made['consultations_answered']} answered, "
            f"{made['consultations'] - made['consultations_answered']} awaiting an answer)",
            "  information page: published",
            f"  questionnaires: {made['questionnaires']} current, one of each kind (Klientstöd "
            f"revised to version 2 on {made['klientstod_revised_on']})",
            f"  self-assessments: {made['assessments']} with {made['answers']} answers; "
            f"{made['assessments_due']} due ({made['assessments_overdue']} overdue)",
            f"  FIA: {fia[FiaStatus.COMPLETED]} completed ({made['fia_interpreter']} with an "
            f"on-site interpreter, {made['plan_items']} plan items), "
            f"{fia[FiaStatus.ONGOING]} ongoing, {fia[FiaStatus.PLANNED]} planned, "
            f"{fia[FiaStatus.NEEDS_RELATION]} needing a relation first, "
            f"{fia[FiaStatus.NOT_RELEVANT_HEALTH]} not relevant (health), "
            f"{fia[FiaStatus.ABORTED]} aborted, {fia[FiaStatus.NOT_STARTED]} not started",
            f"  bibliotherapy: {offers[OfferResponse.ACCEPTED]} accepted, "
            f"{offers[OfferResponse.DECLINED]} declined, "
            f"{offers[OfferResponse.NOT_OFFERED_LANGUAGE]} not offered (language); "
            f"group {GROUP_NAME!r} with {made['group_participants']} participants and "
            f"{made['group_sessions']} sessions; information meeting with "
            f"{made['info_invited']} invited, {made['info_attended']} came",
            f"  interventions: {made['interventions']}, FK applications "
            + ", ".join(f"{n} {outcome}" for outcome, n in made["fk_outcomes"].items()),
            f"  collaboration contacts: {made['contacts']} ({made['case_contacts']} about a case)",
            f"  follow-ups due: {made['followups_due']}",
            f"  milestones: {made['milestones']} for 4 metrics at "
            + ", ".join(str(day) for day in made["milestone_deadlines"])
            + f"; {made['milestones_met']} of the {made['milestones_past']} past ones met",
            f"  budget: {made['budget_lines']} lines for {made['budget_years'][0]}–"
            f"{made['budget_years'][1]}; costs: {made['costs']} "
            f"({made['costs_not_invoiced']} not yet invoiced)",
            f"  reporting calendar: {made['deadlines']} dates ({made['deadlines_done']} done, "
            f"{made['deadlines_overdue']} overdue, {made['deadlines_soon']} due within 30 days)",
            f"Log in as {COORDINATOR_USERNAME} / {DEMO_PASSWORD} "
            f"(or {', '.join(u.username for u in USERS[1:])}; same password).",
        ]
        for line in lines:
            self.stdout.write(line)
