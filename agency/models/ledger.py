"""The double-entry ledger: accounts, journals and their entries. Append-only.

An entry's `amount_fen` is signed: positive is a debit, negative a credit. Every journal's
entries add up to zero, so the whole ledger always does too. A journal declares how many lines
it has (`line_count`); once it holds them it is posted, and journals and entries are never
updated or deleted; a mistake is undone by a reversal journal that points at the original
through `reverses` (one-to-one: once). The database holds these rules itself, on PostgreSQL and
on SQLite (docs/database-invariants.md). Balances are sums of entries; the cached figures are
FloatWallet.balance_fen and CashBalance.balance_fen, which the database moves as float and cash
entries are inserted.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from agency.models.catalogue import Provider
from stations.models import Region, Station


class Account(models.Model):
    """A ledger account. Its `code` is derived from its purpose and owner, so that looking an account
    up and creating it are one get_or_create (see agency/services/ledger.py account_for)."""

    class Purpose(models.TextChoices):
        CASH = "cash", _("Cash drawer")
        CARD = "card", _("Card payments to settle")
        WALLET = "wallet", _("WeChat Pay and Alipay payments to settle")
        FLOAT = "float", _("Float")
        FUNDING = "funding", _("Station funding")
        FEES = "fees", _("Customer fees earned")
        COMMISSION = "commission", _("Commission earned")
        GOV_PAYABLE = "gov_payable", _("Government fees held")
        STORE_PAYABLE = "store_payable", _("Store sales held")
        VARIANCE = "variance", _("Cash over and short")
        PROVIDER = "provider", _("Provider commission receivable")
        STORE = "store", _("Store commission payable")
        TAX = "tax", _("Tax withheld")
        PLATFORM_BANK = "platform_bank", _("Platform bank")
        SUBSIDY = "subsidy", _("Subsidies granted")
        PAYEE = "payee", _("Owed to a contracted payee")

    code = models.CharField(_("code"), max_length=60, unique=True)
    purpose = models.CharField(_("purpose"), max_length=15, choices=Purpose.choices)
    station = models.ForeignKey(Station, on_delete=models.PROTECT, null=True, blank=True,
                                related_name="ledger_accounts", verbose_name=_("station"))
    region = models.ForeignKey(Region, on_delete=models.PROTECT, null=True, blank=True,
                               related_name="ledger_accounts", verbose_name=_("region"))
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="ledger_accounts", verbose_name=_("provider"))
    float_group = models.CharField(_("float group"), max_length=12, blank=True,
                                   choices=Provider.FloatGroup.choices)
    name = models.CharField(_("name"), max_length=120)

    class Meta:
        verbose_name = _("ledger account")
        verbose_name_plural = _("ledger accounts")
        ordering = ["code"]
        indexes = [models.Index(fields=["station", "purpose"])]

    def __str__(self) -> str:
        return self.name


class Journal(models.Model):
    """One balanced posting: a payment, a reversal, a top-up, a cash variance, a commission payout."""

    class Kind(models.TextChoices):
        PAYMENT = "payment", _("Counter transaction")
        REVERSAL = "reversal", _("Reversal")
        TOP_UP = "top_up", _("Float top-up")
        VARIANCE = "variance", _("Cash variance")
        PAYOUT = "payout", _("Commission paid")
        MERCHANT_PAYOUT = "m_payout", _("Merchant paid")
        SERVICE = "service", _("Subsidised service")
        PAYEE_PAID = "payee_paid", _("Paid to a contracted payee")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    posted_at = models.DateTimeField(_("posted at"), db_index=True)
    posted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+", verbose_name=_("posted by"))
    station = models.ForeignKey(Station, on_delete=models.PROTECT, null=True, blank=True,
                                related_name="journals", verbose_name=_("station"))
    counter_transaction = models.ForeignKey("agency.CounterTransaction", on_delete=models.PROTECT, null=True,
                                            blank=True, related_name="journals")
    reverses = models.OneToOneField("self", on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="reversal", verbose_name=_("reverses"))
    memo = models.CharField(_("memo"), max_length=200, blank=True)
    line_count = models.PositiveSmallIntegerField(
        _("lines"), help_text=_("How many entries the journal has: no more can be added once they are in"))

    class Meta:
        verbose_name = _("journal")
        verbose_name_plural = _("journals")
        ordering = ["posted_at", "pk"]
        indexes = [models.Index(fields=["station", "posted_at"])]
        constraints = [models.CheckConstraint(name="agency_journal_has_two_lines", condition=models.Q(line_count__gte=2))]

    def __str__(self) -> str:
        return f"J{self.pk} {self.get_kind_display()} {self.memo}"


class LedgerEntry(models.Model):
    """One line of a journal. `role` says what the line is for, so statements can be read off it."""

    class Role(models.TextChoices):
        PRINCIPAL = "principal", _("Amount")
        FEE = "fee", _("Customer fee")
        COMMISSION = "commission", _("Commission")
        TAX = "tax", _("Tax withheld")
        TOP_UP = "top_up", _("Top-up")
        VARIANCE = "variance", _("Variance")
        PAYOUT = "payout", _("Payout")

    journal = models.ForeignKey(Journal, on_delete=models.PROTECT, related_name="entries")
    # No index of its own: the (account, journal) index below serves every look-up by account.
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="entries", db_index=False)
    amount_fen = models.BigIntegerField(_("amount (fen)"), help_text=_("Debit positive, credit negative"))
    role = models.CharField(_("role"), max_length=10, choices=Role.choices)

    class Meta:
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        ordering = ["journal_id", "pk"]
        indexes = [models.Index(fields=["account", "journal"])]
        constraints = [models.CheckConstraint(name="agency_entry_not_zero", condition=~models.Q(amount_fen=0))]

    def __str__(self) -> str:
        return f"{self.account.code} {self.amount_fen:+d}"


class CashBalance(models.Model):
    """The running balance of a station's cash drawer account, kept with each posting.

    The database moves `balance_fen` as entries on the account are inserted, in the INSERT's own
    statement, and refuses any other change (docs/database-invariants.md), as it does for
    FloatWallet.balance_fen; selectors.cash_balance_mismatches compares it with the ledger. What the
    drawer should hold is read off this row, not summed over every entry ever posted.
    """

    account = models.OneToOneField(Account, on_delete=models.PROTECT, primary_key=True, related_name="cash_balance")
    balance_fen = models.BigIntegerField(_("balance (fen)"), default=0)

    class Meta:
        verbose_name = _("cash balance")
        verbose_name_plural = _("cash balances")

    def __str__(self) -> str:
        return f"{self.account_id} {self.balance_fen:+d}"
