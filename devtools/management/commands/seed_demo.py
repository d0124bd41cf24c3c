"""Fill an empty database with a fictional demo of Klientstöd Båstad.

``manage.py seed_demo`` creates the partner organisations, the process, one
user per role (password ``klientstod-demo``), about thirty fictional clients
with cases, meetings and consents, and the referral side: the published
information page, the referral behind every case (with its welcome letter),
declined and waiting referrals for people who are not clients, bookable times
and two consultations. Every person, number and note is made up:
the personnummer are generated (valid check digits, random birth numbers), the
phone numbers lie in the ranges PTS sets aside for fiction, and the e-mail
addresses are at example.se.

The work with the client follows the status report of the process plan: the
four self-assessment questionnaires (the Klientstöd one revised to a second
version after the clients found two questions hard, with answers on both),
self-assessments that mostly improve, a FIA interview for every case (four
completed, with summary and plan, the others spread over the other statuses),
bibliotherapy offers with one reading group and an information meeting,
interventions with the outcomes of the applications to Försäkringskassan, and
the contacts of the plan for samverkan. Min dag has self-assessments and a
six-month follow-up due.

The reporting follows the process plan too: milestones for the four metrics,
set around what the demo's cases and offers reach so that some are met and
some are not; the budget for last, this and next year with the costs of each
past tertial (the latest not yet invoiced); and the reporting calendar of
tertial reports, annual report, process plans and board meetings, with one
report overdue and a process plan due within a month for Min dag.

The demo is laid out around today's date, so that the coordinator's start
page has meetings today, meetings awaiting an outcome and meetings in the
coming week whenever it is run. The random choices come from one seeded
generator, so two runs on the same day give the same data.

It runs only with DEBUG on, and does nothing when the demo users exist.
"""

from __future__ import annotations

import datetime
import random
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from devtools.factories import fake_personnummer
from interventions.models import (
    FIA_AREAS,
    Answer,
    BibliotherapyGroup,
    BibliotherapyOffer,
    CollaborationContact,
    ContactKind,
    DeclineReason,
    FiaAbortReason,
    FiaInterview,
    FiaStatus,
    FiaStatusChange,
    FkOutcome,
    GroupSession,
    InformationMeeting,
    Intervention,
    InterventionKind,
    InterventionStatus,
    Occasion,
    OfferResponse,
    ParticipationStatus,
    PartnerState,
    PlanItem,
    Questionnaire,
    QuestionnaireItem,
    QuestionnaireKind,
    SelfAssessment,
)
from interventions.services import assessments_due, months_between, questionnaire_save
from klientstod import ages
from klientstod.dates import months_after
from klientstod.models import (
    FOLLOWUP_MONTHS,
    NOT_HELD_STATUSES,
    Case,
    CaseStatus,
    Client,
    ClosureOutcome,
    Consent,
    EducationLevel,
    Gender,
    IncomeSource,
    Meeting,
    MeetingKind,
    MeetingStatus,
    Organisation,
    Process,
    ProcessPhase,
    Role,
    Unit,
    User,
)
from referrals.models import (
    Consultation,
    ConsultationMessage,
    InformationPage,
    Letter,
    NotRelevantReason,
    Referral,
    ReferralSlot,
    ReferralStatus,
)
from reporting.models import (
    BudgetLine,
    Cost,
    CostCategory,
    DeadlineKind,
    Financing,
    Metric,
    Milestone,
    ReportingDeadline,
)
from reporting.periods import TERTIALS, tertials_of
from reporting.selectors import metric_counts

DEMO_PASSWORD = "klientstod-demo"
COORDINATOR_USERNAME = "samordnare"
SEED = 2018

Kind = Organisation.Kind

#: name, short name, kind, units.
ORGANISATIONS: list[tuple[str, str, str, list[str]]] = [
    ("Samordningsförbundet NNV Skåne", "NNV", Kind.COORDINATION_ASSOCIATION, []),
    (
        "Båstads kommun",
        "Båstad",
        Kind.MUNICIPALITY,
        ["Individ och familj", "Arbetsmarknadsenheten", "Vuxenenheten", "Biblioteket"],
    ),
    ("Arbetsförmedlingen", "AF", Kind.EMPLOYMENT_SERVICE, ["Arbetsförmedlingen Ängelholm"]),
    (
        "Försäkringskassan",
        "FK",
        Kind.SOCIAL_INSURANCE,
        ["Lokalt försäkringscenter Helsingborg"],
    ),
    (
        "Region Skåne",
        "RS",
        Kind.REGION,
        ["Capio Båstad", "VC Förslöv", "Vuxenpsykiatri Ängelholm"],
    ),
    # Another förbund, whose handläggare may also refer clients.
    ("Samordningsförbundet Halland", "Halland", Kind.COORDINATION_ASSOCIATION, []),
]


@dataclass(frozen=True)
class UserSpec:
    username: str
    role: str
    first_name: str
    last_name: str
    organisation: str | None = None
    unit: str | None = None
    member: bool = True


USERS: list[UserSpec] = [
    UserSpec(
        COORDINATOR_USERNAME,
        Role.COORDINATOR,
        "Maria",
        "Lindqvist",
        "Båstads kommun",
        "Arbetsmarknadsenheten",
    ),
    UserSpec(
        "biblioterapeut", Role.BIBLIOTHERAPIST, "Karin", "Ek", "Båstads kommun", "Biblioteket"
    ),
    UserSpec(
        "remittent",
        Role.REFERRER,
        "Jonas",
        "Berglund",
        "Båstads kommun",
        "Individ och familj",
        member=False,
    ),
    UserSpec("styrgrupp", Role.STEERING, "Annika", "Sjöberg", "Samordningsförbundet NNV Skåne"),
    UserSpec("utvarderare", Role.EVALUATOR, "Per", "Holmgren"),
    UserSpec("admin", Role.ADMIN, "Eva", "Nordin", "Båstads kommun", member=False),
]

ACTIVE = "active"
FOLLOWED_UP = "followed_up:"


@dataclass(frozen=True)
class ClientSpec:
    first_name: str
    last_name: str
    gender: str
    age: int
    plan: str  # ACTIVE, a closure outcome, or FOLLOWED_UP + closure outcome
    language: str = "svenska"
    born_abroad: bool = False
    interpreter: bool = False
    coordination_number: bool = False
    protected_identity: bool = False


W, M = Gender.WOMAN, Gender.MAN
Out = ClosureOutcome

# Fictional combinations of common names. Ages: nine in 20-29, fourteen in
# 30-54, five in 55-65 and two outside the bands; nine need an interpreter.
CLIENTS: list[ClientSpec] = [
    ClientSpec("Anna", "Johansson", W, 27, ACTIVE),
    ClientSpec("Erik", "Nilsson", M, 34, ACTIVE),
    ClientSpec("Sofia", "Karlsson", W, 23, Out.STUDIES),
    ClientSpec("Mikael", "Persson", M, 45, ACTIVE),
    ClientSpec("Linda", "Olsson", W, 38, ACTIVE, protected_identity=True),
    ClientSpec("Andreas", "Svensson", M, 29, Out.WORK),
    ClientSpec("Emma", "Gustafsson", W, 21, ACTIVE),
    ClientSpec("Adnan", "Begović", M, 26, FOLLOWED_UP + Out.WORK),
    ClientSpec("Malin", "Pettersson", W, 52, Out.SICKNESS_COMPENSATION),
    ClientSpec("Peter", "Jönsson", M, 58, ACTIVE),
    ClientSpec("Camilla", "Bengtsson", W, 41, Out.CLIENT_ENDED),
    ClientSpec("Tobias", "Lindberg", M, 19, ACTIVE),
    ClientSpec("Jessica", "Nyström", W, 31, Out.OTHER_INTERVENTION),
    ClientSpec("Marcus", "Ekström", M, 47, Out.MOVED),
    ClientSpec("Birgitta", "Holm", W, 61, ACTIVE),
    ClientSpec("Lars-Göran", "Axelsson", M, 63, Out.SICKNESS_COMPENSATION),
    ClientSpec("Elif", "Demir", W, 24, Out.CLIENT_ENDED),
    ClientSpec("Amir", "Hadžić", M, 44, Out.WORK, born_abroad=True),
    ClientSpec("Leila", "Mansouri", W, 36, ACTIVE, born_abroad=True),
    ClientSpec("Tomasz", "Nowak", M, 55, Out.OTHER_INTERVENTION, born_abroad=True),
    ClientSpec("Ahmad", "Rahimi", M, 28, ACTIVE, "dari", True, True),
    ClientSpec("Fatima", "Al-Hassan", W, 49, ACTIVE, "arabiska", True, True),
    ClientSpec("Abdirahman", "Farah", M, 39, Out.MOVED, "somaliska", True, True),
    ClientSpec("Hodan", "Mohamed", W, 33, ACTIVE, "somaliska", True, True, protected_identity=True),
    ClientSpec("Semhar", "Tesfay", W, 25, FOLLOWED_UP + Out.STUDIES, "tigrinja", True, True, True),
    ClientSpec("Yonas", "Kidane", M, 30, ACTIVE, "tigrinja", True, True, True),
    ClientSpec("Maryam", "Hosseini", W, 57, Out.CLIENT_ENDED, "persiska", True, True),
    ClientSpec("Khaled", "Haddad", M, 53, ACTIVE, "arabiska", True, True),
    ClientSpec("Zahra", "Ahmadi", W, 22, Out.STUDIES, "dari", True, True, True),
    ClientSpec("Göran", "Lund", M, 66, Out.REGISTERED_IN_ERROR),
]

#: city, postal codes, streets: fictional addresses in the municipality.
PLACES: list[tuple[str, list[str], list[str]]] = [
    ("Båstad", ["269 33", "269 35", "269 36"], ["Lärkvägen", "Ängsgatan", "Tallstigen"]),
    ("Förslöv", ["269 72", "269 73"], ["Bygatan", "Skolvägen", "Stationsgatan"]),
    ("Torekov", ["269 77"], ["Strandvägen", "Fiskargränd"]),
]

#: The income each outcome usually leads to.
INCOME_AT_END: dict[str, str] = {
    Out.WORK: IncomeSource.EMPLOYMENT,
    Out.STUDIES: IncomeSource.STUDY_SUPPORT,
    Out.SICKNESS_COMPENSATION: IncomeSource.SICKNESS_COMPENSATION,
    Out.OTHER_INTERVENTION: IncomeSource.ACTIVITY_SUPPORT,
    Out.MOVED: IncomeSource.UNKNOWN,
    Out.CLIENT_ENDED: IncomeSource.ECONOMIC_ASSISTANCE,
}

FOLLOWUP_RESULTS: dict[str, str] = {
    Out.WORK: "Har kvar anställningen, nu på 75 procent. Inget ekonomiskt bistånd längre.",
    Out.STUDIES: "Läser vidare på Komvux och har studiemedel. Trivs med studierna.",
}

#: Meeting times: between 09:00 and 15:00 with room for a 90-minute meeting.
SLOTS = [datetime.time(9, 0), datetime.time(10, 30), datetime.time(13, 0), datetime.time(14, 30)]

HELD_NOTES: dict[str, list[str]] = {
    MeetingKind.FIRST: [
        "Första samtal: presentation av klientstöd och hur vi arbetar tillsammans.",
        "Första träff. Gick igenom samtycken och vad klienten vill få ut av stödet.",
    ],
    MeetingKind.ALLIANCE: [
        "Samtal om veckans struktur och mål inför praktik.",
        "Pratade om vad som fungerat sedan sist och om nästa steg.",
        "Gick igenom kontakterna med myndigheterna och planerade nästa vecka.",
        "Följde upp självskattningen och satte ett nytt delmål.",
        "Samtal om rutiner; klienten vill prova en fast aktivitetsdag i veckan.",
        "Förberedde mötet med Arbetsförmedlingen tillsammans.",
    ],
    MeetingKind.JOINT: [
        "Gemensamt möte med handläggare på Arbetsförmedlingen om nästa steg.",
        "Trepartssamtal med socialsekreterare; planen stämdes av.",
    ],
    MeetingKind.FOLLOW_UP: ["Uppföljning sex månader efter avslut."],
}
FIA_NOTES = [
    "FIA-samtal 1: social livssituation.",
    "FIA-samtal 2: mål och arbete.",
    "FIA-samtal 3: arbetsmarknadsinsatser och krav. Sammanfattning påbörjad.",
]
NOT_HELD_NOTES: dict[str, str] = {
    MeetingStatus.CANCELLED_BY_CLIENT: "Klienten lämnade återbud per telefon.",
    MeetingStatus.REBOOKED: "Ombokat på klientens begäran.",
    MeetingStatus.NO_SHOW: "Klienten kom inte. Ringer upp för en ny tid.",
    MeetingStatus.INTERPRETER_MISSING: "Tolken kom inte; samtalet ställdes in.",
    MeetingStatus.THIRD_PARTY_MISSING: "Handläggaren kunde inte delta; mötet ställdes in.",
}
LOCATIONS: dict[str, str] = {
    MeetingKind.JOINT: "Arbetsförmedlingen Ängelholm",
}
DEFAULT_LOCATION = "Klientstödets samtalsrum, Båstad"

# -- referrals -------------------------------------------------------------

#: Organisation, unit and a fictional caseworker, for referrals that came on paper.
PAPER_SOURCES: list[tuple[str, str, str]] = [
    ("Arbetsförmedlingen", "Arbetsförmedlingen Ängelholm", "Henrik Wallin"),
    ("Arbetsförmedlingen", "Arbetsförmedlingen Ängelholm", "Sanna Eriksson"),
    ("Försäkringskassan", "Lokalt försäkringscenter Helsingborg", "Ulrika Strand"),
    ("Region Skåne", "VC Förslöv", "Magnus Öberg"),
    ("Region Skåne", "Vuxenpsykiatri Ängelholm", "Therese Lundin"),
    ("Region Skåne", "Capio Båstad", "Jenny Blom"),
]
AF, AF2, FK, VC, PSYK, CAPIO = range(len(PAPER_SOURCES))

