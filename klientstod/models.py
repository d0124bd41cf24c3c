"""The shared core of Klientstöd: who works here, the process, and the client's case.

Referrals, interventions and reporting build on these models; nothing here
imports them.
"""

import datetime
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import ages, crypto, dates
from . import personnummer as pnr
from .choices import GOAL_OUTCOMES as GOAL_OUTCOMES  # imported from here elsewhere
from .choices import NOT_HELD_STATUSES as NOT_HELD_STATUSES
from .choices import (
    CaseStatus,
    ClosureOutcome,
    EducationLevel,
    Gender,
    IncomeSource,
    MeetingKind,
    MeetingStatus,
)
from .querysets import (
    CaseQuerySet,
    ClientQuerySet,
    ConsentQuerySet,
    EnrolmentCodeQuerySet,
    MeetingQuerySet,
    ProcessQuerySet,
)
from .roles import AGGREGATES_ONLY, Role, has_role
from .smallcounts import SmallCounts


class Organisation(models.Model):
    """A partner agency: Arbetsförmedlingen, Försäkringskassan, a region, a municipality."""

    class Kind(models.TextChoices):
        EMPLOYMENT_SERVICE = "employment_service", _("Public employment service")
        SOCIAL_INSURANCE = "social_insurance", _("Social insurance agency")
        REGION = "region", _("Region (health care)")
        MUNICIPALITY = "municipality", _("Municipality")
        COORDINATION_ASSOCIATION = "coordination_association", _("Coordination association")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=200, unique=True)
    short_name = models.CharField(_("short name"), max_length=40, blank=True)
    kind = models.CharField(_("kind"), max_length=40, choices=Kind.choices)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name


class Unit(models.Model):
    """A unit of a partner organisation, such as a health centre or a municipal department."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="units", verbose_name=_("organisation")
    )
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        ordering = ["organisation__name", "name"]
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="unit_unique_name"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation.short_name or self.organisation.name} – {self.name}"


class Process(models.Model):
    """A Finsam-financed process (insats) that runs client coordination."""

    name = models.CharField(_("name"), max_length=200)
    owner = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="owned_processes",
        verbose_name=_("process owner"),
        help_text=_(
            "The organisation that runs the process. It is the data controller "
            "(personuppgiftsansvarig) of the participants' records; a coordination association "
            "cannot be, as it holds no participants' personal data."
        ),
    )
    financier = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="financed_processes",
        verbose_name=_("financier"),
    )
    partners = models.ManyToManyField(
        Organisation, blank=True, related_name="partner_processes", verbose_name=_("partners")
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    capacity = models.PositiveSmallIntegerField(
        _("coordinator capacity"),
        default=15,
        validators=[MinValueValidator(1)],
        help_text=_("How many clients the coordinators can follow at the same time."),
    )
    suppress_small_counts = models.BooleanField(
        _("show counts of 1–2 as “<3”"),
        default=False,
        help_text=_(
            "For small municipalities: in the steering group's and evaluator's views, a count "
            "of one or two people is shown as “<3” so that nobody can be recognised."
        ),
    )
    outcome_goal_percent = models.PositiveSmallIntegerField(
        _("outcome goal (%)"),
        default=30,
        validators=[MaxValueValidator(100)],
        help_text=_(
            "Share of closed cases that should reach work, studies or sickness compensation."
        ),
    )

    objects = ProcessQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("process")
        verbose_name_plural = _("processes")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="process_period_in_order"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def controller(self) -> Organisation:
        """The data controller of the participants' records: the organisation running it."""
        return self.owner

    def clean(self) -> None:
        errors = {}
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            errors["ends_on"] = _("The process cannot end before it starts.")
        if self.owner_id and self.owner.kind == Organisation.Kind.COORDINATION_ASSOCIATION:
            errors["owner"] = _(
                "A coordination association holds no participants' personal data and cannot "
                "own a process: choose the organisation that runs it."
            )
        if errors:
            raise ValidationError(errors)

    def small_counts_for(self, user: "User") -> SmallCounts:
        """How this process's counts of people are shown to ``user``: "<3" for 1–2 or exactly."""
        return SmallCounts(self.suppress_small_counts and has_role(user, *AGGREGATES_ONLY))


