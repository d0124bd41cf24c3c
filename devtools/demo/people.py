"""Who is in the demo: the partners, the demo users, and the thirty clients, one row each.

A client's row is their whole story: when the case started and ended (days before
today), how it ended, where their FIA got to, what they said to bibliotherapy, which
interventions they had, and a few marks for what Min dag should show today.
"""

import datetime
from typing import NamedTuple

from interventions.models import DeclineReason, FiaStatus
from klientstod.models import (
    ClosureOutcome,
    EducationLevel,
    Gender,
    IncomeSource,
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
    ("Försäkringskassan", "FK", Kind.SOCIAL_INSURANCE, ["Lokalt försäkringscenter Helsingborg"]),
    ("Region Skåne", "RS", Kind.REGION, ["Capio Båstad", "VC Förslöv", "Vuxenpsykiatri Ängelholm"]),
    # Another förbund, whose handläggare may also refer clients.
    ("Samordningsförbundet Halland", "Halland", Kind.COORDINATION_ASSOCIATION, []),
]


class UserSpec(NamedTuple):
    username: str
    role: str
    first_name: str
    last_name: str
    organisation: str | None = None
    unit: str | None = None
    member: bool = True


BASTAD = "Båstads kommun"
USERS: list[UserSpec] = [
    UserSpec(
        COORDINATOR_USERNAME,
        Role.COORDINATOR,
        "Maria",
        "Lindqvist",
        BASTAD,
        "Arbetsmarknadsenheten",
    ),
    UserSpec("biblioterapeut", Role.BIBLIOTHERAPIST, "Karin", "Ek", BASTAD, "Biblioteket"),
    UserSpec("remittent", Role.REFERRER, "Jonas", "Berglund", BASTAD, "Individ och familj", False),
    UserSpec("styrgrupp", Role.STEERING, "Annika", "Sjöberg", "Samordningsförbundet NNV Skåne"),
    UserSpec("utvarderare", Role.EVALUATOR, "Per", "Holmgren"),
    UserSpec("admin", Role.ADMIN, "Eva", "Nordin", BASTAD, member=False),
]

W, M = Gender.WOMAN, Gender.MAN
Out = ClosureOutcome
F = FiaStatus
D = DeclineReason
#: Bibliotherapy: in the reading group, accepted but to be rebooked, not offered (language).
GROUP, REBOOK, LANGUAGE = "group", "rebook", "language"


class Row(NamedTuple):
    """One client. ``start``/``end``: days before today the case started and closed.

    ``marks``: b born abroad, i needs an interpreter, c coordination number, p protected
    identity, s in SAMSYN, u followed up, k consented to a follow-up at closure, t a
    meeting today, a a meeting awaiting its outcome, g an interpreter not yet booked.
    ``bib``: GROUP, REBOOK, LANGUAGE or a DeclineReason. ``work``: interventions, see
    ``devtools.demo.work``.
    """

    first_name: str
    last_name: str
    gender: str
    age: int
    start: int
    end: int | None
    outcome: str
    fia: str
    bib: str = ""
    work: str = ""
    marks: str = ""
    language: str = "svenska"


