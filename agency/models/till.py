"""The station till: counter transactions, float wallets and top-ups, daily cash closes and
monthly commission statements. Status moves only through agency/states.py's tables, and the
database refuses any other move, a change to a settled row and any delete
(docs/database-invariants.md)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from agency.models.catalogue import CommissionPlanVersion, Product, Provider
from agency.models.ledger import Account, Journal
from stations.models import Station


class CounterTransaction(models.Model):
    """One money movement at the counter, with a unique reference from its first moment.

    The client (the counter form, or the calling app) sends an idempotency key; the same key
    returns this row again, the same key with other content is refused (`fingerprint`).
    Bill payments, top-ups and withdrawals go to a provider and may end `unknown` when it times
    out; the other kinds are recorded for other apps (gov_services, shop) and succeed at once.
    """

    class Kind(models.TextChoices):
        PROVIDER = "provider", _("Bill payment or provider service")
        GOV_FEE = "gov_fee", _("Government fee")
        CASH_SALE = "cash_sale", _("Store sale at the counter")
        ORDER_COMMISSION = "order_commission", _("Store order commission")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")
        UNKNOWN = "unknown", _("Unknown (awaiting provider)")
        REVERSED = "reversed", _("Reversed")

    class PaymentMethod(models.TextChoices):
        CASH = "cash", _("Cash")
        CARD = "card", _("Card")
        WECHAT = "wechat", _("WeChat Pay")
        ALIPAY = "alipay", _("Alipay")
        NONE = "none", _("No payment (commission only)")

    class CardStatus(models.TextChoices):
        """Where the resident's card stands (card payments only; see agency/services/card_payments.py)."""

        NONE = "", _("No card")
        CHARGED = "charged", _("Charged")
        DECLINED = "declined", _("Declined")
        UNKNOWN = "unknown", _("Reader gave no answer")
        REFUNDED = "refunded", _("Refunded to the card")
        REFUND_PENDING = "refund_pending", _("Refund to the card pending")

    reference = models.CharField(_("reference"), max_length=20)  # unique: see Meta (no LIKE index)
    idempotency_key = models.UUIDField(_("idempotency key"), unique=True)
    fingerprint = models.CharField(max_length=64)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    station = models.ForeignKey(Station, on_delete=models.PROTECT, related_name="counter_transactions",
                                verbose_name=_("station"), db_index=False)  # (station, created_at) serves it
    product = models.ForeignKey(Product, on_delete=models.PROTECT, null=True, blank=True,
                                related_name="transactions", verbose_name=_("product"))
    account_number = models.CharField(_("account number"), max_length=40, blank=True)
    customer_name = models.CharField(_("customer name"), max_length=60, blank=True)
    amount_fen = models.BigIntegerField(_("amount (fen)"))
    fee_fen = models.BigIntegerField(_("customer fee (fen)"), default=0)
    commission_fen = models.BigIntegerField(_("commission (fen)"), default=0)
    plan_version = models.ForeignKey(CommissionPlanVersion, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+")
    payment_method = models.CharField(_("paid by"), max_length=8, choices=PaymentMethod.choices,
                                      default=PaymentMethod.CASH)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    provider_reference = models.CharField(_("provider reference"), max_length=60, blank=True)
    failure_reason = models.CharField(_("reason"), max_length=200, blank=True)
    external_reference = models.CharField(_("external reference"), max_length=60, blank=True,
                                          help_text=_("The tracking code or order number of the calling app"))
    description = models.CharField(_("description"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("operator"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    reversed_at = models.DateTimeField(_("reversed at"), null=True, blank=True)
    reversed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("reversed by"), db_index=False)
    reversal_reason = models.CharField(_("reversal reason"), max_length=200, blank=True)
    card_status = models.CharField(_("card"), max_length=14, choices=CardStatus.choices, blank=True, default="")
    card_charge_id = models.CharField(_("card charge"), max_length=80, blank=True,
                                      help_text=_("The card terminal's id of the charge"))
    card_brand = models.CharField(_("card brand"), max_length=20, blank=True)
    card_last4 = models.CharField(_("card last four digits"), max_length=4, blank=True)
    card_refund_id = models.CharField(_("card refund"), max_length=80, blank=True)

    class Meta:
        verbose_name = _("counter transaction")
        verbose_name_plural = _("counter transactions")
        ordering = ["-created_at", "-pk"]
        # Every index is written on each insert, and again on each status change that is not a HOT
        # update: few of them, and partial where most rows need no entry. The open ones (pending,
        # unknown) are what the reconciliation looks for; a reversal's operator and the calling app's
        # reference are on a few rows only. The reference is unique by a constraint rather than
        # unique=True, which on PostgreSQL adds a second (LIKE) index nobody uses.
        constraints = [models.UniqueConstraint(fields=["reference"], name="agency_transaction_reference_unique")]
        indexes = [
            models.Index(fields=["station", "created_at"]),
            models.Index(fields=["created_at"], name="agency_transaction_open",
                         condition=models.Q(status__in=["pending", "unknown"])),
            models.Index(fields=["kind", "external_reference"], name="agency_transaction_external",
                         condition=~models.Q(external_reference="")),
            models.Index(fields=["reversed_by"], name="agency_transaction_reversed_by",
                         condition=models.Q(reversed_by__isnull=False)),
        ]
        permissions = [("reverse_countertransaction", _("Can reverse a counter transaction"))]

    def __str__(self) -> str:
        return f"{self.reference} {self.product or self.get_kind_display()}"

    @property
    def total_fen(self) -> int:
        """What changes hands with the resident: the amount plus the fee."""
        return self.amount_fen + self.fee_fen

    @property
    def card_owes_refund(self) -> bool:
        """The card was (or may have been) charged for a payment that did not stand: money to give back."""
        return (self.payment_method == self.PaymentMethod.CARD
                and self.status in (self.Status.FAILED, self.Status.REVERSED)
                and self.card_status in (self.CardStatus.CHARGED, self.CardStatus.UNKNOWN,
                                         self.CardStatus.REFUND_PENDING))


class FloatWallet(models.Model):
    """A station's pre-funded balance for one provider group.

    `balance_fen` caches the ledger balance of `account`: the database moves it as each float entry
    is inserted and refuses any other change (docs/database-invariants.md); selectors.float_wallet_mismatches
    compares them. `reserved_fen` holds the amounts of
    payments sent to a provider and not yet settled (pending or unknown): a payment needs
    balance − reserved ≥ its amount, checked under this row's lock.
    """

    station = models.ForeignKey(Station, on_delete=models.PROTECT, related_name="float_wallets",
                                verbose_name=_("station"))
    float_group = models.CharField(_("float group"), max_length=12, choices=Provider.FloatGroup.choices)
    account = models.OneToOneField(Account, on_delete=models.PROTECT, related_name="wallet")
    balance_fen = models.BigIntegerField(_("balance (fen)"), default=0)
    reserved_fen = models.BigIntegerField(_("reserved (fen)"), default=0)
    low_threshold_fen = models.BigIntegerField(_("low-float warning below (fen)"), default=50_000)

    class Meta:
        verbose_name = _("float wallet")
        verbose_name_plural = _("float wallets")
        ordering = ["station", "float_group"]
        constraints = [
            models.UniqueConstraint(fields=["station", "float_group"], name="agency_one_wallet_per_group"),
            models.CheckConstraint(name="agency_wallet_never_overdrawn",
                                   condition=models.Q(reserved_fen__gte=0, balance_fen__gte=models.F("reserved_fen"))),
        ]

    def __str__(self) -> str:
        return f"{self.station} · {self.get_float_group_display()}"

    @property
    def available_fen(self) -> int:
        return self.balance_fen - self.reserved_fen

    @property
    def is_low(self) -> bool:
        return self.available_fen < self.low_threshold_fen


class AdminDecision(models.Model):
    """What an admin's decision on a station's request leaves (a float top-up, a cash variance): who, when,
    why, and the journal its approval posted. Recorded by agency/services/common.py `decision_record`."""

    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.CharField(_("decision note"), max_length=200, blank=True)
    journal = models.OneToOneField(Journal, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        abstract = True


class FloatTopUpRequest(AdminDecision):
    """A station asks to add money to a float wallet (after paying it in); a county admin approves."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    reference = models.CharField(_("reference"), max_length=20, unique=True)
    idempotency_key = models.UUIDField(_("idempotency key"), unique=True)
    station = models.ForeignKey(Station, on_delete=models.PROTECT, related_name="float_top_ups",
                                verbose_name=_("station"))
    float_group = models.CharField(_("float group"), max_length=12, choices=Provider.FloatGroup.choices)
    amount_fen = models.BigIntegerField(_("amount (fen)"))
    bank_reference = models.CharField(_("bank transfer reference"), max_length=60, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.REQUESTED)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("requested by"))
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)

    class Meta:
        verbose_name = _("float top-up request")
        verbose_name_plural = _("float top-up requests")
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.CheckConstraint(name="agency_top_up_approved_is_posted",
                                   condition=~models.Q(status="approved") | models.Q(journal__isnull=False)),
        ]
        permissions = [("approve_floattopuprequest", _("Can approve a float top-up"))]

    def __str__(self) -> str:
        return f"{self.reference} {self.station}"


class DailyCashClose(AdminDecision):
    """The day's cash count (日结): expected cash from the ledger against what the operator counted.

    A close without variance is final at once; one with a variance waits for the township admin,
    whose approval posts the variance to the ledger so the drawer account matches the count.
    """

    class Status(models.TextChoices):
        BALANCED = "balanced", _("Balanced")
        AWAITING_APPROVAL = "awaiting_approval", _("Variance awaiting approval")
        APPROVED = "approved", _("Variance approved")
        REJECTED = "rejected", _("Variance rejected: count again")

    idempotency_key = models.UUIDField(_("idempotency key"), unique=True)
    station = models.ForeignKey(Station, on_delete=models.PROTECT, related_name="cash_closes",
                                verbose_name=_("station"))
    business_date = models.DateField(_("business date"))
    expected_fen = models.BigIntegerField(_("expected cash (fen)"))
    counted_fen = models.BigIntegerField(_("counted cash (fen)"))
    variance_fen = models.BigIntegerField(_("variance (fen)"), help_text=_("Counted minus expected"))
    explanation = models.TextField(_("explanation"), blank=True)
    status = models.CharField(_("status"), max_length=17, choices=Status.choices)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("closed by"))
    closed_at = models.DateTimeField(_("closed at"))

    class Meta:
        verbose_name = _("daily cash close")
        verbose_name_plural = _("daily cash closes")
        ordering = ["-business_date", "station"]
        constraints = [
            models.UniqueConstraint(fields=["station", "business_date"], name="agency_one_close_per_day"),
            models.CheckConstraint(name="agency_close_variance_is_difference",
                                   condition=models.Q(variance_fen=models.F("counted_fen") - models.F("expected_fen"))),
            models.CheckConstraint(name="agency_close_approved_is_posted",
                                   condition=~models.Q(status="approved") | models.Q(journal__isnull=False)),
        ]
        permissions = [("approve_dailycashclose", _("Can approve a cash variance"))]

    def __str__(self) -> str:
        return f"{self.station} {self.business_date:%Y-%m-%d}"


class CommissionStatement(models.Model):
    """A station's commission for one month, read off the ledger (maker-checker, then paid)."""

    class Status(models.TextChoices):
        GENERATED = "generated", _("Generated")
        APPROVED = "approved", _("Approved")
        PAID = "paid", _("Paid")

    station = models.ForeignKey(Station, on_delete=models.PROTECT, related_name="commission_statements",
                                verbose_name=_("station"))
    month = models.DateField(_("month"), help_text=_("The first day of the month"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.GENERATED)
    transaction_count = models.PositiveIntegerField(_("transactions"), default=0)
    gross_fen = models.BigIntegerField(_("gross commission (fen)"), default=0)
    clawback_fen = models.BigIntegerField(_("clawed back (fen)"), default=0)
    tax_fen = models.BigIntegerField(_("tax withheld (fen)"), default=0)
    net_fen = models.BigIntegerField(_("net commission (fen)"), default=0)
    fees_fen = models.BigIntegerField(_("customer fees (fen)"), default=0)
    generated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+", verbose_name=_("generated by"))
    generated_at = models.DateTimeField(_("generated at"))
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("approved by"))
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    paid_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                related_name="+", verbose_name=_("paid by"))
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    payment_reference = models.CharField(_("payment reference"), max_length=60, blank=True)
    payout_journal = models.OneToOneField(Journal, on_delete=models.PROTECT, null=True, blank=True,
                                          related_name="+")

    class Meta:
        verbose_name = _("commission statement")
        verbose_name_plural = _("commission statements")
        ordering = ["-month", "station"]
        constraints = [
            models.UniqueConstraint(fields=["station", "month"], name="agency_one_statement_per_month"),
            models.CheckConstraint(name="agency_statement_net_adds_up",
                                   condition=models.Q(net_fen=models.F("gross_fen") - models.F("clawback_fen")
                                                      - models.F("tax_fen"))),
            # Maker-checker: whoever generated a statement may not approve it.
            models.CheckConstraint(name="agency_statement_checker_is_not_maker",
                                   condition=models.Q(approved_by__isnull=True)
                                   | ~models.Q(approved_by=models.F("generated_by"))),
            # A paid statement says when, and its net commission (if any) left the station's account.
            models.CheckConstraint(name="agency_statement_paid_is_posted",
                                   condition=~models.Q(status="paid") | models.Q(paid_at__isnull=False)
                                   & (models.Q(net_fen__lte=0) | models.Q(payout_journal__isnull=False))),
        ]
        permissions = [("approve_commissionstatement", _("Can approve a commission statement")),
                       ("pay_commissionstatement", _("Can mark a commission statement paid"))]

    def __str__(self) -> str:
        return f"{self.station} {self.month:%Y-%m}"


class CommissionStatementLine(models.Model):
    """One product's (or one kind's) share of a statement."""

    statement = models.ForeignKey(CommissionStatement, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                verbose_name=_("product"))
    label = models.CharField(_("item"), max_length=80)
    transaction_count = models.PositiveIntegerField(_("transactions"), default=0)
    gross_fen = models.BigIntegerField(_("gross commission (fen)"), default=0)
    clawback_fen = models.BigIntegerField(_("clawed back (fen)"), default=0)
    tax_fen = models.BigIntegerField(_("tax withheld (fen)"), default=0)
    net_fen = models.BigIntegerField(_("net commission (fen)"), default=0)

    class Meta:
        verbose_name = _("statement line")
        verbose_name_plural = _("statement lines")
        ordering = ["statement", "label"]

    def __str__(self) -> str:
        return f"{self.statement} {self.label}"