REFERRAL_REASONS = [
    "Har haft ekonomiskt bistånd i flera år och kommer inte vidare på egen hand. "
    "Behöver samordnat stöd från kommunen och Arbetsförmedlingen.",
    "Långvarig arbetslöshet och psykisk ohälsa. Flera kontakter som inte hänger ihop; "
    "klienten tycker själv att det är svårt att hålla reda på alla handläggare.",
    "Har varit sjukskriven länge och har nu ekonomiskt bistånd. Oklart vad hen klarar; "
    "behöver en kartläggning innan nästa steg.",
    "Ung vuxen utan fullständig gymnasieutbildning som har svårt att komma igång med "
    "aktiviteter. Behöver någon som följer hen över tid.",
    "Har provat flera insatser som avbrutits. Vill själv ha hjälp att hitta en väg mot "
    "arbete eller studier.",
    "Isolerad och har tappat strukturen i vardagen. Behöver stöd för att orka delta i "
    "insatser hos Arbetsförmedlingen.",
]
REFERRAL_EXPECTATIONS = [
    "En FIA-kartläggning och en gemensam plan med Arbetsförmedlingen och socialtjänsten.",
    "Regelbundna samtal och hjälp att samordna kontakterna med myndigheterna.",
    "Stöd att komma vidare till praktik eller studier i klientens takt.",
    "Att reda ut arbetsförmågan tillsammans med vården och Försäkringskassan.",
    "Motivation och struktur; gärna biblioterapi om klienten vill.",
]
TRIED_BEFORE = [
    "",
    "Arbetsmarknadsenhetens jobbspår, avbrutet efter två månader.",
    "Praktik via Arbetsförmedlingen 2 dagar i veckan; avslutad i förtid.",
    "Samtalskontakt på vårdcentralen under ett halvår.",
    "Komvux, svenska för invandrare; avbrutet.",
]


@dataclass(frozen=True)
class ReferredSpec:
    """A fictional person referred but not (yet) taken on."""

    first_name: str
    last_name: str
    gender: str
    age: int
    paper: int | None  # index into PAPER_SOURCES; None: sent by the demo referrer
    reason: str
    not_relevant: str = ""  # a NotRelevantReason; empty while the referral waits
    note: str = ""
    language: str = "svenska"
    interpreter: bool = False
    enhanced_collaboration: bool = False
    holds_slot: bool = False


Why = NotRelevantReason
DECLINED: list[ReferredSpec] = [
    ReferredSpec(
        "Sara",
        "Lundgren",
        W,
        34,
        None,
        "Ekonomiskt bistånd i två år efter en separation. Behöver stöd att komma ut i arbete.",
        Why.WORK,
        "Har fått en tillsvidareanställning i hemtjänsten från nästa månad. "
        "Erbjudandet står kvar om behovet kommer tillbaka.",
    ),
    ReferredSpec(
        "Robert",
        "Sandberg",
        M,
        51,
        PSYK,
        "Långvarig psykisk ohälsa och ekonomiskt bistånd. Behöver samordning mellan "
        "psykiatrin och kommunen.",
        Why.ILLNESS,
        "Inlagd för vård och behöver i första hand vård och rehabilitering. "
        "Ny remiss kan skickas när han mår bättre.",
    ),
    ReferredSpec(
        "Noor",
        "Al-Sayed",
        W,
        29,
        AF,
        "Har varit inskriven på Arbetsförmedlingen länge utan att komma vidare.",
        Why.OTHER_INTERVENTION,
        "Har just börjat i en arbetsmarknadsutbildning via Arbetsförmedlingen. "
        "Två insatser samtidigt blir för mycket; vi stämmer av efter utbildningen.",
    ),
    ReferredSpec(
        "Daniel",
        "Mattsson",
        M,
        27,
        AF2,
        "Inskriven sedan tre år, avbrutna aktiviteter. Behöver någon som följer honom över tid.",
        Why.NOT_MOTIVATED,
        "Vid informationssamtalet ville han inte delta just nu. Han vet att han kan höra av "
        "sig själv eller via sin handläggare.",
    ),
    ReferredSpec(
        "Helena",
        "Björk",
        W,
        45,
        None,
        "Ekonomiskt bistånd sedan sjukpenningen tog slut. Oklar arbetsförmåga.",
        Why.OTHER,
        "Flyttar till Halmstad vid månadsskiftet och hör då inte längre till målgruppen.",
    ),
    ReferredSpec(
        "Kristoffer",
        "Dahl",
        M,
        38,
        FK,
        "Sjukpenning och aktivitetsstöd omväxlande; behöver samordning mellan parterna.",
        Why.OTHER,
        "Ingår i förstärkt samarbete mellan Försäkringskassan och Arbetsförmedlingen och kan "
        "inte registreras i SUS för två insatser samtidigt.",
        enhanced_collaboration=True,
    ),
    ReferredSpec(
        "Ida",
        "Fransson",
        W,
        24,
        None,
        "Ung vuxen med ekonomiskt bistånd, saknar gymnasieexamen.",
        Why.WORK,
        "Har fått sommarjobb som går över i en visstidsanställning. Hon hör av sig om det "
        "behövs stöd längre fram.",
    ),
    ReferredSpec(
        "Mohamed",
        "Warsame",
        M,
        42,
        VC,
        "Långvarig smärtproblematik och ekonomiskt bistånd. Behöver samordning med vården.",
        Why.ILLNESS,
        "Sjukskriven på heltid efter en operation; läkaren bedömer att det är för tidigt för "
        "aktiviteter. Ny remiss efter rehabiliteringen.",
        "somaliska",
        True,
    ),
]
#: The declined person who has been referred again, and why.
REREFERRED = 3
REREFERRAL_REASON = (
    "Har själv frågat efter Klientstöd igen och är nu motiverad att komma igång. "
    "Tidigare remiss från Arbetsförmedlingen bedömdes inte aktuell."
)
WAITING: list[ReferredSpec] = [
    ReferredSpec(
        "Patrik",
        "Wiklund",
        M,
        48,
        FK,
        "Sjukpenning i snart två år och nu ekonomiskt bistånd. Behöver samordning mellan parterna.",
        enhanced_collaboration=True,
    ),
    ReferredSpec(
        "Rania",
        "Khalil",
        W,
        35,
        None,
        "Ekonomiskt bistånd i fyra år. Vill arbeta men har svårt att komma vidare med "
        "språket och saknar nätverk.",
        language="arabiska",
        interpreter=True,
    ),
    ReferredSpec(
        "Viktor",
        "Åberg",
        M,
        22,
        None,
        "Ung vuxen som avbrutit gymnasiet och sitter mest hemma. Har ekonomiskt bistånd "
        "sedan ett år.",
        holds_slot=True,
    ),
]
#: Times a referrer may pick for the first meeting.
SLOT_TIMES = [datetime.time(10, 0), datetime.time(13, 0)]
FREE_SLOTS = 5

CONSULTATIONS: list[tuple[str, str, str | None]] = [
    (
        "Passar Klientstöd en person med lång sjukskrivning?",
        "Hej! Jag har en klient, kvinna i 40-årsåldern, som har varit sjukskriven i snart två "
        "år och nu har ekonomiskt bistånd sedan sjukpenningen tog slut. Hon vill komma vidare "
        "men orkar inte heltid. Kan hon vara aktuell, eller behöver hon vara friskskriven först?",
        "Hej! Hon behöver inte vara friskskriven. Klientstöd är till för den som behöver stöd "
        "från flera parter, och vi går i hennes takt. Med hennes samtycke bjuder vi in "
        "Försäkringskassan och vårdcentralen till ett gemensamt möte och börjar med en "
        "FIA-kartläggning. Skicka gärna en remiss när hon har sagt ja.",
    ),
    (
        "Kan en person i SAMSYN remitteras?",
        "Hej, en av mina klienter följs i SAMSYN mellan Arbetsförmedlingen och ekonomiskt "
        "bistånd. Kan hen remitteras till Klientstöd samtidigt, eller måste det ena avslutas "
        "först?",
        None,
    ),
]

INFORMATION_OFFER = """\
Klientstöd ger klienten en egen klientsamordnare som följer personen över tid, i hens egen \
takt. Samordnaren träffar klienten regelbundet, håller ihop kontakterna med myndigheterna och \
stöttar mot arbete, studier eller rätt ersättning.

Vi börjar ofta med en FIA-kartläggning (Förutsättningar inför arbete, Socialstyrelsens \
samtalsmetod) för att tillsammans se vad som hindrar och vad som hjälper.

Klientsamordnaren samordnar stödet med Arbetsförmedlingen, Försäkringskassan, Region Skåne och \
kommunen, till exempel i gemensamma möten där klienten och handläggarna planerar nästa steg \
tillsammans.

Klienten kan också erbjudas biblioterapi: samtal kring texter i en liten grupp med bibliotekets \
biblioterapeut, för att stärka självkänslan och hitta nya perspektiv.

Klientstöd drivs av Båstads kommun och finansieras av Samordningsförbundet NNV Skåne."""

INFORMATION_TARGET_GROUP = """\
Båstadsbor som länge har levt på ekonomiskt bistånd eller annan offentlig försörjning och som \
behöver stöd från två eller flera av parterna (Arbetsförmedlingen, Båstads kommun, \
Försäkringskassan och Region Skåne) för att komma närmare arbete, studier och egen försörjning.

Personer som ingår i det förstärkta samarbetet mellan Försäkringskassan och Arbetsförmedlingen \
kan inte delta samtidigt, eftersom de då skulle registreras dubbelt i SUS. Ange det i remissen \
om du är osäker."""

INFORMATION_HOW_TO_REFER = """\
1. Berätta för klienten om Klientstöd och fråga om hen samtycker till remissen.
2. Fyll i remissen här i Klientstöd. Välj gärna en av de lediga tiderna för ett första samtal.
3. Klientsamordnaren går igenom remissen inom två veckor. Klienten får ett välkomstbrev hem med \
tid och plats för det första samtalet; tolk bokas vid behov.
4. Passar Klientstöd inte just nu får klienten ett brev om det, och du ser skälet i remissen. \
Erbjudandet står kvar och en ny remiss kan skickas senare.

Är du osäker på om Klientstöd passar? Ställ en fråga som konsultation, utan namn eller \
personnummer, så svarar klientsamordnaren."""


# -- the work with the client -------------------------------------------------

QK = QuestionnaireKind
SCALE, TEXT = QuestionnaireItem.Kind.SCALE, QuestionnaireItem.Kind.TEXT
SCALE_INSTRUCTIONS = (
    "Ringa in det som stämmer bäst för dig just nu: 1 betyder att det inte stämmer alls, "
    "5 att det stämmer helt."
)

#: kind, title, questions. The Klientstöd questionnaire is its first version.
QUESTIONNAIRES: list[tuple[str, str, list[tuple[str, str]]]] = [
    (
        QK.KLIENTSTOD,
        "Självskattning Klientstöd",
        [
            ("Jag känner att samordnaren lyssnar på mig", SCALE),
            ("Jag vet vad nästa steg är för mig", SCALE),
            ("Jag orkar med min vardag", SCALE),
            ("Jag har någon att prata med när det är svårt", SCALE),
            ("Jag tror att jag kan nå mina mål", SCALE),
            ("Samarbetet mellan myndigheterna fungerar för mig", SCALE),
            ("Jag upplever delaktighet i planeringen av mina insatser", SCALE),
            ("Vad har varit viktigast för dig den senaste tiden?", TEXT),
        ],
    ),
    (
        QK.BIBLIOTHERAPY,
        "Självskattning biblioterapi",
        [
            ("Jag mår bra just nu", SCALE),
            ("Jag tycker om mig själv som jag är", SCALE),
            ("Jag tror att jag klarar det jag tar mig för", SCALE),
            ("Jag känner glädje när jag läser", SCALE),
            ("Jag trivs i gruppen", SCALE),
        ],
    ),
    (
        QK.WORK,
        "Självskattning arbete, praktik eller studier",
        [
            ("Jag trivs där jag är, på arbetet, praktiken eller i skolan", SCALE),
            ("Jag klarar de uppgifter jag får", SCALE),
            ("Jag får det stöd jag behöver på platsen", SCALE),
            ("Jag tror att det jag gör nu leder mig framåt", SCALE),
        ],
    ),
    (
        QK.CLOSURE,
        "Självskattning vid avslut",
        [
            ("Jag har fått det stöd jag behövde av klientsamordnaren", SCALE),
            ("Jag mår bättre nu än när jag började", SCALE),
            ("Jag har kommit närmare arbete, studier eller en trygg försörjning", SCALE),
            ("Myndigheterna har samarbetat bättre kring mig", SCALE),
            ("Jag vet vart jag ska vända mig om det blir svårt igen", SCALE),
            ("Vad vill du säga till oss om tiden i Klientstöd?", TEXT),
        ],
    ),
]
#: The clients found two questions hard to understand (the process plan says so):
#: the second version says them more simply. Position in the list -> new wording.
KLIENTSTOD_REVISED: dict[int, str] = {
    5: "De olika myndigheterna hjälper mig tillsammans",
    6: "Jag får vara med och bestämma om min plan",
}
#: About this many days ago the Klientstöd questionnaire was revised.
REVISED_DAYS_AGO = 70

FREE_TEXT_ANSWERS: dict[str, list[str]] = {
    QK.KLIENTSTOD: [
        "Att någon ringer och påminner mig om tiderna.",
        "Att jag fick hjälp med kontakten med Försäkringskassan.",
        "Att jag har börjat gå ut på promenad varje dag.",
        "Samtalen med samordnaren.",
        "Att jag vet vad som händer nu och vad som händer sen.",
        "Praktiken två dagar i veckan.",
        "Att jag inte behöver berätta allt från början för varje ny handläggare.",
        "Min familj.",
        "Att jag sover bättre.",
        "Att jag fick hjälp att läsa och förstå breven.",
    ],
    QK.CLOSURE: [
        "Att någon fanns där hela tiden, också när det gick dåligt.",
        "Jag önskar att det hade gått fortare med Försäkringskassan.",
        "Tack för att ni inte gav upp om mig.",
        "Det var bra att vi kunde träffas på biblioteket ibland.",
        "Mötena med alla myndigheter samtidigt var det som hjälpte mest.",
    ],
}

