"""What a station can sell at its counter: providers, their products and the commission plans."""

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class Provider(models.Model):
    """A company the station collects or pays out for (State Grid, China Mobile, a partner bank …).

    `float_group` decides which of the station's float wallets its products draw on: a station
    pre-funds one wallet per group (as India's CSC operators do), not one per company.
    `adapter` names the entry of settings.AGENCY_PROVIDER_ADAPTERS that talks to it
    (the simulator unless configured otherwise).
    """

    class FloatGroup(models.TextChoices):
        UTILITIES = "utilities", _("Utilities")
        TELECOM = "telecom", _("Telecom")
        INSURANCE = "insurance", _("Insurance")
        BANKING = "banking", _("Banking")
        LOGISTICS = "logistics", _("Parcels and logistics")

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=80)
    float_group = models.CharField(_("float group"), max_length=12, choices=FloatGroup.choices)
    adapter = models.CharField(_("adapter"), max_length=40, default="simulator",
                               help_text=_("Key of the provider adapter in the settings"))
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("provider")
        verbose_name_plural = _("providers")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class CommissionPlan(models.Model):
    """A named commission plan; what it pays is in its effective-dated versions."""

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=80)

    class Meta:
        verbose_name = _("commission plan")
        verbose_name_plural = _("commission plans")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class CommissionPlanVersion(models.Model):
    """The terms of a plan from `effective_from` until the next version starts.

    Rates and shares are in basis points (1/100 of a percent): 10000 = 100 %.
    The four shares add up to 10000. Slabs: [{"up_to_fen": 10000, "rate_bp": 0, "flat_fen": 50}, …],
    ascending, the last with "up_to_fen": null; the band holding the amount decides.
    Tax is withheld from the operator's share only: townships, the county and the platform are
    not individuals (an assumption to confirm with the county's tax office).
    """

    class Method(models.TextChoices):
        PERCENTAGE = "percentage", _("Percentage of the amount")
        FLAT = "flat", _("Flat amount per transaction")
        SLABS = "slabs", _("Slabs by amount band")

    plan = models.ForeignKey(CommissionPlan, on_delete=models.PROTECT, related_name="versions")
    effective_from = models.DateField(_("effective from"))
    method = models.CharField(_("method"), max_length=10, choices=Method.choices)
    rate_bp = models.PositiveIntegerField(_("rate (basis points)"), default=0)
    flat_fen = models.BigIntegerField(_("flat amount (fen)"), default=0, validators=[MinValueValidator(0)])
    slabs = models.JSONField(_("slabs"), default=list, blank=True)
    min_fen = models.BigIntegerField(_("minimum (fen)"), default=0, validators=[MinValueValidator(0)])
    max_fen = models.BigIntegerField(_("maximum (fen)"), null=True, blank=True)
    share_operator_bp = models.PositiveIntegerField(_("operator share (bp)"), default=10000)
    share_township_bp = models.PositiveIntegerField(_("township share (bp)"), default=0)
    share_county_bp = models.PositiveIntegerField(_("county share (bp)"), default=0)
    share_platform_bp = models.PositiveIntegerField(_("platform share (bp)"), default=0)
    tax_rate_bp = models.PositiveIntegerField(_("tax withheld from the operator (bp)"), default=0)

    class Meta:
        verbose_name = _("commission plan version")
        verbose_name_plural = _("commission plan versions")
        ordering = ["plan", "-effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "effective_from"], name="agency_plan_version_once_per_day"),
            models.CheckConstraint(
                name="agency_plan_shares_sum_to_whole",
                condition=models.Q(share_operator_bp=10000 - models.F("share_township_bp")
                                   - models.F("share_county_bp") - models.F("share_platform_bp")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan} {self.effective_from:%Y-%m-%d}"

    def clean(self) -> None:
        from agency.tariffs import TariffError, tariff_from_version

        try:
            tariff_from_version(self)
        except TariffError as error:
            raise ValidationError(str(error)) from error


class Product(models.Model):
    """One thing sold at the counter: "State Grid electricity bill", "China Mobile top-up" …

    `direction` says which way the cash moves: collect (the resident pays cash, the station's
    float pays the provider) or payout (a withdrawal: the float is credited, cash goes out).
    Account numbers are checked by agency/account_numbers.py with the rule fields below.
    """

    class Kind(models.TextChoices):
        ELECTRICITY = "electricity", _("Electricity bill")
        WATER = "water", _("Water bill")
        MOBILE_TOPUP = "mobile_topup", _("Mobile top-up")
        CABLE_TV = "cable_tv", _("Cable TV")
        INSURANCE = "insurance", _("Insurance premium")
        PENSION = "pension", _("Rural pension contribution")
        CASH_WITHDRAWAL = "cash_withdrawal", _("Cash withdrawal")
        CASH_DEPOSIT = "cash_deposit", _("Cash deposit")
        PARCEL = "parcel", _("Parcel collection fee")

    class Direction(models.TextChoices):
        COLLECT = "collect", _("Collect from the resident")
        PAYOUT = "payout", _("Pay out to the resident")

    class CheckDigit(models.TextChoices):
        NONE = "none", _("None")
        LUHN = "luhn", _("Luhn (bank cards)")
        MOD10_31 = "mod10_31", _("Mod 10, weights 3-1")
        MOBILE = "mobile", _("Mainland mobile number")

    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="products",
                                 verbose_name=_("provider"))
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=80)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    direction = models.CharField(_("direction"), max_length=8, choices=Direction.choices,
                                 default=Direction.COLLECT)
    account_label = models.CharField(_("account label"), max_length=30, default="",
                                     help_text=_("What the resident calls the number, e.g. customer number"))
    account_min_length = models.PositiveSmallIntegerField(_("shortest account number"), default=1)
    account_max_length = models.PositiveSmallIntegerField(_("longest account number"), default=30)
    account_digits_only = models.BooleanField(_("digits only"), default=True)
    account_check_digit = models.CharField(_("check digit"), max_length=10, choices=CheckDigit.choices,
                                           default=CheckDigit.NONE)
    amount_min_fen = models.BigIntegerField(_("smallest amount (fen)"), default=1, validators=[MinValueValidator(1)])
    amount_max_fen = models.BigIntegerField(_("largest amount (fen)"), validators=[MinValueValidator(1)])
    amount_choices_fen = models.JSONField(_("fixed amounts (fen)"), default=list, blank=True,
                                          help_text=_("Leave empty for any amount within the limits"))
    customer_fee_fen = models.BigIntegerField(_("fee to the customer (fen)"), default=0,
                                              validators=[MinValueValidator(0)])
    reversal_window_minutes = models.PositiveIntegerField(_("reversal window (minutes)"), default=30)
    lookup_supported = models.BooleanField(_("provider can look up the account"), default=False)
    commission_plan = models.ForeignKey(CommissionPlan, on_delete=models.PROTECT, null=True, blank=True,
                                        related_name="products", verbose_name=_("commission plan"))
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["provider__name", "name"]
        constraints = [
            models.CheckConstraint(name="agency_product_amount_limits_ordered",
                                   condition=models.Q(amount_min_fen__lte=models.F("amount_max_fen"))),
            models.CheckConstraint(name="agency_product_account_lengths_ordered",
                                   condition=models.Q(account_min_length__lte=models.F("account_max_length"))),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def float_group(self) -> str:
        return self.provider.float_group
