"""The people of the demo: the partners, the demo users, the thirty clients and how their meetings
read.
"""

import datetime
from dataclasses import dataclass

from klientstod.models import (
    ClosureOutcome,
    Gender,
    IncomeSource,
    MeetingKind,
    MeetingStatus,
    Organisation,
    Role,
)

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
