"""Who works here: users, their enrolment codes, and the forms they sent."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..querysets import EnrolmentCodeQuerySet
from ..roles import Role
from .organisations import Organisation, Process, Unit


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


class CalendarFeed(models.Model):
    """A user's secret address for subscribing to their meetings in a calendar app.

    The address carries a random token of 256 bits; only its SHA-256 is kept, so the
    address is shown once, when it is made. Renewing replaces the token, and the old
    address stops working. The feed names no person: case number, kind, place and
    interpreter only.
    """

    user = models.OneToOneField(
        User, on_delete=models.CASCADE, related_name="calendar_feed", verbose_name=_("user")
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("calendar subscription")
        verbose_name_plural = _("calendar subscriptions")

    def __str__(self) -> str:
        return f"{self.user} {timezone.localtime(self.created_at):%Y-%m-%d %H:%M}"

    @staticmethod
    def hash(token: str) -> str:
        import hashlib

        return hashlib.sha256(token.encode()).hexdigest()

    @classmethod
    def generate(cls) -> str:
        """A new token in clear: 32 random bytes, URL-safe."""
        import secrets

        return secrets.token_urlsafe(32)