#: The summaries, own goals, assessments and plans of the completed FIA interviews:
#: the first two were held with an on-site interpreter. Plan rows: goal, sub-goal,
#: activity, who is responsible, weeks until the follow-up.
FiaText = tuple[dict[str, str], str, str, list[tuple[str, str, str, str, int]]]
FIA_TEXTS: list[FiaText] = [
    (
        {
            "housing": "Bor i en trerumslägenhet i Båstad med familjen. Trångt men tryggt.",
            "network": "Har släkt i Malmö men få kontakter i Båstad. Hälsar på grannarna ibland.",
            "physical_health": "Värk i rygg och axlar sedan flera år. Söker vårdcentralen när "
            "det blir för svårt men har ingen plan för behandling.",
            "mental_health": "Sover dåligt i perioder och oroar sig för ekonomin. Ingen "
            "kontakt med psykiatrin.",
            "finances": "Ekonomiskt bistånd sedan flera år. Vill kunna försörja familjen själv.",
            "daily_life": "Tar hand om hemmet och hämtar barnen på skolan. Promenerar gärna "
            "vid havet.",
            "work_goals": "Vill arbeta i ett kök, gärna på dagtid så att det går ihop med barnen.",
            "education": "Sex års skolgång i hemlandet. Har läst SFI till kurs B men avbröt.",
            "work_history": "Arbetade i flera år i familjens restaurang innan flykten. Ingen "
            "arbetserfarenhet i Sverige.",
            "support_needs": "Behöver stöd med språket, en praktikplats med handledare och "
            "hjälp att hålla ihop kontakterna med myndigheterna.",
        },
        "Att ha ett arbete i ett kök inom två år och att kunna prata svenska med barnens lärare.",
        "Klienten är motiverad och har arbetserfarenhet att bygga vidare på. Språket och värken "
        "är de största hindren. Språkpraktik i ett storkök via Arbetsförmedlingen tillsammans "
        "med SFI bedöms vara ett rimligt nästa steg, parallellt med att värken utreds.",
        [
            (
                "Arbete i ett storkök",
                "Språkpraktik två dagar i veckan",
                "Gemensamt möte med Arbetsförmedlingen och Arbetsmarknadsenheten om en "
                "praktikplats i Båstad.",
                "Arbetsförmedlingen",
                4,
            ),
            (
                "Bättre svenska",
                "Börja om på SFI kurs B",
                "Anmälan till vuxenutbildningen; samordnaren följer med på första besöket.",
                "Klienten",
                6,
            ),
            (
                "Mindre värk",
                "Utredning av rygg och axlar",
                "Tid hos läkare och fysioterapeut på vårdcentralen.",
                "Vårdcentralen",
                8,
            ),
            (
                "En plan som håller ihop",
                "Uppföljning varannan vecka",
                "Samtal varannan vecka och självskattning varannan månad.",
                "Klientsamordnaren",
                12,
            ),
        ],
    ),
    (
        {
            "housing": "Bor ensam i en lägenhet i Förslöv. Trivs men känner sig isolerad.",
            "network": "Har en syster i Helsingborg och några vänner från SFI.",
            "mental_health": "Mår bättre sedan samtalen hos kuratorn på vårdcentralen. Oro för "
            "familjen i hemlandet.",
            "finances": "Ekonomiskt bistånd. Har inga skulder.",
            "daily_life": "Tränar två gånger i veckan och lagar gärna mat till vänner.",
            "work_goals": "Vill bli undersköterska och arbeta i äldreomsorgen.",
            "education": "Gymnasieutbildning från hemlandet. SFI kurs D är klar.",
            "work_history": "Har arbetat som barnskötare i hemlandet. Ingen arbetserfarenhet "
            "i Sverige.",
            "strengths": "Noggrann, tycker om att hjälpa andra och lär sig snabbt.",
            "demands": "Förstår inte alltid vad myndigheterna kräver; breven är svåra att läsa.",
        },
        "Att gå vård- och omsorgsutbildningen på Komvux och sedan arbeta i äldreomsorgen.",
        "Klienten har goda förutsättningar att studera. Behöver stöd i svenska inom "
        "vårdutbildningen och hjälp att få studiemedel och kompletterande stöd att gå ihop.",
        [
            (
                "Utbildning till undersköterska",
                "Antagning till vård- och omsorgsutbildningen",
                "Ansökan till Komvux tillsammans med studie- och yrkesvägledaren.",
                "Klienten",
                3,
            ),
            (
                "En ekonomi som räcker under studierna",
                "Studiemedel och kompletterande stöd",
                "Ansöka om studiemedel; stämma av med socialtjänsten och Arbetsförmedlingen.",
                "Klientsamordnaren",
                5,
            ),
            (
                "Vårdsvenska",
                "Språkstöd under utbildningen",
                "Undersöka studiestöd i svenska inom yrkesutbildningen.",
                "Arbetsförmedlingen",
                10,
            ),
        ],
    ),
    (
        {
            "housing": "Hyr en etta i Båstad. Boendet är stabilt.",
            "network": "Har kontakt med sin mamma och en vän men har dragit sig undan andra.",
            "mental_health": "Återkommande nedstämdhet och social oro. Har samtal hos "
            "vårdcentralens psykolog.",
            "habits": "Har druckit för mycket i perioder tidigare; beskriver det som under "
            "kontroll nu.",
            "debts": "Skulder hos Kronofogden sedan flera år. Vill få en överblick.",
            "finances": "Ekonomiskt bistånd sedan fem år.",
            "daily_life": "Vänder på dygnet ibland. Tycker om att fiska och att laga cyklar.",
            "work_goals": "Vill arbeta med händerna, gärna utomhus: park, skog eller "
            "cykelverkstad.",
            "work_history": "Säsongsarbete på en golfbana och på lager för några år sedan.",
            "earlier_interventions": "Två avbrutna praktiker via Arbetsförmedlingen; heltid "
            "blev för mycket.",
            "support_needs": "En långsam start med få timmar och en handledare, och stöd med "
            "skulderna.",
        },
        "Att arbeta utomhus på deltid och att bli av med skulderna.",
        "Klienten vet vad hen vill och har erfarenhet av praktiskt arbete. Måendet och "
        "skulderna gör att starten behöver vara långsam. Arbetsträning några timmar i veckan "
        "med stöd från Arbetsförmedlingen och kommunen, och kontakt med skuldrådgivningen.",
        [
            (
                "Arbete utomhus",
                "Arbetsträning tio timmar i veckan",
                "Arbetsträning i kommunens parkverksamhet via Arbetsmarknadsenheten och "
                "Arbetsförmedlingen.",
                "Arbetsförmedlingen",
                4,
            ),
            (
                "Kontroll över ekonomin",
                "Kontakt med budget- och skuldrådgivningen",
                "Boka tid tillsammans och ta med breven från Kronofogden.",
                "Klientsamordnaren",
                3,
            ),
            (
                "Jämnare mående",
                "Fortsatta samtal hos psykologen",
                "Samtal varannan vecka på vårdcentralen.",
                "Vårdcentralen",
                8,
            ),
            (
                "En fast dygnsrytm",
                "Fasta tider tre dagar i veckan",
                "Väckarklocka och promenad före arbetsträningen.",
                "Klienten",
                6,
            ),
        ],
    ),
    (
        {
            "housing": "Bor hos en förälder i Torekov. Vill ha ett eget boende.",
            "home": "Bra relation till föräldern men trångt hemma.",
            "network": "Har några vänner från skolan som hen träffar på helgerna.",
            "physical_health": "Frisk.",
            "mental_health": "Har haft svårt att komma iväg på morgnarna sedan gymnasiet; "
            "ångest inför nya sammanhang.",
            "finances": "Ekonomiskt bistånd i hushållet.",
            "work_goals": "Vill arbeta i butik eller på ett lager och på sikt läsa klart "
            "gymnasiet.",
            "education": "Avbröt gymnasiet i årskurs två. Saknar betyg i tre kurser.",
            "strengths": "Bra på datorer och på att hjälpa kunder; har varit ideell i "
            "idrottsföreningen.",
        },
        "Att få betyg i de kurser som saknas och ett extrajobb i en butik.",
        "Klienten är ung och har god förmåga men behöver komma igång i små steg. Praktik i "
        "butik med stöd från Arbetsförmedlingen och Arbetsmarknadsenheten, och en kurs i "
        "taget på Komvux.",
        [
            (
                "Arbete i butik",
                "Praktik i en livsmedelsbutik i Båstad",
                "Gemensamt möte med Arbetsförmedlingen om praktik med handledare.",
                "Arbetsförmedlingen",
                3,
            ),
            (
                "Gymnasiebetyg",
                "En kurs i taget på Komvux",
                "Ansökan till svenska 2 på distans till nästa kursstart.",
                "Klienten",
                7,
            ),
            (
                "Komma iväg på morgonen",
                "Stöd mot oron inför nya sammanhang",
                "Samtal på vårdcentralen om ångesten.",
                "Vårdcentralen",
                5,
            ),
        ],
    ),
]

BIBLIOTHERAPY_PLACE = "Båstads bibliotek"
GROUP_NAME = "Läsgruppen hösten"
GROUP_THEMES = [
    "Dikter om att börja om",
    "En novell om vänskap",
    "Texter om havet och årstiderna",
    "Brev till mig själv om fem år",
    "Berättelser om mod",
    "Dikter om hemlängtan",
    "En saga för vuxna",
    "Att skriva om en plats man tycker om",
    "Avslutning: vad tar jag med mig?",
]
DECLINE_REASONS = [
    DeclineReason.HEALTH,
    DeclineReason.DISABILITY,
    DeclineReason.HARD_TO_MOTIVATE,
    DeclineReason.HEALTH,
    DeclineReason.DISABILITY,
    DeclineReason.HARD_TO_MOTIVATE,
]
DECLINE_NOTES: dict[str, str] = {
    DeclineReason.HEALTH: "Orkar inte just nu; vill vänta tills måendet är bättre.",
    DeclineReason.DISABILITY: "Klarar inte att vara i grupp.",
    DeclineReason.HARD_TO_MOTIVATE: "Tycker att ordet terapi låter fel och vill inte prova.",
}

#: FK outcomes of the applications for sickness or activity compensation, in the order
#: the applications are handed out (an ended case's rejection first).
FK_OUTCOMES = [
    FkOutcome.REJECTED,
    FkOutcome.REJECTED,
    FkOutcome.REJECTED,
    FkOutcome.REJECTION_EXPECTED,
    FkOutcome.APPLIED,
    FkOutcome.APPLIED,
]
FK_NOTES: dict[str, str] = {
    FkOutcome.APPLIED: "Ansökan om aktivitetsersättning skickad med nytt läkarintyg; "
    "väntar på beslut.",
    FkOutcome.GRANTED: "Sjukersättning beviljad.",
    FkOutcome.REJECTED: "Avslag. Planeringen fortsätter; samordnaren hjälper klienten att "
    "begära omprövning.",
    FkOutcome.REJECTION_EXPECTED: "Handläggaren har aviserat att underlaget troligen inte "
    "räcker. Läkarintyget kompletteras.",
}

# -- reporting ---------------------------------------------------------------

#: Granted per category, by year relative to this one; like the process plan's budget
#: table, each year a little more for the personnel.
BUDGET: dict[int, dict[str, int]] = {
    -1: {
        CostCategory.COORDINATOR: 603_000,
        CostCategory.BIBLIOTHERAPIST: 151_000,
        CostCategory.EDUCATION: 15_000,
        CostCategory.OTHER: 5_000,
    },
    0: {
        CostCategory.COORDINATOR: 620_000,
        CostCategory.BIBLIOTHERAPIST: 155_000,
        CostCategory.EDUCATION: 15_000,
        CostCategory.OTHER: 5_000,
    },
    1: {
        CostCategory.COORDINATOR: 638_000,
        CostCategory.BIBLIOTHERAPIST: 159_000,
        CostCategory.EDUCATION: 15_000,
        CostCategory.OTHER: 5_000,
    },
}
PERSONNEL: list[tuple[str, str]] = [
    (CostCategory.COORDINATOR, "Klientsamordnare 100 % tjänst"),
    (CostCategory.BIBLIOTHERAPIST, "Biblioterapeut 25 % tjänst"),
]
INTERPRETER_COST = "Tolk vid samtal med klienter (egen finansiering)"
#: The smaller costs of each tertial, by its number: category, description, amount range.
SMALL_COSTS: dict[int, tuple[str, str, int, int]] = {
    1: (
        CostCategory.OTHER,
        "Visitkort, kontors- och förbrukningsmaterial, IT och telefon",
        600,
        1_400,
    ),
    2: (CostCategory.EDUCATION, "Processarbetsutbildning för samordnaren", 8_000, 12_000),
    3: (CostCategory.OTHER, "Tjänsteresor till samverkansparterna", 900, 2_200),
}
#: Days from a tertial's end to its report, and from the report to the board meeting.
REPORT_AFTER = datetime.timedelta(days=14)
BOARD_AFTER = datetime.timedelta(days=21)
#: Days from today to the updated process plan the förbund has asked for.
PLAN_DUE_IN = datetime.timedelta(days=16)
BOARD = "Styrelsemöte i Samordningsförbundet NNV Skåne"


def ascii_slug(text: str) -> str:
    """'Lars-Göran' -> 'larsgoran', for fictional e-mail addresses."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in plain.lower() if ch.isalnum())


def next_weekday(day: datetime.date) -> datetime.date:
    while day.weekday() >= 5:
        day += datetime.timedelta(days=1)
    return day


def previous_weekday(day: datetime.date) -> datetime.date:
    while day.weekday() >= 5:
        day -= datetime.timedelta(days=1)
    return day


def weekday_on_or_after(day: datetime.date, weekday: int) -> datetime.date:
    return day + datetime.timedelta(days=(weekday - day.weekday()) % 7)


def board_day(day: datetime.date) -> datetime.date:
    """The first Tuesday from ``day`` outside July and the Christmas and New Year weeks."""
    day = weekday_on_or_after(day, 1)
    while day.month == 7 or (day.month, day.day) >= (12, 21) or (day.month, day.day) <= (1, 6):
        day += datetime.timedelta(days=7)
    return day


def end_of_february(year: int) -> datetime.date:
    return datetime.date(year, 3, 1) - datetime.timedelta(days=1)


def milestone_deadlines(today: datetime.date) -> list[datetime.date]:
    """The two half-year ends before today, the next one, and the end of February after it.

    In the second half of the year: the end of last year, the end of June, the end of
    this year and the end of next February, like the process plan's milestones.
    """
    ends = [
        datetime.date(year, month, day)
        for year in (today.year - 1, today.year)
        for month, day in ((6, 30), (12, 31))
    ]
    past = [day for day in ends if day < today][-2:]
    coming = next(day for day in ends if day >= today)
    return [*past, coming, end_of_february(coming.year + 1)]


#: A case closed this recently still shows its closure self-assessment on Min dag.
RECENT_CLOSURE = datetime.timedelta(days=42)


@dataclass
class Answering:
    """A self-assessment to be made: the answers lean to ``level`` plus each question's spread."""

    case: Case
    kind: str
    occasion: str
    period: int
    day: datetime.date
    level: float
    spread: list[float]
    entered_by: User | None = None


