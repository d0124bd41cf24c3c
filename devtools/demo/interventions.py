"""The work with the client: interventions, applications to Försäkringskassan and samverkan."""

import datetime

from devtools.demo.fia import FiaBuilder
from devtools.demo.people import (
    Out,
)
from devtools.demo.texts import (
    FK_NOTES,
    FK_OUTCOMES,
)
from devtools.factories import ConsentFactory, InterventionFactory
from interventions.models import (
    CollaborationContact,
    ContactKind,
    FiaInterview,
    FiaStatus,
    FkOutcome,
    Intervention,
    InterventionKind,
    InterventionStatus,
    PartnerState,
)
from interventions.services import contact_record
from klientstod.models import (
    Case,
    CaseStatus,
    Consent,
    Organisation,
    Process,
    User,
)


class InterventionBuilder(FiaBuilder):
    # -- the work with the client: interventions and samverkan ---------------

    def span(self, case: Case, first: datetime.date, last: datetime.date) -> datetime.date:
        """A weekday from ``first`` to ``last``, kept inside the case and before tomorrow."""
        end = case.closed_on or self.today
        first = min(max(first, case.start_date), end)
        last = min(max(last, first), end)
        return min(self.weekday_between(first, last), end)

    def fk_application(self, case: Case, outcome: str) -> Intervention:
        end = case.closed_on or self.today
        days = datetime.timedelta
        ends_on = None
        status = InterventionStatus.ONGOING
        if outcome == FkOutcome.APPLIED:
            starts_on = self.span(case, end - days(45), end - days(5))
        elif outcome == FkOutcome.REJECTION_EXPECTED:
            starts_on = self.span(case, end - days(150), end - days(60))
        else:
            low, high = (200, 120) if outcome == FkOutcome.GRANTED else (260, 110)
            starts_on = self.span(case, end - days(low), end - days(high))
            ends_on = min(starts_on + days(self.rng.randint(70, 110)), end)
            status = InterventionStatus.ENDED
        return InterventionFactory.build(
            case=case,
            kind=InterventionKind.FK_APPLICATION,
            organisation=self.organisations["Försäkringskassan"],
            unit=self.units["Lokalt försäkringscenter Helsingborg"],
            starts_on=starts_on,
            ends_on=ends_on,
            status=status,
            fk_outcome=outcome,
            note=FK_NOTES[outcome],
        )

    def build_interventions(
        self, plan: dict[str, list[Case]], interviews: dict[int, FiaInterview]
    ) -> tuple[list[Intervention], dict[str, list[Case]]]:
        """The insatser of the process plan's report; returns them and who has which kind."""
        days = datetime.timedelta

        def active(status: str) -> list[Case]:
            return [c for c in plan[status] if c.status == CaseStatus.ACTIVE]

        ended_health = [
            c for c in plan[FiaStatus.NOT_RELEVANT_HEALTH] if c.status != CaseStatus.ACTIVE
        ]
        fk_cases = (
            [c for c in ended_health if c.closure_outcome != Out.SICKNESS_COMPENSATION][:1]
            + active(FiaStatus.NOT_RELEVANT_HEALTH)
            + active(FiaStatus.NEEDS_RELATION)
            + active(FiaStatus.PLANNED)
        )[: len(FK_OUTCOMES)]
        rows = [
            self.fk_application(case, outcome)
            for case, outcome in zip(fk_cases, FK_OUTCOMES, strict=False)
        ]
        rows += [
            self.fk_application(case, FkOutcome.GRANTED)
            for case in ended_health
            if case.closure_outcome == Out.SICKNESS_COMPENSATION
        ]
        used = {case.pk for case in fk_cases}

        def after_fia(case: Case) -> datetime.date:
            fia = interviews.get(case.pk)
            since = (fia.status_changed_on if fia else None) or case.start_date
            return self.span(case, since + days(7), since + days(21))

        completed = active(FiaStatus.COMPLETED)
        studies = completed[1:2]
        af_cases = [c for c in completed if c not in studies] + active(FiaStatus.ONGOING)
        af_cases = (af_cases + [c for c in active(FiaStatus.PLANNED) if c.pk not in used])[:4]
        af_rows = []
        for case in af_cases:
            starts_on = (
                after_fia(case)
                if case in completed
                else self.span(case, case.start_date + days(20), case.start_date + days(60))
            )
            af_rows.append(
                InterventionFactory.build(
                    case=case,
                    kind=InterventionKind.AF_MUNICIPALITY,
                    organisation=self.organisations["Arbetsförmedlingen"],
                    unit=self.units["Arbetsförmedlingen Ängelholm"],
                    starts_on=starts_on,
                    note="Planering tillsammans med Arbetsförmedlingen och Arbetsmarknadsenheten: "
                    "arbetsträning med handledare, några timmar i veckan till att börja med.",
                )
            )
        # The earliest of them has ended; a new step is being planned.
        first = min(af_rows, key=lambda row: row.starts_on, default=None)
        if first is not None and first.starts_on <= self.today - days(30):
            first.status = InterventionStatus.ENDED
            first.ends_on = min(first.starts_on + days(self.rng.randint(28, 60)), self.today)
            first.note = (
                "Arbetsträningen avslutades enligt plan. Nästa steg planeras på ett "
                "gemensamt möte med Arbetsförmedlingen."
            )
        rows += af_rows
        used |= {case.pk for case in af_cases}
        for case in studies:
            rows.append(
                InterventionFactory.build(
                    case=case,
                    kind=InterventionKind.STUDIES,
                    organisation=self.organisations["Båstads kommun"],
                    starts_on=after_fia(case),
                    note="Vård- och omsorgsutbildning på Komvux med studiemedel och "
                    "kompletterande stöd från Arbetsförmedlingen och kommunen.",
                )
            )
            used.add(case.pk)
        work = [
            c
            for c in active(FiaStatus.PLANNED) + active(FiaStatus.NEEDS_RELATION)
            if c.pk not in used
        ][:1]
        for case in work:
            rows.append(
                InterventionFactory.build(
                    case=case,
                    kind=InterventionKind.WORK,
                    starts_on=self.span(
                        case, case.start_date + days(10), case.start_date + days(60)
                    ),
                    note="Arbetar deltid, 50 procent, i en livsmedelsbutik. Väntar på en "
                    "utredning hos vårdcentralen inför en ansökan om aktivitetsersättning.",
                )
            )
            used.add(case.pk)
        health = [
            c
            for c in active(FiaStatus.NEEDS_RELATION) + active(FiaStatus.NOT_RELEVANT_HEALTH)
            if c.pk not in used
        ][:1]
        for case in health:
            rows.append(
                InterventionFactory.build(
                    case=case,
                    kind=InterventionKind.HEALTH_MUNICIPALITY,
                    organisation=self.organisations["Region Skåne"],
                    unit=self.units["Vuxenpsykiatri Ängelholm"],
                    starts_on=self.span(
                        case, case.start_date + days(20), case.start_date + days(90)
                    ),
                    note="Samordning mellan vuxenpsykiatrin och socialtjänsten; "
                    "samordnaren är med på vårdplaneringen.",
                )
            )
        for row in rows:
            row.full_clean(exclude=["case", "organisation", "unit"])
        Intervention.objects.bulk_create(rows)
        by_kind = {
            "fk": fk_cases,
            "af": af_cases,
            "studies": studies,
            "work": work,
        }
        return rows, by_kind

    def sharing_consent(self, case: Case, organisation: Organisation, on: datetime.date) -> bool:
        """Whether the client lets us share with ``organisation`` on that day.

        A client without any such consent gave one at the start of the case; a client
        who withdrew theirs is left alone.
        """
        consents = Consent.objects.filter(
            client_id=case.client_id,
            kind=Consent.Kind.INFORMATION_SHARING,
            organisation=organisation,
        )
        if consents.in_force(on).exists():
            return True
        if consents.exists():
            return False
        ConsentFactory.create(
            client=case.client,
            kind=Consent.Kind.INFORMATION_SHARING,
            organisation=organisation,
            given_on=min(case.start_date, on),
        )
        self.consents_added += 1
        return True

    def build_collaboration(
        self,
        process: Process,
        coordinator: User,
        interventions: list[Intervention],
        by_kind: dict[str, list[Case]],
    ) -> list[CollaborationContact]:
        """The plan for samverkan: partners informed or reached, and contacts about clients."""
        orgs, units = self.organisations, self.units
        days = datetime.timedelta
        general = [
            (
                "Region Skåne",
                "Capio Båstad",
                self.days_ago(150, 200),
                ContactKind.INFORMATION_MEETING,
                PartnerState.ESTABLISHED,
                "Etablerad kontakt med verksamhetschefen och rehabkoordinatorn. Samordnaren "
                "kontaktar rehabkoordinatorn direkt när en klient behöver samverkan. Regelbundna "
                "samverkansmöten vill de ha om Försäkringskassan kan vara med.",
            ),
            (
                "Region Skåne",
                "VC Förslöv",
                self.days_ago(110, 140),
                ContactKind.INFORMATION_MEETING,
                PartnerState.INFORMED,
                "Träffade verksamhetschefen och rehabkoordinatorn och informerade om Klientstöd "
                "och biblioterapi. De flesta listade bor i Ängelholms kommun; samordnaren "
                "kontaktar rehabkoordinatorn om en enskild klient behöver samverkan.",
            ),
            (
                "Region Skåne",
                "Vuxenpsykiatri Ängelholm",
                self.days_ago(8, 20),
                ContactKind.INFORMATION_MEETING,
                PartnerState.AWAITING_REPLY,
                "Har sökt rehabkoordinatorn för allmänpsykiatrin för att få komma och informera "
                "om Klientstöd. Inget svar ännu; ringer igen nästa vecka.",
            ),
            (
                "Arbetsförmedlingen",
                "Arbetsförmedlingen Ängelholm",
                self.days_ago(60, 90),
                ContactKind.INFORMATION_MEETING,
                PartnerState.INFORMED,
                "Samordnaren och biblioterapeuten informerade arbetsförmedlarna om Klientstöd, "
                "remissvägen och biblioterapin.",
            ),
            (
                "Försäkringskassan",
                "Lokalt försäkringscenter Helsingborg",
                self.days_ago(30, 55),
                ContactKind.INFORMATION_MEETING,
                PartnerState.ESTABLISHED,
                "Informerade handläggarna som arbetar mot Båstad. Etablerad kontakt med "
                "enhetschefen; handläggarna hör av sig om klienter som kan passa.",
            ),
        ]
        contacts = [
            contact_record(
                contact=CollaborationContact(
                    process=process,
                    organisation=orgs[org],
                    unit=units[unit],
                    held_on=day,
                    kind=kind,
                    state=state,
                    note=note,
                ),
                by=coordinator,
            )
            for org, unit, day, kind, state, note in general
        ]

        def by_case_of(kind: str, cases: list[Case]) -> dict[int, Intervention]:
            return {
                row.case.pk: row for row in interventions if row.kind == kind and row.case in cases
            }

        af_rows = by_case_of(InterventionKind.AF_MUNICIPALITY, by_kind["af"])
        fk_rows = by_case_of(InterventionKind.FK_APPLICATION, by_kind["fk"])
        about: list[tuple[Case, str, str, datetime.date, str, str, str]] = []
        for case in by_kind["af"][:1]:
            row = af_rows[case.pk]
            about.append(
                (
                    case,
                    "Arbetsförmedlingen",
                    "Arbetsförmedlingen Ängelholm",
                    row.starts_on - days(self.rng.randint(3, 10)),
                    ContactKind.CASE_CONSULTATION,
                    PartnerState.ESTABLISHED,
                    "Stämde av med arbetsförmedlaren vilken arbetsträning som kan passa efter "
                    "FIA-intervjun.",
                )
            )
        for case in by_kind["af"][-1:]:
            row = af_rows[case.pk]
            about.append(
                (
                    case,
                    "Arbetsförmedlingen",
                    "Arbetsförmedlingen Ängelholm",
                    row.starts_on,
                    ContactKind.JOINT_PLANNING,
                    PartnerState.ESTABLISHED,
                    "Gemensam planering med klienten, arbetsförmedlaren och "
                    "Arbetsmarknadsenheten. Nästa avstämning om sex veckor.",
                )
            )
        rejected = [
            case
            for case in by_kind["fk"]
            if case.status == CaseStatus.ACTIVE
            and fk_rows[case.pk].fk_outcome == FkOutcome.REJECTED
        ]
        for case in rejected[:1]:
            decided = fk_rows[case.pk].ends_on or self.today
            about.append(
                (
                    case,
                    "Försäkringskassan",
                    "Lokalt försäkringscenter Helsingborg",
                    decided + days(self.rng.randint(5, 12)),
                    ContactKind.CASE_CONSULTATION,
                    PartnerState.ESTABLISHED,
                    "Gick igenom avslaget med handläggaren och vad en begäran om omprövning "
                    "behöver innehålla.",
                )
            )
        expected = [
            case
            for case in by_kind["fk"]
            if fk_rows[case.pk].fk_outcome == FkOutcome.REJECTION_EXPECTED
        ]
        for case in expected[:1]:
            about.append(
                (
                    case,
                    "Region Skåne",
                    "Capio Båstad",
                    self.days_ago(5, 30),
                    ContactKind.CASE_CONSULTATION,
                    PartnerState.ESTABLISHED,
                    "Pratade med rehabkoordinatorn om ett kompletterande läkarintyg till "
                    "Försäkringskassan.",
                )
            )
        for case, org, unit, day, kind, state, note in about:
            day = min(max(day, case.start_date), case.closed_on or self.today)
            if not self.sharing_consent(case, orgs[org], day):
                continue
            contacts.append(
                contact_record(
                    contact=CollaborationContact(
                        process=process,
                        organisation=orgs[org],
                        unit=units[unit],
                        held_on=day,
                        kind=kind,
                        case=case,
                        state=state,
                        note=note,
                    ),
                    by=coordinator,
                )
            )
        return contacts
