"""The care registries: who works the care desk, the vulnerable residents it looks after (with their
emergency contacts), and the responders under contract with the county who serve at the door."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from stations.models import Household, HouseholdMember, Region


class Service(models.TextChoices):
    """What a call asks for and what a responder offers."""

    MEDICINE = "medicine", _("Medicine delivery")
    GROCERIES = "groceries", _("Groceries and daily goods")
    CLINIC = "clinic", _("Doctor's home visit")
    REPAIR = "repair", _("Home repair")
    UTILITY = "utility", _("Water, power or gas fault")
    COMPANY = "company", _("Visit and help at home")


class Need(models.TextChoices):
    """The conditions that matter for serving someone at the door — nothing more is kept."""

    MOBILITY = "mobility", _("Cannot come to the door quickly")
    HEARING = "hearing", _("Hard of hearing: knock loudly, call first")
    SIGHT = "sight", _("Poor sight: say who you are")
    MEDICATION = "medication", _("Takes regular medication")
    MEMORY = "memory", _("Forgetful: confirm with the liaison")


class CareDeskQuerySet(models.QuerySet):
    def active(self, on=None):
        on = on or timezone.localdate()
        return self.filter(started_on__lte=on).filter(models.Q(ended_on__isnull=True) | models.Q(ended_on__gt=on))


class CareDesk(models.Model):
    """A care-desk post: a care operator taking calls for the residents of one region (a county or
    township hotline). The admins of the region work the desk as well without one."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="care_desks",
                             verbose_name=_("care operator"))
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="care_desks", verbose_name=_("region"))
    started_on = models.DateField(_("started on"), default=timezone.localdate)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)

    objects = CareDeskQuerySet.as_manager()

    class Meta:
        verbose_name = _("care desk post")
        verbose_name_plural = _("care desk posts")

    def __str__(self) -> str:
        return f"{self.user} · {self.region}"


class CareResident(models.Model):
    """A vulnerable resident on the care registry, in a household of a grid. Conditions are kept only
    with the resident's (or guardian's) consent, and only those in `Need`."""

    class Kind(models.TextChoices):
        ELDERLY_ALONE = "elderly_alone", _("Elderly, living alone")
        ELDERLY = "elderly", _("Elderly")
        DISABLED = "disabled", _("Person with a disability")
        OTHER = "other", _("Other")

    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="care_residents",
                                  verbose_name=_("household"))
    member = models.ForeignKey(HouseholdMember, on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="+", verbose_name=_("household member"))
    village = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("village"))
    name = models.CharField(_("name"), max_length=60)
    phone = models.CharField(_("phone"), max_length=20, db_index=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.ELDERLY_ALONE)
    lives_alone = models.BooleanField(_("lives alone"), default=True)
    needs = models.JSONField(_("conditions that matter for service"), default=list, blank=True)
    needs_consent_on = models.DateField(_("consent to keep conditions given on"), null=True, blank=True)
    liaison = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                related_name="+", verbose_name=_("liaison responsible"))
    checkin_every_days = models.PositiveSmallIntegerField(
        _("check-in every (days)"), default=7, help_text=_("0: no scheduled check-in."))
    active = models.BooleanField(_("on the registry"), default=True)
    # When the resident last left the registry (active turned off): the retention period runs from here
    # (PERSONAL_DATA_RETENTION_DAYS "care_residents", care/retention.py).
    left_at = models.DateTimeField(_("left the registry at"), null=True, blank=True)
    # The resident's help button (care/tokens.py's help link carries it): empty, none given; a new one
    # given stops the old link.
    help_nonce = models.CharField(max_length=16, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("care resident")
        verbose_name_plural = _("care residents")
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        from core.masking import mask_name

        return mask_name(self.name)

    @property
    def place_path(self) -> str:
        return self.village.path

    def need_labels(self) -> list[str]:
        return [str(Need(code).label) for code in self.needs if code in Need.values]

    @property
    def liaison_user(self):
        return self.liaison or self.household.grid.liaison


class EmergencyContact(models.Model):
    resident = models.ForeignKey(CareResident, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(_("name"), max_length=60)
    relation = models.CharField(_("relation"), max_length=30)
    phone = models.CharField(_("phone"), max_length=20)

    class Meta:
        verbose_name = _("emergency contact")
        verbose_name_plural = _("emergency contacts")
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.relation}"


class Responder(models.Model):
    """A shop, pharmacy, clinic, repairer, utility or volunteer under contract to serve at the door."""

    class Kind(models.TextChoices):
        PHARMACY = "pharmacy", _("Pharmacy")
        SHOP = "shop", _("Shop or supermarket")
        CLINIC = "clinic", _("Clinic")
        REPAIR = "repair", _("Repair")
        UTILITY = "utility", _("Utility")
        VOLUNTEER = "volunteer", _("Volunteer")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        SUSPENDED = "suspended", _("Suspended")

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("contracted by"),
                               help_text=_("The county or township that holds the contract."))
    name = models.CharField(_("name"), max_length=80)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    services = models.JSONField(_("services offered"), default=list)
    villages = models.ManyToManyField(Region, related_name="care_responders", verbose_name=_("villages served"))
    opens_at = models.TimeField(_("opens at"))
    closes_at = models.TimeField(_("closes at"), help_text=_("The same as opening: round the clock."))
    capacity = models.PositiveSmallIntegerField(_("calls at once"), default=2)
    terms = models.TextField(_("terms and price list"), blank=True)
    max_charge_fen = models.BigIntegerField(_("most charged for one call (fen)"), default=0)
    subsidy_fen = models.BigIntegerField(_("county subsidy per completed call (fen)"), default=0)
    contact_name = models.CharField(_("contact person"), max_length=60)
    phone = models.CharField(_("mobile phone for offers"), max_length=20)
    contract_starts_on = models.DateField(_("contract starts on"))
    contract_ends_on = models.DateField(_("contract ends on"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.ACTIVE)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("care responder")
        verbose_name_plural = _("care responders")
        ordering = ["name", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(contract_ends_on__gte=models.F("contract_starts_on")),
                                   name="care_responder_contract_dates"),
            models.CheckConstraint(condition=models.Q(max_charge_fen__gte=0, subsidy_fen__gte=0),
                                   name="care_responder_amounts_not_negative"),
        ]

    def __str__(self) -> str:
        return self.name

    def service_labels(self) -> list[str]:
        return [str(Service(code).label) for code in self.services if code in Service.values]

    def under_contract(self, on=None) -> bool:
        on = on or timezone.localdate()
        return self.status == self.Status.ACTIVE and self.contract_starts_on <= on <= self.contract_ends_on