class ProcessPhase(models.Model):
    """A phase of a process's plan, such as planning or implementation."""

    class Kind(models.TextChoices):
        PLANNING = "planning", _("Planning and training")
        IMPLEMENTATION = "implementation", _("Implementation")
        ORDINARY = "ordinary", _("Implementation in ordinary operations")

    process = models.ForeignKey(
        Process, on_delete=models.CASCADE, related_name="phases", verbose_name=_("process")
    )
    kind = models.CharField(_("phase"), max_length=20, choices=Kind.choices)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))

    class Meta:
        ordering = ["process", "starts_on"]
        verbose_name = _("process phase")
        verbose_name_plural = _("process phases")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.starts_on}–{self.ends_on}"


class User(AbstractUser):
    """A person who logs in. Each has one role; most belong to one or more processes."""

    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        verbose_name=_("organisation"),
    )
    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        verbose_name=_("unit"),
    )
    processes = models.ManyToManyField(
        Process, blank=True, related_name="members", verbose_name=_("processes")
    )
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    must_change_password = models.BooleanField(
        _("must change password"),
        default=False,
        help_text=_(
            "Set when an administrator sets the password: the user chooses a new one at the "
            "next login."
        ),
    )

    class Meta:
        ordering = ["first_name", "last_name", "username"]
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.get_full_name() or self.username


def _enrolment_code_expiry() -> datetime.datetime:
    return timezone.now() + datetime.timedelta(days=settings.KLIENTSTOD_ENROLMENT_CODE_DAYS)