@dataclass
class KindPlan:
    """Which kind of meeting a case needs next: first, then alliance, FIA, joint."""

    fia_after: int | None
    first_done: bool = False
    held: int = 0
    fia_left: int = 3
    fia_started: bool = False

    @property
    def in_fia(self) -> bool:
        return self.fia_started and self.fia_left > 0

    def next_kind(self, rng: random.Random) -> str:
        if not self.first_done:
            return MeetingKind.FIRST
        if self.fia_after is not None and self.fia_left > 0 and self.held >= self.fia_after:
            self.fia_started = True
            return MeetingKind.FIA_SESSION
        return MeetingKind.JOINT if rng.random() < 0.12 else MeetingKind.ALLIANCE

    def advance(self, kind: str, *, held: bool) -> None:
        if not held:
            return
        self.held += 1
        if kind == MeetingKind.FIRST:
            self.first_done = True
        elif kind == MeetingKind.FIA_SESSION:
            self.fia_left -= 1


class DemoBuilder:
    """Creates the demo in the current transaction; ``build`` returns what it made."""

    def __init__(self) -> None:
        self.rng = random.Random(SEED)
        self.tz = timezone.get_current_timezone()
        self.now = timezone.now()
        self.today = timezone.localdate()
        self.horizon = self.today + datetime.timedelta(days=14)
        self.taken: set[tuple[datetime.date, datetime.time]] = set()
        self.meetings: list[Meeting] = []
        self.organisations: dict[str, Organisation] = {}
        self.units: dict[str, Unit] = {}
        self.notes: list[str] = []
        self.consents_added = 0
        self.plan_items = 0

    # -- organisations, process, users -------------------------------------

    def build_organisations(self) -> None:
        for name, short_name, kind, unit_names in ORGANISATIONS:
            organisation, _ = Organisation.objects.get_or_create(
                name=name, defaults={"short_name": short_name, "kind": kind}
            )
            self.organisations[name] = organisation
            for unit_name in unit_names:
                unit, _ = Unit.objects.get_or_create(organisation=organisation, name=unit_name)
                self.units[unit_name] = unit

    def build_process(self) -> Process:
        orgs = self.organisations
        # The plan ran 2018-09-01 to 2021-09-01. The demo extends the period
        # (and its last phase) to a year from today, so that today's meetings
        # and the referral form fall inside a running process.
        ends_on = max(datetime.date(2021, 9, 1), self.today + datetime.timedelta(days=365))
        process = Process.objects.create(
            name="Klientstöd Båstad",
            owner=orgs["Båstads kommun"],
            financier=orgs["Samordningsförbundet NNV Skåne"],
            starts_on=datetime.date(2018, 9, 1),
            ends_on=ends_on,
            capacity=15,
            outcome_goal_percent=30,
        )
        process.partners.set(
            [
                orgs["Båstads kommun"],
                orgs["Arbetsförmedlingen"],
                orgs["Försäkringskassan"],
                orgs["Region Skåne"],
            ]
        )
        phases = [
            (ProcessPhase.Kind.PLANNING, datetime.date(2018, 9, 1), datetime.date(2018, 11, 1)),
            (
                ProcessPhase.Kind.IMPLEMENTATION,
                datetime.date(2018, 11, 2),
                datetime.date(2021, 2, 28),
            ),
            (ProcessPhase.Kind.ORDINARY, datetime.date(2021, 3, 1), ends_on),
        ]
        ProcessPhase.objects.bulk_create(
            ProcessPhase(process=process, kind=kind, starts_on=start, ends_on=end)
            for kind, start, end in phases
        )
        return process

    def build_users(self, process: Process) -> dict[str, User]:
        users: dict[str, User] = {}
        for number, spec in enumerate(USERS):
            existing = User.objects.filter(username=spec.username).first()
            if existing is not None:
                # Someone made this user by hand; leave it (and its password) alone.
                self.notes.append(f"User {spec.username!r} already existed and was left as it is.")
                users[spec.role] = existing
                continue
            user = User(
                username=spec.username,
                first_name=spec.first_name,
                last_name=spec.last_name,
                email=f"{ascii_slug(spec.first_name)}.{ascii_slug(spec.last_name)}@example.se",
                role=spec.role,
                organisation=self.organisations.get(spec.organisation or ""),
                unit=self.units.get(spec.unit or ""),
                # 040-628 04 00 to 040-628 04 99 is a PTS range for fiction.
                phone=f"040-628 04 {10 + number:02d}",
                is_staff=spec.role == Role.ADMIN,
                is_superuser=spec.role == Role.ADMIN,
            )
            user.set_password(DEMO_PASSWORD)
            user.save()
            if spec.member:
                user.processes.add(process)
            users[spec.role] = user
        return users

    # -- clients -----------------------------------------------------------

    def personnummer_for(self, birth: datetime.date, gender: str, coordination: bool) -> str:
        """A valid number for a fictional person: random birth number, right check digit."""
        # The third digit of the birth number is odd for men and even for women.
        gender_digit = self.rng.choice([1, 3, 5, 7, 9] if gender == M else [0, 2, 4, 6, 8])
        serial = self.rng.randint(2, 98) * 10 + gender_digit
        return fake_personnummer(birth, serial, coordination=coordination)

    def build_clients(self, process: Process) -> list[tuple[ClientSpec, Client]]:
        rng = self.rng
        used = {c.personnummer for c in Client.objects.only("personnummer_encrypted")}
        samsyn = set(rng.sample(range(len(CLIENTS)), k=len(CLIENTS) // 3))
        made: list[tuple[ClientSpec, Client]] = []
        for index, spec in enumerate(CLIENTS):
            while True:
                birth = ages.years_before(self.today, spec.age) - datetime.timedelta(
                    days=rng.randint(1, 360)
                )
                number = self.personnummer_for(birth, spec.gender, spec.coordination_number)
                if number not in used:
                    used.add(number)
                    break
            city, postal_codes, streets = rng.choices(PLACES, weights=[6, 3, 2])[0]
            income = rng.choices(
                [
                    IncomeSource.ECONOMIC_ASSISTANCE,
                    IncomeSource.OTHER_PUBLIC,
                    IncomeSource.ACTIVITY_SUPPORT,
                    IncomeSource.NONE,
                ],
                weights=[22, 5, 2, 1],
            )[0]
            months = (
                rng.randint(6, 120)
                if income == IncomeSource.ECONOMIC_ASSISTANCE
                else rng.randint(3, 36)
                if income != IncomeSource.NONE
                else None
            )
            client = Client(  # type: ignore[misc]  # personnummer is a property
                controller=process.controller,
                personnummer=number,
                first_name=spec.first_name,
                last_name=spec.last_name,
                gender=spec.gender,
                born_abroad=spec.born_abroad,
                language=spec.language,
                interpreter_needed=spec.interpreter,
                # 070-174 06 05 to 070-174 06 99 is a PTS range for fiction.
                phone=f"070-174 06 {5 + index:02d}",
                email=(
                    f"{ascii_slug(spec.first_name)}.{ascii_slug(spec.last_name)}@example.se"
                    if index % 2 == 0
                    else ""
                ),
                street_address=f"{rng.choice(streets)} {rng.randint(1, 40)}",
                postal_code=rng.choice(postal_codes),
                city=city,
                protected_identity=spec.protected_identity,
                income_source=income,
                income_source_months=months,
                education_level=rng.choices(
                    [
                        EducationLevel.PRIMARY,
                        EducationLevel.UPPER_SECONDARY,
                        EducationLevel.POST_SECONDARY,
                        EducationLevel.UNKNOWN,
                    ],
                    weights=[10, 10, 3, 2],
                )[0],
                samsyn_participant=index in samsyn,
            )
            client.save()
            made.append((spec, client))
        return made

    # -- cases -------------------------------------------------------------

    def days_ago(self, low: int, high: int) -> datetime.date:
        """A weekday between ``low`` and about ``high`` days ago."""
        day = self.today - datetime.timedelta(days=self.rng.randint(low, high))
        while day.weekday() >= 5:
            day -= datetime.timedelta(days=1)
        return day

    def build_case(
        self, spec: ClientSpec, client: Client, process: Process, coordinator: User
    ) -> Case:
        rng = self.rng
        if spec.plan == ACTIVE:
            return Case.objects.create(
                client=client,
                process=process,
                coordinator=coordinator,
                start_date=self.days_ago(30, 270),
            )
        followed_up = spec.plan.startswith(FOLLOWED_UP)
        outcome = spec.plan.removeprefix(FOLLOWED_UP)
        closed_on = self.days_ago(215, 280) if followed_up else self.days_ago(20, 600)
        case = Case(
            client=client,
            process=process,
            coordinator=coordinator,
            start_date=next_weekday(closed_on - datetime.timedelta(days=rng.randint(120, 420))),
            status=CaseStatus.FOLLOWED_UP if followed_up else CaseStatus.CLOSED,
            closed_on=closed_on,
            closure_outcome=outcome,
            income_source_end=INCOME_AT_END.get(outcome, client.income_source),
        )
        if followed_up:
            case.followup_done_on = next_weekday(
                closed_on + datetime.timedelta(days=rng.randint(182, 195))
            )
            case.followup_result = FOLLOWUP_RESULTS[outcome]
        case.full_clean(exclude=["client", "process", "coordinator"])
        case.save()
        return case

    # -- meetings ----------------------------------------------------------

    def at(self, day: datetime.date, time: datetime.time) -> datetime.datetime:
        return datetime.datetime.combine(day, time, tzinfo=self.tz)

    def spread(self, day: datetime.date) -> datetime.date:
        """A weekend day becomes any weekday of the next week, not always the Monday."""
        if day.weekday() < 5:
            return day
        return day + datetime.timedelta(days=7 - day.weekday() + self.rng.randint(0, 4))

    def find_slot(
        self, day: datetime.date, before: datetime.date | None = None
    ) -> datetime.datetime | None:
        """The first free weekday time from ``day`` on (never today), or None at ``before``."""
        while before is None or day < before:
            if day.weekday() < 5 and day != self.today:
                free = [time for time in SLOTS if (day, time) not in self.taken]
                if free:
                    return self.at(day, self.rng.choice(free))
            day += datetime.timedelta(days=1)
        return None

    def new_meeting(
        self,
        case: Case,
        client: Client,
        kind: str,
        when: datetime.datetime,
        coordinator: User,
        rebooked_from: Meeting | None = None,
    ) -> Meeting:
        local = timezone.localtime(when, self.tz)
        self.taken.add((local.date(), local.time()))
        meeting = Meeting(
            case=case,
            kind=kind,
            starts_at=when,
            duration_minutes=90 if kind in (MeetingKind.FIRST, MeetingKind.FIA_SESSION) else 60,
            location=LOCATIONS.get(kind, DEFAULT_LOCATION),
            interpreter_needed=client.interpreter_needed,
            interpreter_booked=client.interpreter_needed,
            rebooked_from=rebooked_from,
            created_by=coordinator,
        )
        self.meetings.append(meeting)
        return meeting

    def record(self, meeting: Meeting, status: str, note: str | None = None) -> None:
        """Give a past meeting its outcome, as the coordinator would have that day."""
        meeting.status = status
        if status == MeetingStatus.HELD:
            meeting.journal_note = note or self.rng.choice(HELD_NOTES[meeting.kind])
        else:
            meeting.journal_note = NOT_HELD_NOTES[status]
        recorded = meeting.starts_at + datetime.timedelta(hours=self.rng.randint(2, 26))
        meeting.outcome_recorded_at = min(recorded, self.now)

    def past_outcome(self, kind: str, interpreter: bool) -> str:
        weights = {
            MeetingStatus.HELD: 74,
            MeetingStatus.CANCELLED_BY_CLIENT: 7,
            MeetingStatus.REBOOKED: 7,
            MeetingStatus.NO_SHOW: 6,
            MeetingStatus.INTERPRETER_MISSING: 4 if interpreter else 0,
            MeetingStatus.THIRD_PARTY_MISSING: 12 if kind == MeetingKind.JOINT else 1,
        }
        return self.rng.choices(list(weights), weights=list(weights.values()))[0]

    def walk(self, case: Case, client: Client, coordinator: User) -> None:
        """Meetings from the case's start to its closure, or to two weeks ahead."""
        rng = self.rng
        active = case.status == CaseStatus.ACTIVE
        end = None if active else case.closed_on
        plan = KindPlan(fia_after=rng.randint(2, 4) if rng.random() < 0.5 else None)
        cursor = self.spread(case.start_date + datetime.timedelta(days=rng.randint(2, 10)))
        forced: tuple[str, Meeting] | None = None
        while True:
            when = self.find_slot(cursor, before=end)
            if when is None:
                break
            if forced is None:
                kind = plan.next_kind(rng)
                meeting = self.new_meeting(case, client, kind, when, coordinator)
            else:
                kind, parent = forced
                meeting = self.new_meeting(case, client, kind, when, coordinator, parent)
                forced = None
            day = when.date()
            if day < self.today:
                status = self.past_outcome(kind, client.interpreter_needed)
                if status == MeetingStatus.REBOOKED:
                    target = self.find_slot(
                        self.spread(day + datetime.timedelta(days=rng.randint(1, 6))), before=end
                    )
                    if target is None:
                        status = MeetingStatus.CANCELLED_BY_CLIENT
                    else:
                        self.record(meeting, status)
                        forced = (kind, meeting)
                        cursor = target.date()
                        continue
                note = None
                if kind == MeetingKind.FIA_SESSION:
                    note = FIA_NOTES[3 - plan.fia_left]
                self.record(meeting, status, note)
                plan.advance(kind, held=status == MeetingStatus.HELD)
            else:
                plan.advance(kind, held=True)
            step = 7 if plan.in_fia else rng.choice([7, 7, 7, 10, 14, 14, 21])
            cursor = self.spread(day + datetime.timedelta(days=step))
            if active and day < self.today and cursor > self.horizon:
                # Every active case has its next meeting booked.
                cursor = self.spread(self.today + datetime.timedelta(days=rng.randint(1, 10)))
            if active and cursor > self.horizon:
                break
        if case.status == CaseStatus.FOLLOWED_UP and case.followup_done_on:
            day = case.followup_done_on
            free = [time for time in SLOTS if (day, time) not in self.taken]
            when = self.at(day, free[0] if free else SLOTS[1])
            meeting = self.new_meeting(case, client, MeetingKind.FOLLOW_UP, when, coordinator)
            self.record(meeting, MeetingStatus.HELD)

    def book_today(self, cases: list[tuple[Case, Client]], coordinator: User) -> None:
        """Three meetings today, at 09:00, 13:00 and 14:30; the first one already past is held."""
        by_case: dict[int, list[datetime.date]] = {}
        for meeting in self.meetings:
            by_case.setdefault(meeting.case.pk, []).append(meeting.starts_at.date())
        quiet = [
            (case, client)
            for case, client in cases
            if all(abs((day - self.today).days) >= 3 for day in by_case.get(case.pk, []))
        ]
        chosen = self.rng.sample(quiet if len(quiet) >= 3 else cases, k=3)
        recorded_one = False
        for (case, client), time, kind in zip(
            chosen,
            [SLOTS[0], SLOTS[2], SLOTS[3]],
            [MeetingKind.ALLIANCE, MeetingKind.JOINT, MeetingKind.ALLIANCE],
            strict=True,
        ):
            meeting = self.new_meeting(case, client, kind, self.at(self.today, time), coordinator)
            if meeting.starts_at <= self.now and not recorded_one:
                self.record(meeting, MeetingStatus.HELD)
                recorded_one = True

    def leave_awaiting(self, active_cases: list[tuple[Case, Client]], coordinator: User) -> None:
        """Two meetings of the past week stay booked: their outcome is still to be recorded."""
        week_ago = self.today - datetime.timedelta(days=7)
        active_ids = {case.pk for case, _ in active_cases}
        rebooked_parents = {id(m.rebooked_from) for m in self.meetings if m.rebooked_from}
        candidates = sorted(
            (
                m
                for m in self.meetings
                if m.case.pk in active_ids
                and m.status == MeetingStatus.HELD
                and m.kind == MeetingKind.ALLIANCE
                and m.rebooked_from is None
                and id(m) not in rebooked_parents
                and week_ago <= timezone.localtime(m.starts_at, self.tz).date() < self.today
            ),
            key=lambda m: m.starts_at,
            reverse=True,
        )[:2]
        for meeting in candidates:
            meeting.status = MeetingStatus.BOOKED
            meeting.journal_note = ""
            meeting.outcome_recorded_at = None
        # Hardly ever needed: too few meetings last week to choose from.
        day = self.today
        for case, client in active_cases[: 2 - len(candidates)]:
            when = None
            while when is None:
                day -= datetime.timedelta(days=1)
                free = [t for t in SLOTS if (day, t) not in self.taken]
                if day.weekday() < 5 and free:
                    when = self.at(day, free[0])
            self.new_meeting(case, client, MeetingKind.ALLIANCE, when, coordinator)

    def cover_every_status(self) -> None:
        """Make sure the demo shows every outcome, whatever today's date did to the dice."""
        present = {m.status for m in self.meetings}
        rebooked_parents = {id(m.rebooked_from) for m in self.meetings if m.rebooked_from}
        for status in NOT_HELD_STATUSES:
            if status in present:
                continue
            candidates = [
                m
                for m in self.meetings
                if m.status == MeetingStatus.HELD
                and m.kind == MeetingKind.ALLIANCE
                and m.rebooked_from is None
                and id(m) not in rebooked_parents
                and (status != MeetingStatus.INTERPRETER_MISSING or m.interpreter_needed)
                # A rebooking needs room for the new time: only on an active case.
                and (status != MeetingStatus.REBOOKED or m.case.status == CaseStatus.ACTIVE)
            ]
            if not candidates:
                continue
            meeting = self.rng.choice(candidates)
            self.record(meeting, status)
            if status == MeetingStatus.REBOOKED:
                local = timezone.localtime(meeting.starts_at, self.tz)
                when = self.find_slot(local.date() + datetime.timedelta(days=1))
                assert when is not None
                client = meeting.case.client
                assert meeting.created_by is not None
                new = self.new_meeting(
                    meeting.case, client, meeting.kind, when, meeting.created_by, meeting
                )
                if when.date() < self.today:
                    self.record(new, MeetingStatus.HELD)

    def interpreter_gap(self) -> None:
        """One coming meeting needs an interpreter who is not yet booked."""
        coming = sorted(
            (
                m
                for m in self.meetings
                if m.status == MeetingStatus.BOOKED
                and m.interpreter_needed
                and timezone.localtime(m.starts_at, self.tz).date() > self.today
            ),
            key=lambda m: m.starts_at,
        )
        if coming:
            coming[0].interpreter_booked = False

    def save_meetings(self) -> None:
        """Bulk-create, parents before the meetings that were rebooked from them."""

        def depth(meeting: Meeting) -> int:
            level = 0
            while meeting.rebooked_from is not None:
                meeting = meeting.rebooked_from
                level += 1
            return level

        levels: dict[int, list[Meeting]] = {}
        for meeting in self.meetings:
            levels.setdefault(depth(meeting), []).append(meeting)
        for level in sorted(levels):
            # The parents now have primary keys; point the children at them.
            for meeting in levels[level]:
                if meeting.rebooked_from is not None:
                    meeting.rebooked_from_id = meeting.rebooked_from.pk
            Meeting.objects.bulk_create(levels[level])

    # -- consents ----------------------------------------------------------

    def build_consents(self, cases: list[tuple[Case, Client]]) -> int:
        af = self.organisations["Arbetsförmedlingen"]
        fk = self.organisations["Försäkringskassan"]
        consents: list[Consent] = []
        kinds = Consent.Kind
        active = [(case, client) for case, client in cases if case.status == CaseStatus.ACTIVE]
        for number, (case, client) in enumerate(active[:6]):
            consents.append(
                Consent(client=client, kind=kinds.SUS_REGISTRATION, given_on=case.start_date)
            )
            if number < 4:
                withdrawn = number == 3
                consents.append(
                    Consent(
                        client=client,
                        kind=kinds.INFORMATION_SHARING,
                        organisation=af if number % 2 == 0 else fk,
                        given_on=case.start_date,
                        withdrawn_on=self.today - datetime.timedelta(days=12)
                        if withdrawn
                        else None,
                        note="Återkallat muntligen i samtal." if withdrawn else "",
                    )
                )
        ended = [(case, client) for case, client in cases if case.status != CaseStatus.ACTIVE]
        # The followed-up cases, and two recently closed ones whose follow-up is still to come.
        recent = sorted(
            (pair for pair in ended if pair[0].status == CaseStatus.CLOSED),
            key=lambda pair: pair[0].closed_on or self.today,
            reverse=True,
        )[:2]
        for case, client in [p for p in ended if p[0].status == CaseStatus.FOLLOWED_UP] + recent:
            assert case.closed_on is not None
            consents.append(Consent(client=client, kind=kinds.FOLLOW_UP, given_on=case.closed_on))
        Consent.objects.bulk_create(consents)
        return len(consents)

    # -- referrals ---------------------------------------------------------

    def build_information_page(self, process: Process, coordinator: User) -> InformationPage:
        contact = (
            f"{coordinator.get_full_name()}, klientsamordnare\n"
            f"Telefon: {coordinator.phone}\n"
            f"E-post: {coordinator.email}\n\n"
            f"Vi träffas i {DEFAULT_LOCATION} eller där det passar klienten bäst."
        )
        return InformationPage.objects.create(
            process=process,
            published=True,
            offer=INFORMATION_OFFER,
            target_group=INFORMATION_TARGET_GROUP,
            how_to_refer=INFORMATION_HOW_TO_REFER,
            contact=contact,
        )

    def weekday_between(self, first: datetime.date, last: datetime.date) -> datetime.date:
        """A random weekday from ``first`` to ``last`` (both included; ``first`` if none)."""
        days = [
            first + datetime.timedelta(days=n)
            for n in range((last - first).days + 1)
            if (first + datetime.timedelta(days=n)).weekday() < 5
        ]
        return self.rng.choice(days) if days else first

    def sender(self, paper: int | None, referrer: User, coordinator: User) -> dict[str, Any]:
        """Who sent a referral: the demo referrer, or a paper one the coordinator entered."""
        if paper is None:
            organisation = referrer.organisation or self.organisations["Båstads kommun"]
            return {
                "referrer": referrer,
                "organisation": organisation,
                "unit": referrer.unit
                if referrer.organisation
                else self.units["Individ och familj"],
                "referrer_name": referrer.get_full_name(),
                "entered_by": referrer,
            }
        organisation_name, unit_name, name = PAPER_SOURCES[paper]
        return {
            "referrer": None,
            "organisation": self.organisations[organisation_name],
            "unit": self.units[unit_name],
            "referrer_name": name,
            "entered_by": coordinator,
        }

    def referral_texts(self) -> dict[str, str]:
        return {
            "tried_before": self.rng.choice(TRIED_BEFORE),
            "expectations": self.rng.choice(REFERRAL_EXPECTATIONS),
        }

    def first_meetings(self) -> dict[int, Meeting]:
        """Each case's first meeting as first booked: the time its welcome letter gave."""
        first: dict[int, Meeting] = {}
        # The earliest meeting of kind 'first', or else the earliest of any kind.
        for meeting in sorted(
            self.meetings, key=lambda m: (m.kind != MeetingKind.FIRST, m.starts_at)
        ):
            first.setdefault(meeting.case.pk, meeting)
        return first

    def actualised_referrals(
        self,
        cases: list[tuple[Case, Client]],
        process: Process,
        referrer: User,
        coordinator: User,
    ) -> tuple[list[Referral], list[Letter]]:
        """The referral behind every case, half from the demo referrer and half on paper."""
        rng = self.rng
        by_referrer = set(rng.sample(range(len(cases)), k=len(cases) // 2))
        first_meetings = self.first_meetings()
        referrals: list[Referral] = []
        for index, (case, client) in enumerate(cases):
            paper = None if index in by_referrer else rng.randrange(len(PAPER_SOURCES))
            # A referrer does not write down a protected address.
            address = not client.protected_identity
            referrals.append(
                Referral(  # type: ignore[misc]  # personnummer is a property
                    process=process,
                    **self.sender(paper, referrer, coordinator),
                    received_on=self.weekday_between(
                        case.start_date - datetime.timedelta(days=21),
                        case.start_date - datetime.timedelta(days=3),
                    ),
                    personnummer=client.personnummer,
                    first_name=client.first_name,
                    last_name=client.last_name,
                    phone=client.phone,
                    email=client.email,
                    street_address=client.street_address if address else "",
                    postal_code=client.postal_code if address else "",
                    city=client.city if address else "",
                    language=client.language,
                    interpreter_needed=client.interpreter_needed,
                    income_source=client.income_source,
                    income_source_months=client.income_source_months,
                    reason=rng.choice(REFERRAL_REASONS),
                    **self.referral_texts(),
                    consent_to_referral=True,
                    status=ReferralStatus.ACTUALISED,
                    client=client,
                    case=case,
                    decided_on=case.start_date,
                    decided_by=coordinator,
                )
            )
        Referral.objects.bulk_create(referrals)
        letters = [
            Letter(
                referral=referral,
                kind=Letter.Kind.WELCOME,
                meeting=first_meetings.get(case.pk),
                created_by=coordinator,
            )
            for referral, (case, _) in zip(referrals, cases, strict=True)
        ]
        return referrals, letters

    def person_referral(
        self,
        spec: ReferredSpec,
        number: str,
        phone: int,
        received_on: datetime.date,
        process: Process,
        referrer: User,
        coordinator: User,
    ) -> Referral:
        """A referral for someone who is not a client; the caller sets the decision."""
        rng = self.rng
        city, postal_codes, streets = rng.choices(PLACES, weights=[6, 3, 2])[0]
        income = rng.choices(
            [IncomeSource.ECONOMIC_ASSISTANCE, IncomeSource.OTHER_PUBLIC], weights=[4, 1]
        )[0]
        return Referral(  # type: ignore[misc]  # personnummer is a property
            process=process,
            **self.sender(spec.paper, referrer, coordinator),
            received_on=received_on,
            personnummer=number,
            first_name=spec.first_name,
            last_name=spec.last_name,
            # 070-174 06 05 to 070-174 06 99 is a PTS range for fiction.
            phone=f"070-174 06 {phone:02d}",
            email=f"{ascii_slug(spec.first_name)}.{ascii_slug(spec.last_name)}@example.se"
            if phone % 2 == 0
            else "",
            street_address=f"{rng.choice(streets)} {rng.randint(1, 40)}",
            postal_code=rng.choice(postal_codes),
            city=city,
            language=spec.language,
            interpreter_needed=spec.interpreter,
            income_source=income,
            income_source_months=rng.randint(8, 60),
            reason=spec.reason,
            **self.referral_texts(),
            consent_to_referral=True,
            enhanced_collaboration=spec.enhanced_collaboration,
        )

    def fresh_personnummer(self, spec: ReferredSpec, used: set[str]) -> str:
        while True:
            birth = ages.years_before(self.today, spec.age) - datetime.timedelta(
                days=self.rng.randint(1, 360)
            )
            number = self.personnummer_for(birth, spec.gender, coordination=False)
            if number not in used:
                used.add(number)
                return number

    def open_and_declined_referrals(
        self, process: Process, referrer: User, coordinator: User
    ) -> tuple[list[Referral], list[Letter], Referral]:
        """Declined referrals (one referred again) and referrals waiting for a decision.

        Returns the referrals, the letters of the declined ones, and the waiting
        referral that holds a bookable time.
        """
        used = {c.personnummer for c in Client.objects.only("personnummer_encrypted")}
        used |= {r.personnummer for r in Referral.objects.only("personnummer_encrypted")}
        phone = 60
        declined: list[Referral] = []
        for index, spec in enumerate(DECLINED):
            number = self.fresh_personnummer(spec, used)
            # The re-referred person was declined some months ago; the others any time this year.
            decided_on = self.days_ago(120, 160) if index == REREFERRED else self.days_ago(5, 300)
            referral = self.person_referral(
                spec,
                number,
                phone,
                self.weekday_between(
                    decided_on - datetime.timedelta(days=14),
                    decided_on - datetime.timedelta(days=2),
                ),
                process,
                referrer,
                coordinator,
            )
            phone += 1
            referral.status = ReferralStatus.NOT_RELEVANT
            referral.not_relevant_reason = spec.not_relevant
            referral.decision_note = spec.note
            referral.decided_on = decided_on
            referral.decided_by = coordinator
            declined.append(referral)
        again_spec = DECLINED[REREFERRED]
        again = self.person_referral(
            ReferredSpec(
                again_spec.first_name,
                again_spec.last_name,
                again_spec.gender,
                again_spec.age,
                None,
                REREFERRAL_REASON,
            ),
            declined[REREFERRED].personnummer,
            phone,
            self.weekday_between(
                self.today - datetime.timedelta(days=20), self.today - datetime.timedelta(days=1)
            ),
            process,
            referrer,
            coordinator,
        )
        phone += 1
        waiting = [again]
        holder = again
        for spec in WAITING:
            referral = self.person_referral(
                spec,
                self.fresh_personnummer(spec, used),
                phone,
                self.weekday_between(
                    self.today - datetime.timedelta(days=20),
                    self.today - datetime.timedelta(days=1),
                ),
                process,
                referrer,
                coordinator,
            )
            phone += 1
            waiting.append(referral)
            if spec.holds_slot:
                holder = referral
        Referral.objects.bulk_create(declined + waiting)
        # The client agreed to share information with the authorities they deal with.
        through = Referral.sharing_consents.through
        sharing = [
            self.organisations["Arbetsförmedlingen"],
            self.organisations["Försäkringskassan"],
        ]
        through.objects.bulk_create(
            through(referral_id=referral.pk, organisation_id=organisation.pk)
            for number, referral in enumerate(waiting)
            for organisation in sharing[: 1 + number % 2]
        )
        letters = [
            Letter(referral=referral, kind=Letter.Kind.NOT_RELEVANT, created_by=coordinator)
            for referral in declined
        ]
        return declined + waiting, letters, holder

    def overlaps_a_meeting(self, starts_at: datetime.datetime, minutes: int) -> bool:
        ends_at = starts_at + datetime.timedelta(minutes=minutes)
        return any(
            m.starts_at < ends_at
            and starts_at < m.starts_at + datetime.timedelta(minutes=m.duration_minutes)
            for m in self.meetings
        )

    def build_slots(
        self, process: Process, coordinator: User, holder: Referral
    ) -> list[ReferralSlot]:
        """Free times on coming weekdays, one a day, clear of booked meetings; one is held."""
        length = 60
        times: list[datetime.datetime] = []
        day = self.today
        while len(times) < FREE_SLOTS + 1 and day < self.today + datetime.timedelta(days=90):
            day += datetime.timedelta(days=1)
            if day.weekday() >= 5:
                continue
            # Alternate between morning and afternoon where the meetings allow it.
            last = timezone.localtime(times[-1], self.tz).time() if times else None
            for time in sorted(SLOT_TIMES, key=lambda t: t == last):
                when = self.at(day, time)
                if not self.overlaps_a_meeting(when, length):
                    times.append(when)
                    break
        slots = [
            ReferralSlot(
                process=process,
                starts_at=when,
                duration_minutes=length,
                location=DEFAULT_LOCATION,
                created_by=coordinator,
            )
            for when in times
        ]
        # The referrer picked the second time, leaving the earliest one free.
        slots[min(1, len(slots) - 1)].referral = holder
        ReferralSlot.objects.bulk_create(slots)
        return slots

    def build_consultations(
        self, process: Process, referrer: User, coordinator: User
    ) -> list[Consultation]:
        """Two questions from the demo referrer: one answered, one awaiting an answer."""
        asked_days = [self.days_ago(8, 12), self.days_ago(1, 3)]
        made: list[Consultation] = []
        for (subject, question, answer), day in zip(CONSULTATIONS, asked_days, strict=True):
            consultation = Consultation.objects.create(
                process=process, asked_by=referrer, subject=subject, answered=answer is not None
            )
            asked_at = self.at(day, datetime.time(9, 40))
            Consultation.objects.filter(pk=consultation.pk).update(created_at=asked_at)
            thread = [(referrer, question, asked_at)]
            if answer is not None:
                answered_at = self.at(
                    next_weekday(day + datetime.timedelta(days=1)), datetime.time(14, 15)
                )
                thread.append((coordinator, answer, min(answered_at, self.now)))
            for author, body, at in thread:
                message = ConsultationMessage.objects.create(
                    consultation=consultation, author=author, body=body
                )
                ConsultationMessage.objects.filter(pk=message.pk).update(created_at=at)
            made.append(consultation)
        return made

    def build_referrals(
        self, cases: list[tuple[Case, Client]], process: Process, users: dict[str, User]
    ) -> dict[str, Any]:
        coordinator = users[Role.COORDINATOR]
        referrer = users[Role.REFERRER]
        self.build_information_page(process, coordinator)
        actualised, welcome = self.actualised_referrals(cases, process, referrer, coordinator)
        others, not_relevant, holder = self.open_and_declined_referrals(
            process, referrer, coordinator
        )
        Letter.objects.bulk_create(welcome + not_relevant)
        slots = self.build_slots(process, coordinator, holder)
        consultations = self.build_consultations(process, referrer, coordinator)
        referrals = actualised + others
        return {
            "referrals": len(referrals),
            "referrals_by_status": {
                status: sum(r.status == status for r in referrals)
                for status in ReferralStatus.values
            },
            "letters": len(welcome) + len(not_relevant),
            "slots_free": sum(slot.referral is None for slot in slots),
            "slots_held": sum(slot.referral is not None for slot in slots),
            "consultations": len(consultations),
            "consultations_answered": sum(c.answered for c in consultations),
        }

    # -- the work with the client: FIA ---------------------------------------

    def close_one_lately(self, cases: list[tuple[Case, Client]]) -> None:
        """One case closed in the past few weeks: its closure self-assessment shows as due."""
        closed = [
            case
            for case, _ in cases
            if case.status == CaseStatus.CLOSED
            and case.closure_outcome != Out.REGISTERED_IN_ERROR
            and case.closed_on is not None
        ]
        if not closed or any(
            self.today - (c.closed_on or self.today) <= RECENT_CLOSURE for c in closed
        ):
            return
        case = max(closed, key=lambda c: c.closed_on or self.today)
        closed_on = self.days_ago(20, 40)
        if closed_on > case.start_date:
            case.closed_on = closed_on
            case.save(update_fields=["closed_on", "updated_at"])

    def day_of(self, meeting: Meeting) -> datetime.date:
        return timezone.localtime(meeting.starts_at, self.tz).date()

    def as_alliance(self, meetings: Iterable[Meeting]) -> None:
        for meeting in list(meetings):
            if meeting.kind != MeetingKind.FIA_SESSION:
                continue
            meeting.kind = MeetingKind.ALLIANCE
            meeting.duration_minutes = 60
            if meeting.status == MeetingStatus.HELD:
                meeting.journal_note = self.rng.choice(HELD_NOTES[MeetingKind.ALLIANCE])

    def as_fia(self, meeting: Meeting, number: int) -> None:
        meeting.kind = MeetingKind.FIA_SESSION
        meeting.duration_minutes = 90
        if meeting.status == MeetingStatus.HELD:
            meeting.journal_note = FIA_NOTES[min(number, len(FIA_NOTES) - 1)]

    def plan_fia(self, cases: list[tuple[Case, Client]]) -> dict[str, list[Case]]:
        """Every case's FIA status, spread like the status report of the process plan.

        The case's meetings are made to agree: a completed FIA has three held FIA
        sessions (the walk's runs of three are used where they exist), an ongoing or
        planned one has a FIA session booked, and one that never started has none.
        Runs before the meetings are saved.
        """
        by_case: dict[int, list[Meeting]] = {}
        for meeting in sorted(self.meetings, key=lambda m: m.starts_at):
            by_case.setdefault(meeting.case.pk, []).append(meeting)

        def held_fia(case: Case) -> int:
            return sum(
                m.kind == MeetingKind.FIA_SESSION and m.status == MeetingStatus.HELD
                for m in by_case.get(case.pk, [])
            )

        def fia_booked(case: Case) -> bool:
            return any(
                m.kind == MeetingKind.FIA_SESSION
                and m.status == MeetingStatus.BOOKED
                and self.day_of(m) > self.today
                for m in by_case.get(case.pk, [])
            )

        plan: dict[str, list[Case]] = {status: [] for status in FiaStatus.values}
        taken: set[int] = set()

        def pick(status: str, pool: Iterable[Case], count: int) -> None:
            for case in pool:
                if count <= 0:
                    return
                if case.pk not in taken:
                    plan[status].append(case)
                    taken.add(case.pk)
                    count -= 1

        active = sorted(
            (case for case, _ in cases if case.status == CaseStatus.ACTIVE),
            key=lambda c: (c.start_date, c.pk),
        )
        ended = [case for case, _ in cases if case.status != CaseStatus.ACTIVE]
        # Two of the completed interviews were held with an on-site interpreter.
        for interpreted in (True, False):
            pool = [
                case
                for case in active
                if case.client.interpreter_needed == interpreted
                and (held_fia(case) >= 3 or len(self.past_alliance(by_case.get(case.pk, []))) >= 4)
            ]
            pick(FiaStatus.COMPLETED, sorted(pool, key=lambda c: held_fia(c) < 3), 2)
        pick(FiaStatus.ONGOING, sorted(active, key=lambda c: held_fia(c) == 0), 1)
        pick(FiaStatus.PLANNED, sorted(active, key=lambda c: not fia_booked(c)), 3)
        newest = sorted(active, key=lambda c: c.start_date, reverse=True)
        pick(FiaStatus.NEEDS_RELATION, newest, 3)
        pick(FiaStatus.NOT_RELEVANT_HEALTH, active, len(active))
        moved = [case for case in ended if case.closure_outcome == Out.MOVED]
        pick(FiaStatus.ABORTED, sorted(moved, key=held_fia, reverse=True), 1)
        pick(
            FiaStatus.NOT_RELEVANT_HEALTH,
            [c for c in ended if c.closure_outcome == Out.SICKNESS_COMPENSATION]
            + [c for c in ended if c.closure_outcome == Out.OTHER_INTERVENTION],
            3,
        )
        pick(
            FiaStatus.NEEDS_RELATION,
            [c for c in ended if c.closure_outcome == Out.CLIENT_ENDED],
            2,
        )
        pick(FiaStatus.NOT_STARTED, ended, len(ended))
        for status, chosen in plan.items():
            for case in chosen:
                self.shape_fia(status, by_case.get(case.pk, []))
        return plan

    def past_alliance(self, meetings: list[Meeting]) -> list[Meeting]:
        """Held alliance meetings before today that are not rebookings, oldest first."""
        return [
            m
            for m in meetings
            if m.kind == MeetingKind.ALLIANCE
            and m.status == MeetingStatus.HELD
            and m.rebooked_from is None
            and self.day_of(m) < self.today
        ]

    def shape_fia(self, status: str, meetings: list[Meeting]) -> None:
        """Make one case's FIA sessions agree with its FIA status."""
        fia = [m for m in meetings if m.kind == MeetingKind.FIA_SESSION]
        held = [m for m in fia if m.status == MeetingStatus.HELD]
        coming = next(
            (
                m
                for m in meetings
                if m.status == MeetingStatus.BOOKED
                and m.kind in (MeetingKind.ALLIANCE, MeetingKind.FIA_SESSION)
                and self.day_of(m) > self.today
            ),
            None,
        )
        if status == FiaStatus.COMPLETED:
            if len(held) >= 3:
                self.as_alliance(m for m in fia if m.starts_at > held[2].starts_at)
                return
            self.as_alliance(fia)
            weeks_ago = self.today - datetime.timedelta(days=21)
            window = [m for m in self.past_alliance(meetings) if self.day_of(m) <= weeks_ago]
            for number, meeting in enumerate(window[-3:]):
                self.as_fia(meeting, number)
        elif status == FiaStatus.ONGOING:
            if not held:
                self.as_alliance(fia)
                for meeting in self.past_alliance(meetings)[-1:]:
                    self.as_fia(meeting, 0)
            if coming is not None:
                self.as_fia(coming, 0)
        elif status == FiaStatus.PLANNED:
            self.as_alliance(m for m in fia if self.day_of(m) <= self.today)
            if coming is not None:
                self.as_fia(coming, 0)
        elif status == FiaStatus.ABORTED:
            if len(held) > 2:
                self.as_alliance(m for m in fia if m.starts_at > held[1].starts_at)
            elif not held:
                for number, meeting in enumerate(self.past_alliance(meetings)[-2:]):
                    self.as_fia(meeting, number)
        else:
            self.as_alliance(fia)

    def fia_day(self, status: str, case: Case, meetings: list[Meeting]) -> datetime.date | None:
        """When the FIA got its status, from the meetings that led there."""
        held = [
            self.day_of(m)
            for m in meetings
            if m.status == MeetingStatus.HELD and self.day_of(m) < self.today
        ]
        held_fia = [
            self.day_of(m)
            for m in meetings
            if m.status == MeetingStatus.HELD
            and m.kind == MeetingKind.FIA_SESSION
            and self.day_of(m) < self.today
        ]
        if status == FiaStatus.NOT_STARTED:
            return None
        if status == FiaStatus.ABORTED:
            return case.closed_on or self.today
        if status == FiaStatus.COMPLETED and held_fia:
            last = held_fia[min(2, len(held_fia) - 1)]
            return min(
                next_weekday(last + datetime.timedelta(days=self.rng.randint(0, 3))), self.today
            )
        if status == FiaStatus.ONGOING and held_fia:
            return held_fia[0]
        if not held:
            return case.start_date
        if status == FiaStatus.PLANNED:
            return held[-1]
        if status == FiaStatus.NOT_RELEVANT_HEALTH:
            return held[min(2, len(held) - 1)]
        return held[0]

    def build_fia(self, plan: dict[str, list[Case]]) -> dict[int, FiaInterview]:
        by_case: dict[int, list[Meeting]] = {}
        for meeting in sorted(self.meetings, key=lambda m: m.starts_at):
            by_case.setdefault(meeting.case.pk, []).append(meeting)
        interviews: dict[int, FiaInterview] = {}
        items: list[PlanItem] = []
        for status, chosen in plan.items():
            for number, case in enumerate(chosen):
                fia = FiaInterview(
                    case=case,
                    status=status,
                    status_changed_on=self.fia_day(status, case, by_case.get(case.pk, [])),
                )
                if status == FiaStatus.ABORTED:
                    fia.abort_reason = FiaAbortReason.MOVED
                if status == FiaStatus.COMPLETED:
                    summary, goals, assessment, rows = FIA_TEXTS[number % len(FIA_TEXTS)]
                    assert set(summary) <= set(FIA_AREAS), set(summary) - set(FIA_AREAS)
                    fia.on_site_interpreter = case.client.interpreter_needed
                    fia.summary = dict(summary)
                    fia.client_goals = goals
                    fia.assessment = assessment
                    for order, (goal, sub_goal, activity, responsible, weeks) in enumerate(rows):
                        items.append(
                            PlanItem(
                                fia=fia,
                                order=order,
                                goal=goal,
                                sub_goal=sub_goal,
                                activity=activity,
                                responsible=responsible,
                                follow_up_on=next_weekday(
                                    self.today + datetime.timedelta(weeks=weeks)
                                ),
                            )
                        )
                interviews[case.pk] = fia
        FiaInterview.objects.bulk_create(interviews.values())
        # The history the reports read: each FIA took its status on its date.
        FiaStatusChange.objects.bulk_create(
            FiaStatusChange(
                fia=fia,
                status=fia.status,
                abort_reason=fia.abort_reason,
                changed_on=fia.status_changed_on,
            )
            for fia in interviews.values()
            if fia.status != FiaStatus.NOT_STARTED and fia.status_changed_on
        )
        PlanItem.objects.bulk_create(items)
        self.plan_items = len(items)
        return interviews

    # -- the work with the client: bibliotherapy -----------------------------

    def during(self, case: Case, after: int, before: int) -> datetime.date:
        """A weekday ``after`` to ``before`` days into the case, never past its end or today."""
        end = case.closed_on or self.today
        first = min(case.start_date + datetime.timedelta(days=after), end)
        last = min(case.start_date + datetime.timedelta(days=before), end)
        return min(self.weekday_between(first, last), end)

    def build_bibliotherapy(
        self,
        cases: list[tuple[Case, Client]],
        process: Process,
        users: dict[str, User],
        keep_out: set[int],
    ) -> tuple[dict[str, Any], list[Answering]]:
        """Offers like the process plan's report, one group, and an information meeting.

        Returns the counts and the bibliotherapy self-assessments of the participants.
        """
        rng = self.rng
        coordinator = users[Role.COORDINATOR]
        therapist = users[Role.BIBLIOTHERAPIST]
        info_day = previous_weekday(months_after(self.today, -3))
        group_start = previous_weekday(months_after(self.today, -2))
        everyone = [case for case, _ in cases if case.closure_outcome != Out.REGISTERED_IN_ERROR]
        swedish = [case for case in everyone if not case.client.interpreter_needed]
        two_weeks = datetime.timedelta(days=14)
        participants = [
            case
            for case in swedish
            if case.status == CaseStatus.ACTIVE
            and case.start_date <= info_day - two_weeks
            and case.pk not in keep_out
        ]
        started = sorted(
            rng.sample(participants, k=min(2, len(participants))), key=lambda c: c.start_date
        )
        later = [
            case
            for case in swedish
            if case.status == CaseStatus.ACTIVE and case not in started and case.pk not in keep_out
        ]
        booked = [c for c in later if c.start_date <= group_start - two_weeks] or later
        rebooked = [rng.choice(booked)] if booked else []
        accepted = started + rebooked
        declined = rng.sample(
            [case for case in swedish if case not in accepted],
            k=min(len(DECLINE_REASONS), len(swedish) - len(accepted)),
        )
        interpreted = [case for case in everyone if case.client.interpreter_needed]
        language = rng.sample(interpreted, k=min(5, len(interpreted)))

        group = BibliotherapyGroup.objects.create(
            process=process,
            name=GROUP_NAME,
            starts_on=group_start,
            ends_on=group_start + datetime.timedelta(weeks=2 * (len(GROUP_THEMES) - 1)),
            therapist=therapist,
            place=BIBLIOTHERAPY_PLACE,
        )
        session_days = [
            group_start + datetime.timedelta(weeks=2 * n)
            for n in range(len(GROUP_THEMES))
            if group_start + datetime.timedelta(weeks=2 * n) < self.today
        ]
        offers: list[BibliotherapyOffer] = []
        for case in started:
            offers.append(
                BibliotherapyOffer(
                    case=case,
                    offered_on=self.weekday_between(
                        case.start_date + two_weeks, info_day - datetime.timedelta(days=7)
                    ),
                    response=OfferResponse.ACCEPTED,
                    note="Kom på informationsträffen och ville börja i läsgruppen.",
                    group=group,
                    participation=ParticipationStatus.STARTED,
                    participation_changed_on=session_days[0] if session_days else group_start,
                    created_by=coordinator,
                )
            )
        for case in rebooked:
            offered_on = self.during(case, 10, max(10, (group_start - case.start_date).days - 5))
            offers.append(
                BibliotherapyOffer(
                    case=case,
                    offered_on=offered_on,
                    response=OfferResponse.ACCEPTED,
                    note="Kunde inte börja i gruppen på grund av sjukdom; bokas om till ett "
                    "samtal med biblioterapeuten.",
                    participation=ParticipationStatus.TO_BE_REBOOKED,
                    participation_changed_on=max(group_start, offered_on),
                    created_by=coordinator,
                )
            )
        for case, reason in zip(declined, DECLINE_REASONS, strict=False):
            offers.append(
                BibliotherapyOffer(
                    case=case,
                    offered_on=self.during(case, 14, 120),
                    response=OfferResponse.DECLINED,
                    decline_reason=reason,
                    note=DECLINE_NOTES[reason],
                    created_by=coordinator,
                )
            )
        for case in language:
            offers.append(
                BibliotherapyOffer(
                    case=case,
                    offered_on=self.during(case, 7, 30),
                    response=OfferResponse.NOT_OFFERED_LANGUAGE,
                    note="Läsgruppen samtalar på svenska; erbjuds när det finns en grupp på "
                    f"{case.client.language}.",
                    created_by=coordinator,
                )
            )
        BibliotherapyOffer.objects.bulk_create(offers)

        members = offers[: len(started)]
        absent = (
            (rng.randrange(1, len(session_days)), rng.randrange(len(members)))
            if len(session_days) > 1 and members
            else None
        )
        attended_on: dict[int, list[datetime.date]] = {offer.pk: [] for offer in members}
        for number, day in enumerate(session_days):
            session = GroupSession.objects.create(
                group=group, held_on=day, theme=GROUP_THEMES[number]
            )
            came = [
                offer
                for index, offer in enumerate(members)
                if absent is None or (number, index) != absent
            ]
            session.attended.set(came)
            for offer in came:
                attended_on[offer.pk].append(day)

        around = [
            case
            for case in everyone
            if case.start_date <= info_day - datetime.timedelta(days=7)
            and (case.closed_on is None or case.closed_on > info_day)
        ]
        invited = started + [
            case
            for case in sorted(around, key=lambda c: c.client.interpreter_needed)
            if case not in started
        ]
        meeting = InformationMeeting.objects.create(
            process=process,
            held_on=info_day,
            place=BIBLIOTHERAPY_PLACE,
            note="Informationsträff om biblioterapi för klienterna i Klientstöd. "
            "Biblioterapeuten berättade om läsgruppen och läste en kort text högt.",
        )
        meeting.invited.set(invited[:10])
        meeting.attended.set(started)

        # The participants answer at their first session and again after a few more.
        answering: list[Answering] = []
        for offer in members:
            days = attended_on[offer.pk]
            if not days:
                continue
            base = rng.uniform(2.2, 2.9)
            spread = [rng.uniform(-0.4, 0.4) for _ in range(5)]
            answering.append(
                Answering(
                    offer.case,
                    QK.BIBLIOTHERAPY,
                    Occasion.START,
                    0,
                    days[0],
                    base,
                    spread,
                    therapist,
                )
            )
            if len(days) >= 3:
                answering.append(
                    Answering(
                        offer.case,
                        QK.BIBLIOTHERAPY,
                        Occasion.OTHER,
                        0,
                        days[-1],
                        base + rng.uniform(0.8, 1.3),
                        spread,
                        therapist,
                    )
                )
        counts = {
            "offers": {
                response: sum(o.response == response for o in offers)
                for response in OfferResponse.values
            },
            "group_participants": len(members),
            "group_sessions": len(session_days),
            "info_invited": len(invited[:10]),
            "info_attended": len(started),
        }
        return counts, answering

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
        return Intervention(
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
                Intervention(
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
                Intervention(
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
                Intervention(
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
                Intervention(
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
        Consent.objects.create(
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
            CollaborationContact.objects.create(
                process=process,
                organisation=orgs[org],
                unit=units[unit],
                held_on=day,
                kind=kind,
                state=state,
                note=note,
                created_by=coordinator,
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
                CollaborationContact.objects.create(
                    process=process,
                    organisation=orgs[org],
                    unit=units[unit],
                    held_on=day,
                    kind=kind,
                    case=case,
                    state=state,
                    note=note,
                    created_by=coordinator,
                )
            )
        return contacts

    # -- the work with the client: self-assessments --------------------------

    def build_questionnaires(self) -> dict[str, Questionnaire]:
        made: dict[str, Questionnaire] = {}
        for kind, title, items in QUESTIONNAIRES:
            made[kind] = questionnaire_save(
                questionnaire=Questionnaire(
                    kind=kind, title=title, instructions=SCALE_INSTRUCTIONS
                ),
                items=items,
            )
        return made

    def plan_assessments(
        self, cases: list[tuple[Case, Client]], no_start: Case | None, no_closure: Case | None
    ) -> list[Answering]:
        """Start, every two months and closure, drifting upwards for most clients.

        The newest case has no start assessment, the latest two-month one is missing
        for two or three active cases, and one closed case has no closure assessment:
        Min dag shows them as due.
        """
        rng = self.rng
        rows: list[Answering] = []
        latest: list[Answering] = []
        not_yet = 0
        days = datetime.timedelta
        # Most clients feel better over time; one in seven does not.
        stuck = set(rng.sample(range(len(cases)), k=len(cases) // 7))
        for number, (case, _) in enumerate(cases):
            if no_start is not None and case.pk == no_start.pk:
                continue
            base = rng.uniform(1.8, 3.0)
            slope = rng.uniform(-0.15, 0.0) if number in stuck else rng.uniform(0.25, 0.5)
            spread = [rng.uniform(-0.5, 0.5) for _ in range(8)]

            def level(t: float, base: float = base, slope: float = slope) -> float:
                return base + slope * min(t, 8)

            rows.append(
                Answering(case, QK.KLIENTSTOD, Occasion.START, 0, case.start_date, level(0), spread)
            )
            last = months_between(case.start_date, self.today + days(7)) // 2
            newest: Answering | None = None
            period = 1
            while True:
                mark = months_after(case.start_date, 2 * period)
                if case.closed_on is not None:
                    if mark >= case.closed_on:
                        break
                elif period > last:
                    break
                elif mark > self.today:
                    # Due within the week: not answered yet.
                    not_yet += 1
                    break
                day = min(
                    next_weekday(mark + days(rng.randint(0, 4))), case.closed_on or self.today
                )
                newest = Answering(
                    case, QK.KLIENTSTOD, Occasion.PERIODIC, period, day, level(period), spread
                )
                rows.append(newest)
                period += 1
            if case.closed_on is None and newest is not None and newest.period == last:
                latest.append(newest)
            if case.closed_on is not None and (no_closure is None or case.pk != no_closure.pk):
                months = months_between(case.start_date, case.closed_on)
                rows.append(
                    Answering(
                        case,
                        QK.CLOSURE,
                        Occasion.CLOSURE,
                        0,
                        case.closed_on,
                        level(months / 2),
                        spread,
                    )
                )
        # Two or three clients have not yet answered for the latest two months.
        overdue = [row for row in latest if row.day <= self.today - days(5)]
        skipped = rng.sample(overdue, k=min(len(overdue), max(1, 3 - not_yet)))
        return [row for row in rows if all(row is not skip for skip in skipped)]

    def save_assessments(
        self, rows: list[Answering], questionnaires: dict[str, Questionnaire], by: User
    ) -> int:
        """Bulk-create the assessments and their answers; returns the number of answers."""
        rng = self.rng
        items = {q.pk: list(q.items.order_by("order", "pk")) for q in questionnaires.values()}
        assessments = [
            SelfAssessment(
                case=row.case,
                questionnaire=questionnaires[row.kind],
                occasion=row.occasion,
                period=row.period,
                answered_on=row.day,
                entered_by=row.entered_by or by,
            )
            for row in rows
        ]
        SelfAssessment.objects.bulk_create(assessments)
        answers: list[Answer] = []
        for assessment, row in zip(assessments, rows, strict=True):
            for number, item in enumerate(items[questionnaires[row.kind].pk]):
                if item.kind == SCALE:
                    score = round(
                        row.level + row.spread[number % len(row.spread)] + rng.gauss(0, 0.35)
                    )
                    answers.append(
                        Answer(assessment=assessment, item=item, score=min(5, max(1, score)))
                    )
                elif row.kind in FREE_TEXT_ANSWERS and rng.random() < 0.5:
                    answers.append(
                        Answer(
                            assessment=assessment,
                            item=item,
                            text=rng.choice(FREE_TEXT_ANSWERS[row.kind]),
                        )
                    )
        Answer.objects.bulk_create(answers)
        return len(answers)

    # -- the work with the client: all of it ---------------------------------

    def followup_due(self, cases: list[tuple[Case, Client]]) -> Case | None:
        """A case closed about six months ago, whose client consented to the follow-up."""
        threshold = months_after(self.today, -FOLLOWUP_MONTHS)
        closed = [
            case
            for case, _ in cases
            if case.status == CaseStatus.CLOSED
            and case.closure_outcome != Out.REGISTERED_IN_ERROR
            and case.closed_on is not None
            and case.closed_on <= threshold
        ]
        if not closed:
            self.notes.append("No case closed six months ago; no follow-up is due in the demo.")
            return None
        case = max(closed, key=lambda c: c.closed_on or threshold)
        assert case.closed_on is not None
        consent = Consent.objects.filter(client_id=case.client_id, kind=Consent.Kind.FOLLOW_UP)
        if not consent.in_force().exists():
            Consent.objects.create(
                client=case.client, kind=Consent.Kind.FOLLOW_UP, given_on=case.closed_on
            )
            self.consents_added += 1
        return case

    def build_work_with_client(
        self,
        cases: list[tuple[Case, Client]],
        process: Process,
        users: dict[str, User],
        fia_plan: dict[str, list[Case]],
    ) -> dict[str, Any]:
        coordinator = users[Role.COORDINATOR]
        questionnaires = self.build_questionnaires()
        interviews = self.build_fia(fia_plan)
        active = [case for case, _ in cases if case.status == CaseStatus.ACTIVE]
        # The newest case has not answered its first self-assessment yet.
        no_start = max(active, key=lambda c: (c.start_date, c.pk), default=None)
        closed = [
            case
            for case, _ in cases
            if case.status == CaseStatus.CLOSED and case.closure_outcome != Out.REGISTERED_IN_ERROR
        ]
        no_closure = max(closed, key=lambda c: (c.closed_on or self.today, c.pk), default=None)
        bibliotherapy, answering = self.build_bibliotherapy(
            cases, process, users, {no_start.pk} if no_start else set()
        )
        interventions, by_kind = self.build_interventions(fia_plan, interviews)
        contacts = self.build_collaboration(process, coordinator, interventions, by_kind)
        followup = self.followup_due(cases)

        rows = self.plan_assessments(cases, no_start, no_closure)
        # The client in studies and the one working part time answered about it.
        for row in interventions:
            if row.kind in (InterventionKind.STUDIES, InterventionKind.WORK):
                day = min(
                    next_weekday(row.starts_on + datetime.timedelta(days=self.rng.randint(30, 45))),
                    self.today,
                )
                spread = [self.rng.uniform(-0.4, 0.4) for _ in range(4)]
                rows.append(Answering(row.case, QK.WORK, Occasion.OTHER, 0, day, 3.4, spread))
        rows += answering
        revised_on = previous_weekday(self.today - datetime.timedelta(days=REVISED_DAYS_AGO))
        first = [r for r in rows if r.kind == QK.KLIENTSTOD and r.day < revised_on]
        then = [r for r in rows if not (r.kind == QK.KLIENTSTOD and r.day < revised_on)]
        answers = self.save_assessments(first, questionnaires, coordinator)
        # The clients found two questions hard to understand: with answers on the first
        # version, saving the simpler wording makes version 2.
        first_version = questionnaires[QK.KLIENTSTOD]
        wording = [
            (KLIENTSTOD_REVISED.get(number, text), kind)
            for number, (text, kind) in enumerate(QUESTIONNAIRES[0][2])
        ]
        revised = questionnaire_save(
            questionnaire=Questionnaire.objects.get(pk=first_version.pk), items=wording
        )
        questionnaires[QK.KLIENTSTOD] = revised
        answers += self.save_assessments(then, questionnaires, coordinator)
        earliest = min((r.day for r in rows), default=self.today)
        Questionnaire.objects.exclude(pk=revised.pk).update(
            created_at=self.at(earliest - datetime.timedelta(days=7), datetime.time(9, 0))
        )
        Questionnaire.objects.filter(pk=revised.pk).update(
            created_at=self.at(revised_on, datetime.time(9, 0))
        )

        answered = SelfAssessment.objects.filter(case__in=[c for c, _ in cases]).values_list(
            "case_id", "occasion", "period"
        )
        due = assessments_due([case for case, _ in cases], answered, self.today)
        fk_outcomes = [row.fk_outcome for row in interventions if row.fk_outcome]
        return {
            "questionnaires": len(questionnaires),
            "klientstod_revised_on": revised_on,
            "assessments": len(rows),
            "answers": answers,
            "assessments_due": len(due),
            "assessments_overdue": sum(item.overdue for item in due),
            "fia": {status: len(chosen) for status, chosen in fia_plan.items()},
            "fia_interpreter": sum(f.on_site_interpreter for f in interviews.values()),
            "plan_items": self.plan_items,
            **bibliotherapy,
            "interventions": len(interventions),
            "fk_outcomes": {o: fk_outcomes.count(o) for o in FkOutcome.values},
            "contacts": len(contacts),
            "case_contacts": sum(c.case_id is not None for c in contacts),
            "followups_due": 1 if followup is not None else 0,
            "consents_added": self.consents_added,
        }

    # -- reporting: milestones, budget and costs, the reporting calendar -----

    def build_milestones(self, process: Process) -> dict[str, Any]:
        """Targets set around what the demo's cases and offers actually reach.

        Of the two past deadlines, the first was met for the started cases and the second
        missed by two; bibliotherapy missed both. The next deadline is within reach for
        the started cases and bibliotherapy (the dashboard's projection reaches it), not
        for the closures to the goal; the last one asks for more than the projection.
        """
        today = self.today
        d1, d2, d3, d4 = deadlines = milestone_deadlines(today)
        # The dashboard projects the increase since the end of the month three months back.
        back = months_after(today.replace(day=1), -2) - datetime.timedelta(days=1)
        counts = metric_counts(process, sorted({d1, d2, back, today}))

        def projected(metric: str, day: datetime.date) -> int:
            now = counts[(metric, today)]
            per_month = (now - counts[(metric, back)]) / 3
            return round(now + per_month * max((day - today).days / 30.44, 0))

        started = Metric.STARTED
        s1 = max(1, counts[(started, d1)] - 1)
        s2 = counts[(started, d2)] + 2
        s3 = max(s2 + 1, projected(started, d3))
        s4 = max(s3 + 2, projected(started, d4) + 2)

        share = process.outcome_goal_percent / 100
        goal = Metric.CLOSED_TO_GOAL
        g1 = max(1, round(share * s1))
        g2 = max(g1, round(share * s2))
        g3 = max(g2, round(share * s3), projected(goal, d3) + 1)
        g4 = max(g3 + 1, round(share * s4))

        begun = Metric.BIBLIOTHERAPY_STARTED
        b1 = counts[(begun, d1)] + 2
        b2 = max(b1 + 1, counts[(begun, d2)] + 2)
        b3 = max(b2, projected(begun, d3))
        b4 = b3 + 2
        targets = {
            started: [s1, s2, s3, s4],
            goal: [g1, g2, g3, g4],
            begun: [b1, b2, b3, b4],
            Metric.BIBLIOTHERAPY_COMPLETED: [max(1, b - 1) for b in (b1, b2, b3, b4)],
        }
        Milestone.objects.bulk_create(
            Milestone(process=process, metric=metric, target=target, deadline=deadline)
            for metric, row in targets.items()
            for deadline, target in zip(deadlines, row, strict=True)
        )
        past = [
            (metric, deadline, target)
            for metric, row in targets.items()
            for deadline, target in zip(deadlines, row, strict=True)
            if deadline < today
        ]
        return {
            "milestones": sum(len(row) for row in targets.values()),
            "milestone_deadlines": deadlines,
            "milestones_past": len(past),
            "milestones_met": sum(counts[(m, day)] >= target for m, day, target in past),
        }

    def build_budget(self, process: Process) -> dict[str, Any]:
        """Budget lines for last, this and next year, and the costs of the past tertials.

        The förbund's share of every tertial but the latest has been invoiced; the
        interpreters are paid by the municipality and never invoiced.
        """
        year = self.today.year
        BudgetLine.objects.bulk_create(
            BudgetLine(process=process, year=year + offset, category=category, granted=granted)
            for offset, lines in BUDGET.items()
            for category, granted in lines.items()
        )
        tertials = [
            (period, number)
            for offset in (-1, 0)
            for number, period in zip(TERTIALS, tertials_of(year + offset), strict=True)
            if period.end < self.today
        ]
        costs: list[Cost] = []
        for index, (period, number) in enumerate(tertials):
            # Seeded by the tertial, so a tertial's costs are the same whenever the demo runs.
            rng = random.Random(period.start.toordinal())
            latest = index == len(tertials) - 1
            invoiced_on = (
                None
                if latest
                else next_weekday(period.end + datetime.timedelta(days=rng.randint(18, 30)))
            )
            granted = BUDGET[period.end.year - year]
            rows: list[tuple[str, str, int, str]] = [
                (
                    category,
                    description,
                    round(granted[category] / 3 * rng.uniform(0.95, 1.02)),
                    Financing.FORBUND,
                )
                for category, description in PERSONNEL
            ]
            rows.append(
                (
                    CostCategory.OTHER,
                    INTERPRETER_COST,
                    10 * rng.randint(600, 1_400),
                    Financing.OWN,
                )
            )
            category, description, low, high = SMALL_COSTS[number]
            rows.append((category, description, rng.randint(low, high), Financing.FORBUND))
            costs += [
                Cost(
                    process=process,
                    period_start=period.start,
                    period_end=period.end,
                    category=category,
                    description=description,
                    amount=amount,
                    financing=financing,
                    invoiced_on=invoiced_on if financing == Financing.FORBUND else None,
                )
                for category, description, amount, financing in rows
            ]
        Cost.objects.bulk_create(costs)
        return {
            "budget_lines": sum(len(lines) for lines in BUDGET.values()),
            "budget_years": (year - 1, year + 1),
            "costs": len(costs),
            "costs_not_invoiced": sum(
                c.invoiced_on is None and c.financing == Financing.FORBUND for c in costs
            ),
        }

    def build_deadlines(self, process: Process) -> dict[str, Any]:
        """The reporting calendar of last year and this, like the process plan's.

        A tertial report two weeks after each tertial, the annual report with the third,
        a board meeting three weeks after each report, and an updated process plan each
        year: the one the förbund has asked for now is due within the coming weeks. Every
        past date is done except the latest tertial report, which is overdue.
        """
        today = self.today
        rows: list[tuple[str, datetime.date, str]] = []

        def board(after: datetime.date, what: str) -> None:
            rows.append(
                (
                    DeadlineKind.BOARD_MEETING,
                    board_day(after + BOARD_AFTER),
                    f"{BOARD}: {what}",
                )
            )

        for offset in (-1, 0):
            year = today.year + offset
            for number, period in zip(TERTIALS, tertials_of(year), strict=True):
                if period.start > today:
                    continue
                due = next_weekday(period.end + REPORT_AFTER)
                rows.append(
                    (
                        DeadlineKind.TERTIAL_REPORT,
                        due,
                        f"Tertialrapport för perioden {period.start:%Y-%m-%d} – "
                        f"{period.end:%Y-%m-%d}",
                    )
                )
                if number == 3:
                    rows.append(
                        (
                            DeadlineKind.ANNUAL_REPORT,
                            due,
                            f"Årsrapport {year}, lämnas med tertialrapporten",
                        )
                    )
                    board(due, f"tertial 3 och helåret {year} på dagordningen")
                else:
                    board(due, f"tertial {number} {year} på dagordningen")
        plan_due = next_weekday(datetime.date(today.year - 1, 8, 12))
        rows.append(
            (
                DeadlineKind.PROCESS_PLAN,
                plan_due,
                f"Uppdaterad processplan inför styrelsemötet i september {today.year - 1}",
            )
        )
        board(plan_due, "den reviderade processplanen presenteras")
        plan_due = next_weekday(today + PLAN_DUE_IN)
        rows.append(
            (
                DeadlineKind.PROCESS_PLAN,
                plan_due,
                "Uppdaterad processplan med milstolpar och budget för nästa år",
            )
        )
        board(plan_due, "den uppdaterade processplanen presenteras")

        overdue = max(
            due for kind, due, _ in rows if kind == DeadlineKind.TERTIAL_REPORT and due < today
        )
        deadlines = []
        for kind, due, description in sorted(rows, key=lambda row: row[1]):
            done_on = None
            if due < today and not (kind == DeadlineKind.TERTIAL_REPORT and due == overdue):
                done_on = (
                    due
                    if kind == DeadlineKind.BOARD_MEETING
                    else previous_weekday(due - datetime.timedelta(days=self.rng.randint(0, 3)))
                )
            deadlines.append(
                ReportingDeadline(
                    process=process,
                    kind=kind,
                    due_on=due,
                    description=description,
                    done_on=done_on,
                )
            )
        ReportingDeadline.objects.bulk_create(deadlines)
        month = today + datetime.timedelta(days=30)
        return {
            "deadlines": len(deadlines),
            "deadlines_done": sum(d.done_on is not None for d in deadlines),
            "deadlines_overdue": sum(d.done_on is None and d.due_on < today for d in deadlines),
            "deadlines_soon": sum(
                d.done_on is None and today <= d.due_on <= month for d in deadlines
            ),
        }

    def build_reporting(self, process: Process) -> dict[str, Any]:
        return {
            **self.build_milestones(process),
            **self.build_budget(process),
            **self.build_deadlines(process),
        }

    # -- all of it ---------------------------------------------------------

    def build(self) -> dict[str, Any]:
        self.build_organisations()
        process = self.build_process()
        users = self.build_users(process)
        coordinator = users[Role.COORDINATOR]
        cases = [
            (self.build_case(spec, client, process, coordinator), client)
            for spec, client in self.build_clients(process)
        ]
        self.close_one_lately(cases)
        active = [(case, client) for case, client in cases if case.status == CaseStatus.ACTIVE]
        # The slots of today's meetings are kept free by find_slot, which skips today.
        for case, client in cases:
            self.walk(case, client, coordinator)
        self.book_today(active, coordinator)
        self.leave_awaiting(active, coordinator)
        self.cover_every_status()
        self.interpreter_gap()
        fia_plan = self.plan_fia(cases)
        self.save_meetings()
        consents = self.build_consents(cases)
        referrals = self.build_referrals(cases, process, users)
        work = self.build_work_with_client(cases, process, users, fia_plan)
        reporting = self.build_reporting(process)
        week = self.today + datetime.timedelta(days=7)
        local_days = [timezone.localtime(m.starts_at, self.tz).date() for m in self.meetings]
        return {
            "process": process,
            "organisations": len(self.organisations),
            "units": len(self.units),
            "users": len(users),
            "clients": len(cases),
            "active": len(active),
            "closed": sum(case.status == CaseStatus.CLOSED for case, _ in cases),
            "followed_up": sum(case.status == CaseStatus.FOLLOWED_UP for case, _ in cases),
            "meetings": len(self.meetings),
            "today": sum(day == self.today for day in local_days),
            "coming_week": sum(self.today < day <= week for day in local_days),
            "awaiting": sum(
                m.status == MeetingStatus.BOOKED and m.starts_at <= self.now for m in self.meetings
            ),
            "consents": consents + work.pop("consents_added"),
            **referrals,
            **work,
            **reporting,
            "notes": self.notes,
        }


class Command(BaseCommand):
    help = (
        "Create a fictional demo of Klientstöd Båstad: partners, the process, one user per "
        f"role (password {DEMO_PASSWORD}), clients, cases, meetings, consents, referrals, "
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
        if User.objects.filter(username=COORDINATOR_USERNAME).exists():
            self.stdout.write(
                f"The demo data is already there (user {COORDINATOR_USERNAME!r} exists); "
                "nothing to do."
            )
            return
        with transaction.atomic():
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