A = ""  # active: no outcome yet
# fmt: off
CLIENTS: list[Row] = [
    Row("Anna", "Johansson", W, 27, 200, None, A, F.COMPLETED, GROUP, "af", "ts"),
    Row("Erik", "Nilsson", M, 34, 150, None, A, F.ONGOING, GROUP, "af", "a"),
    Row("Sofia", "Karlsson", W, 23, 520, 300, Out.STUDIES, F.NOT_STARTED, D.DISABILITY),
    Row("Mikael", "Persson", M, 45, 240, None, A, F.NOT_RELEVANT_HEALTH, D.HEALTH, "fk:rejected", "s"),  # noqa: E501
    Row("Linda", "Olsson", W, 38, 120, None, A, F.PLANNED, REBOOK, "fk:applied", "p"),
    Row("Andreas", "Svensson", M, 29, 400, 120, Out.WORK, F.NOT_STARTED, D.HARD_TO_MOTIVATE),
    Row("Emma", "Gustafsson", W, 21, 180, None, A, F.COMPLETED, D.HARD_TO_MOTIVATE, "studies", "s"),
    Row("Adnan", "Begović", M, 26, 560, 250, Out.WORK, F.NOT_STARTED, marks="us"),
    Row("Malin", "Pettersson", W, 52, 560, 195, Out.SICKNESS_COMPENSATION, F.NOT_RELEVANT_HEALTH, work="fk:granted", marks="k"),  # noqa: E501
    Row("Peter", "Jönsson", M, 58, 260, None, A, F.NOT_RELEVANT_HEALTH, D.DISABILITY, "fk:rejection_expected", "t"),  # noqa: E501
    Row("Camilla", "Bengtsson", W, 41, 330, 90, Out.CLIENT_ENDED, F.NEEDS_RELATION, marks="s"),
    Row("Tobias", "Lindberg", M, 19, 35, None, A, F.NEEDS_RELATION),
    Row("Jessica", "Nyström", W, 31, 450, 260, Out.OTHER_INTERVENTION, F.NOT_RELEVANT_HEALTH, work="fk:rejected"),  # noqa: E501
    Row("Marcus", "Ekström", M, 47, 300, 150, Out.MOVED, F.ABORTED, marks="s"),
    Row("Birgitta", "Holm", W, 61, 220, None, A, F.NOT_RELEVANT_HEALTH, D.HEALTH, "fk:rejected"),
    Row("Lars-Göran", "Axelsson", M, 63, 600, 380, Out.SICKNESS_COMPENSATION, F.NOT_RELEVANT_HEALTH, work="fk:granted"),  # noqa: E501
    Row("Elif", "Demir", W, 24, 200, 28, Out.CLIENT_ENDED, F.NEEDS_RELATION, D.HEALTH, marks="ks"),
    Row("Amir", "Hadžić", M, 44, 500, 230, Out.WORK, F.NOT_STARTED, marks="b"),
    Row("Leila", "Mansouri", W, 36, 60, None, A, F.NEEDS_RELATION, work="work", marks="ba"),
    Row("Tomasz", "Nowak", M, 55, 420, 180, Out.OTHER_INTERVENTION, F.NOT_STARTED, marks="b"),
    Row("Ahmad", "Rahimi", M, 28, 250, None, A, F.COMPLETED, LANGUAGE, "af-ended", "bi", "dari"),
    Row("Fatima", "Al-Hassan", W, 49, 230, None, A, F.COMPLETED, LANGUAGE, "af", "bit", "arabiska"),
    Row("Abdirahman", "Farah", M, 39, 380, 200, Out.MOVED, F.NOT_STARTED, marks="bi", language="somaliska"),  # noqa: E501
    Row("Hodan", "Mohamed", W, 33, 90, None, A, F.PLANNED, LANGUAGE, "fk:applied", "bip", "somaliska"),  # noqa: E501
    Row("Semhar", "Tesfay", W, 25, 520, 230, Out.STUDIES, F.NOT_STARTED, marks="bicus", language="tigrinja"),  # noqa: E501
    Row("Yonas", "Kidane", M, 30, 45, None, A, F.NEEDS_RELATION, LANGUAGE, "health", "bic", "tigrinja"),  # noqa: E501
    Row("Maryam", "Hosseini", W, 57, 350, 60, Out.CLIENT_ENDED, F.NOT_STARTED, LANGUAGE, marks="bi", language="persiska"),  # noqa: E501
    Row("Khaled", "Haddad", M, 53, 160, None, A, F.PLANNED, work="fk:rejected", marks="big", language="arabiska"),  # noqa: E501
    Row("Zahra", "Ahmadi", W, 22, 450, 100, Out.STUDIES, F.NOT_STARTED, marks="bics", language="dari"),  # noqa: E501
    Row("Göran", "Lund", M, 66, 410, 400, Out.REGISTERED_IN_ERROR, F.NOT_STARTED),
]
# fmt: on

#: How common each source of income and level of education is among the clients.
INCOMES = {
    IncomeSource.ECONOMIC_ASSISTANCE: 22,
    IncomeSource.OTHER_PUBLIC: 5,
    IncomeSource.ACTIVITY_SUPPORT: 2,
    IncomeSource.NONE: 1,
}
EDUCATION = {
    EducationLevel.PRIMARY: 10,
    EducationLevel.UPPER_SECONDARY: 10,
    EducationLevel.POST_SECONDARY: 3,
    EducationLevel.UNKNOWN: 2,
}
#: The income each outcome usually leads to.
INCOME_AT_END: dict[str, str] = {
    Out.WORK: IncomeSource.EMPLOYMENT,
    Out.STUDIES: IncomeSource.STUDY_SUPPORT,
    Out.SICKNESS_COMPENSATION: IncomeSource.SICKNESS_COMPENSATION,
    Out.OTHER_INTERVENTION: IncomeSource.ACTIVITY_SUPPORT,
    Out.MOVED: IncomeSource.UNKNOWN,
    Out.CLIENT_ENDED: IncomeSource.ECONOMIC_ASSISTANCE,
}
#: Meeting times: between 09:00 and 15:00 with room for a 90-minute meeting.
SLOTS = [datetime.time(9, 0), datetime.time(10, 30), datetime.time(13, 0), datetime.time(14, 30)]
#: What became of the past meetings, in turn: Held, Cancelled by the client, cancelled by Us
#: (the coordinator ill), Rebooked, No-show, Interpreter missing (held when no interpreter is
#: needed), Third party missing. Each client starts at
#: another place in the cycle.
OUTCOMES = "HHHHCHHHRHHHNHHHHIHHHTHHHHUHHRHHHHNHHHIHH"
OUTCOME_OF = {
    "H": MeetingStatus.HELD,
    "C": MeetingStatus.CANCELLED_BY_CLIENT,
    "U": MeetingStatus.CANCELLED_BY_US,
    "R": MeetingStatus.REBOOKED,
    "N": MeetingStatus.NO_SHOW,
    "I": MeetingStatus.INTERPRETER_MISSING,
    "T": MeetingStatus.THIRD_PARTY_MISSING,
}
DEFAULT_LOCATION = "Klientstödets samtalsrum, Båstad"
JOINT_LOCATION = "Arbetsförmedlingen Ängelholm"