class EnrolmentCode(models.Model):
    """A one-time code, issued by an administrator, that lets a user set up an authenticator app.

    Knowing a user's password is not enough to enrol an app in their name: the code is
    handed over by another channel than the password. Only a hash of the code is kept
    (Django's password hashers); the code itself is shown once, to the administrator who
    issued it. A newer code replaces the older ones; a code wears out after
    ``MAX_FAILED_ATTEMPTS`` wrong tries.
    """

    #: Characters without look-alikes (no 0/O, 1/I/L), for reading aloud and typing.
    ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
    LENGTH = 12
    MAX_FAILED_ATTEMPTS = 5

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="enrolment_codes", verbose_name=_("user")
    )
    code_hash = models.CharField(max_length=128, editable=False)
    issued_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("issued by"),
    )
    issued_at = models.DateTimeField(_("issued"), default=timezone.now)
    expires_at = models.DateTimeField(_("valid until"), default=_enrolment_code_expiry)
    used_at = models.DateTimeField(_("used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("replaced"), null=True, blank=True)
    failed_attempts = models.PositiveSmallIntegerField(_("wrong tries"), default=0)

    objects = EnrolmentCodeQuerySet.as_manager()

    class Meta:
        ordering = ["-issued_at"]
        verbose_name = _("enrolment code")
        verbose_name_plural = _("enrolment codes")

    def __str__(self) -> str:
        return f"{self.user} {timezone.localtime(self.issued_at):%Y-%m-%d %H:%M}"

    @classmethod
    def generate(cls) -> str:
        """A new code in clear, in groups of four: about 59 bits of chance."""
        import secrets

        raw = "".join(secrets.choice(cls.ALPHABET) for _ in range(cls.LENGTH))
        return "-".join(raw[i : i + 4] for i in range(0, cls.LENGTH, 4))

    @staticmethod
    def normalise(code: str) -> str:
        """What the user typed, without spaces or dashes and in capitals."""
        return "".join(ch for ch in code.upper() if ch.isalnum())

    def set_code(self, code: str) -> None:
        from django.contrib.auth.hashers import make_password

        self.code_hash = make_password(self.normalise(code))

    def matches(self, code: str) -> bool:
        """Compare with the stored hash (the hashers compare in constant time)."""
        from django.contrib.auth.hashers import check_password

        return check_password(self.normalise(code), self.code_hash)

    def is_usable(self, now: datetime.datetime | None = None) -> bool:
        return (
            self.used_at is None
            and self.revoked_at is None
            and self.expires_at > (now or timezone.now())
            and self.failed_attempts < self.MAX_FAILED_ATTEMPTS
        )


class Client(models.Model):
    """A person who is or has been followed by a client coordinator.

    Each data controller keeps its own register: a record belongs to the organisation
    that runs the processes the person takes part in (``controller``), and the same person
    in another controller's process is another record, which this one never reveals.
    """

    controller = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
        verbose_name=_("data controller"),
    )
    # The personnummer is kept encrypted, with a keyed hash to find it by (klientstod.crypto);
    # read and set it through the ``personnummer`` property.
    personnummer_encrypted = models.TextField(editable=False)
    personnummer_index = models.CharField(max_length=64, editable=False)
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices)
    # Kept beside the personnummer so that age bands can be filtered in the database.
    birth_date = models.DateField(_("date of birth"), editable=False)
    born_abroad = models.BooleanField(_("born abroad"), default=False)
    language = models.CharField(
        _("language"), max_length=60, blank=True, help_text=_("The language the client prefers.")
    )
    interpreter_needed = models.BooleanField(_("needs an interpreter"), default=False)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    street_address = models.CharField(_("street address"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=10, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    protected_identity = models.BooleanField(
        _("protected identity"),
        default=False,
        help_text=_("Skyddad identitet: the address is never printed or shown to partners."),
    )
    income_source = models.CharField(
        _("income source at start"),
        max_length=30,
        choices=IncomeSource.choices,
        default=IncomeSource.UNKNOWN,
    )
    income_source_months = models.PositiveSmallIntegerField(
        _("months on that income source"), null=True, blank=True
    )
    education_level = models.CharField(
        _("education level"),
        max_length=20,
        choices=EducationLevel.choices,
        default=EducationLevel.UNKNOWN,
    )
    samsyn_participant = models.BooleanField(
        _("SAMSYN participant"),
        default=False,
        help_text=_("Followed in SAMSYN, the employment service's and social services' forum."),
    )
    #: Raised on every edit, so that of two people editing at once the second is told.
    version = models.PositiveIntegerField(default=1, editable=False)
    #: Set when the retention period passed and what identified the person was removed.
    erased_on = models.DateField(_("erased (gallrad) on"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ClientQuerySet.as_manager()

    class Meta:
        ordering = ["last_name", "first_name"]
        verbose_name = _("client")
        verbose_name_plural = _("clients")
        indexes = [
            models.Index(fields=["last_name", "first_name"], name="client_name_idx"),
            models.Index(fields=["birth_date"], name="client_birth_idx"),
            models.Index(fields=["personnummer_index"], name="client_pnr_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["controller", "personnummer_index"],
                name="client_one_record_per_controller",
                violation_error_message=_(
                    "The person is already in the register of this data controller."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    def get_absolute_url(self) -> str:
        return reverse("klientstod:client-detail", args=[self.pk])

    @property
    def personnummer(self) -> str:
        # Decrypted once per stored value: a refresh from the database reads it anew.
        encrypted, plain = self.__dict__.get("_personnummer", (None, ""))
        if encrypted != self.personnummer_encrypted:
            plain = crypto.decrypt(self.personnummer_encrypted)
            self.__dict__["_personnummer"] = (self.personnummer_encrypted, plain)
        return plain

    @personnummer.setter
    def personnummer(self, value: str) -> None:
        normal = pnr.normalise(value)
        self.personnummer_encrypted = crypto.encrypt(normal)
        self.__dict__["_personnummer"] = (self.personnummer_encrypted, normal)
        self.personnummer_index = crypto.index(normal)
        self.birth_date = pnr.birth_date(normal)

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    def age(self, on: datetime.date | None = None) -> int:
        return ages.age_on(self.birth_date, on or timezone.localdate())


#: How long after closure the follow-up is made.
FOLLOWUP_MONTHS = 6


class Case(models.Model):
    """One period of client coordination (aktualisering) for a client in a process."""

    client = models.ForeignKey(
        Client, on_delete=models.PROTECT, related_name="cases", verbose_name=_("client")
    )
    process = models.ForeignKey(
        Process, on_delete=models.PROTECT, related_name="cases", verbose_name=_("process")
    )
    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="coordinated_cases",
        limit_choices_to={"role": Role.COORDINATOR},
        verbose_name=_("coordinator"),
    )
    start_date = models.DateField(_("start date"))
    status = models.CharField(
        _("status"), max_length=20, choices=CaseStatus.choices, default=CaseStatus.ACTIVE
    )
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    closure_outcome = models.CharField(
        _("outcome at closure"), max_length=30, choices=ClosureOutcome.choices, blank=True
    )
    income_source_end = models.CharField(
        _("income source at end"), max_length=30, choices=IncomeSource.choices, blank=True
    )
    followup_done_on = models.DateField(_("follow-up done on"), null=True, blank=True)
    followup_result = models.TextField(_("follow-up result"), blank=True)
    #: Raised on every edit, so that of two people editing at once the second is told.
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        ordering = ["-start_date", "-pk"]
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        constraints = [
            models.UniqueConstraint(
                fields=["client", "process"],
                condition=Q(status="active"),
                name="case_one_active_per_client_and_process",
                violation_error_message=_("The client already has an active case in this process."),
            ),
            models.CheckConstraint(
                condition=Q(status="active") | Q(closed_on__isnull=False),
                name="case_closed_has_date",
            ),
        ]
        indexes = [
            models.Index(fields=["process", "status"], name="case_process_status_idx"),
            models.Index(fields=["process", "start_date"], name="case_process_start_idx"),
            # The reports count closures in a period; Min dag lists a coordinator's cases.
            models.Index(fields=["process", "closed_on"], name="case_process_closed_idx"),
            models.Index(fields=["coordinator", "status"], name="case_coordinator_idx"),
        ]

    def __str__(self) -> str:
        return _("Case %(number)s") % {"number": self.number}

    def get_absolute_url(self) -> str:
        return reverse("klientstod:case-detail", args=[self.pk])

    @property
    def number(self) -> str:
        return f"KS-{self.pk:05d}" if self.pk else "KS-?"

    @property
    def is_active(self) -> bool:
        return self.status == CaseStatus.ACTIVE

    @property
    def followup_due_on(self) -> datetime.date | None:
        """Six months after closure (the seeds' 6-månadersuppföljning)."""
        return dates.months_after(self.closed_on, FOLLOWUP_MONTHS) if self.closed_on else None

    def clean(self) -> None:
        errors: dict[str, list[Any]] = {}
        if self.status != CaseStatus.ACTIVE:
            if not self.closed_on:
                errors.setdefault("closed_on", []).append(_("A closed case needs a closing date."))
            if not self.closure_outcome:
                errors.setdefault("closure_outcome", []).append(
                    _("A closed case needs an outcome.")
                )
        if self.closed_on and self.start_date and self.closed_on < self.start_date:
            errors.setdefault("closed_on", []).append(
                _("The case cannot be closed before it started.")
            )
        if self.status == CaseStatus.FOLLOWED_UP and not self.followup_done_on:
            errors.setdefault("followup_done_on", []).append(_("Give the date of the follow-up."))
        if (
            self.client_id
            and self.process_id
            and self.client.controller_id != self.process.owner_id
        ):
            # One register per data controller: a case is opened on the record kept by the
            # organisation that runs the process, never on another controller's.
            errors.setdefault("process", []).append(
                _("The client's record belongs to another data controller's register.")
            )
        if errors:
            raise ValidationError(errors)


class Meeting(models.Model):
    """A planned conversation (samtal) with the client, and what came of it."""

    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="meetings", verbose_name=_("case")
    )
    kind = models.CharField(
        _("kind"), max_length=20, choices=MeetingKind.choices, default=MeetingKind.ALLIANCE
    )
    starts_at = models.DateTimeField(_("time"))
    duration_minutes = models.PositiveSmallIntegerField(
        _("length (minutes)"), default=60, validators=[MinValueValidator(5), MaxValueValidator(480)]
    )
    location = models.CharField(_("place"), max_length=200, blank=True)
    interpreter_needed = models.BooleanField(_("interpreter needed"), default=False)
    interpreter_booked = models.BooleanField(_("interpreter booked"), default=False)
    status = models.CharField(
        _("status"), max_length=30, choices=MeetingStatus.choices, default=MeetingStatus.BOOKED
    )
    journal_note = models.TextField(_("journal note"), blank=True)
    rebooked_from = models.OneToOneField(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="rebooked_to",
        verbose_name=_("rebooked from"),
    )
    outcome_recorded_at = models.DateTimeField(_("outcome recorded"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("booked by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        indexes = [
            models.Index(fields=["case", "starts_at"], name="meeting_case_time_idx"),
            models.Index(fields=["starts_at", "status"], name="meeting_time_status_idx"),
            # Booked meetings: the caseload's next meeting, Min dag's meetings awaiting an
            # outcome and the case page's bookings. A small part of all meetings.
            models.Index(
                fields=["case", "starts_at"],
                condition=Q(status="booked"),
                name="meeting_booked_idx",
            ),
        ]

    def __str__(self) -> str:
        local = timezone.localtime(self.starts_at)
        return f"{self.get_kind_display()} {local:%Y-%m-%d %H:%M}"

    @property
    def is_booked(self) -> bool:
        return self.status == MeetingStatus.BOOKED

    @property
    def ends_at(self) -> datetime.datetime:
        return self.starts_at + datetime.timedelta(minutes=self.duration_minutes)

    @property
    def lacks_interpreter(self) -> bool:
        return self.is_booked and self.interpreter_needed and not self.interpreter_booked


class Consent(models.Model):
    """A consent the client has given, and when it was withdrawn if it was."""

    class Kind(models.TextChoices):
        INFORMATION_SHARING = "information_sharing", _("Information sharing with a partner")
        SUS_REGISTRATION = "sus_registration", _("Registration in SUS (form 9443)")
        FOLLOW_UP = "follow_up", _("Follow-up after six months")

    client = models.ForeignKey(
        Client, on_delete=models.CASCADE, related_name="consents", verbose_name=_("client")
    )
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("partner"),
        help_text=_("The partner the client lets us share information with."),
    )
    given_on = models.DateField(_("given on"))
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    objects = ConsentQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "-given_on"]
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="information_sharing") | Q(organisation__isnull=False),
                name="consent_sharing_names_partner",
            ),
        ]

    def __str__(self) -> str:
        if self.organisation_id:
            return f"{self.get_kind_display()}: {self.organisation}"
        return str(self.get_kind_display())

    def clean(self) -> None:
        if self.kind == self.Kind.INFORMATION_SHARING and not self.organisation_id:
            raise ValidationError({"organisation": _("Name the partner the consent covers.")})
        if self.withdrawn_on and self.given_on and self.withdrawn_on < self.given_on:
            raise ValidationError(
                {"withdrawn_on": _("A consent cannot be withdrawn before it was given.")}
            )


class FormSubmission(models.Model):
    """One sending of a form, known by its one-time token, so that it runs only once.

    The row is claimed (inserted) before the view runs; the unique key makes the claim
    atomic across workers. While ``location`` is empty the first sending is still
    running; once it succeeded, ``location`` is where its answer led, and a second
    sending of the same form goes there instead of running again. The key is a keyed
    hash of the token, the user and the session (``klientstod.submissions``), so one
    user's token means nothing in another's session. Rows are purged after a day.
    """

    key = models.CharField(_("key"), max_length=64, unique=True)
    started_at = models.DateTimeField(_("started at"), default=timezone.now, db_index=True)
    location = models.CharField(_("led to"), max_length=2000, blank=True)

    class Meta:
        verbose_name = _("form submission")
        verbose_name_plural = _("form submissions")

    def __str__(self) -> str:
        return f"{self.started_at:%Y-%m-%d %H:%M:%S} {self.location or '…'}"

    @property
    def is_finished(self) -> bool:
        return bool(self.location)

    def is_abandoned(self, now: datetime.datetime, after: datetime.timedelta) -> bool:
        """Still marked running long after any request would have ended: its worker died."""
        return not self.location and now - self.started_at > after
