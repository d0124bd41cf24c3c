"""The person a record is about: the client, and the personnummer any such record keeps."""

from __future__ import annotations

import datetime

from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from messaging.phone import format_mobile, validate_e164_mobile

from .. import ages, crypto
from .. import personnummer as pnr
from ..choices import EducationLevel, Gender, IncomeSource
from ..querysets import ClientQuerySet
from .organisations import Organisation


class PersonnummerRecord(models.Model):
    """A record of a person, found by their personnummer, which it keeps encrypted.

    The number is stored encrypted, with a keyed hash to find it by (``klientstod.crypto``);
    read and set it through the ``personnummer`` property. Each model declares the two
    columns itself, where they stand among its fields (the audit log lists changes in
    field order): ``personnummer_encrypted = models.TextField(editable=False)`` and
    ``personnummer_index = models.CharField(max_length=64, editable=False)``.
    """

    personnummer_encrypted: str
    personnummer_index: str

    class Meta:
        abstract = True

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
        self.personnummer_changed(normal)

    def personnummer_changed(self, normal: str) -> None:
        """What else a record derives from its personnummer (none here)."""

    @staticmethod
    def erased_personnummer(pk: int) -> dict[str, str]:
        """The columns that stand instead of the number of a person erased (gallrad)."""
        erased = f"X{pk:012d}"  # not a personnummer: the record no longer has one
        return {
            "personnummer_encrypted": crypto.encrypt(erased),
            "personnummer_index": crypto.index(erased),
        }


class Client(PersonnummerRecord):
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
    # The personnummer, encrypted, and the keyed hash to find it by (PersonnummerRecord).
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
    #: A Swedish mobile number in E.164 (+467XXXXXXXX): where SMS reminders go.
    mobile = models.CharField(
        _("mobile number"), max_length=16, blank=True, validators=[validate_e164_mobile]
    )
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

    def personnummer_changed(self, normal: str) -> None:
        self.birth_date = pnr.birth_date(normal)

    @property
    def mobile_display(self) -> str:
        return format_mobile(self.mobile)

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    def age(self, on: datetime.date | None = None) -> int:
        return ages.age_on(self.birth_date, on or timezone.localdate())
