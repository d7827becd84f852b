"""Which journals and ledger entries count as commission, and which figure each entry adds to — defined once
for the rollups that keep the commission report's sums as journals post (agency/services/rollups.py) and for
the report's own reading of the raw ledger (reports/selectors/commission_sums.py: its checks' and the
benchmark's baseline), so that the two always agree."""

from __future__ import annotations

from django.db.models import Aggregate, Count, Q, Sum

from agency.models import Account, CounterTransaction, Journal, LedgerEntry
from stations.models import Region

EARNING_KINDS = (CounterTransaction.Kind.PROVIDER, CounterTransaction.Kind.ORDER_COMMISSION)
COUNTED_JOURNALS = (Journal.Kind.PAYMENT, Journal.Kind.REVERSAL)
PAYMENT, REVERSAL = Journal.Kind.PAYMENT, Journal.Kind.REVERSAL
COMMISSION, TAX = LedgerEntry.Role.COMMISSION, LedgerEntry.Role.TAX
# The entry figures summed from credits (negative amounts): shown, and rolled up, negated.
CREDITED = frozenset({"gross_fen", "operator_fen", "township_fen", "county_fen", "platform_fen"})


def counted_journals_q(prefix: str = "") -> Q:
    """The journals the commission report counts: payments and reversals of commission-earning counter
    transactions (reached through `prefix`, e.g. "journal__" from LedgerEntry)."""
    return Q(**{f"{prefix}kind__in": COUNTED_JOURNALS, f"{prefix}counter_transaction__kind__in": EARNING_KINDS})


def journal_aggregates() -> dict[str, Aggregate]:
    """Over counted journals: payments and reversals counted, and the provider services' volume of each
    (a store order's value is the store's figure). A Sum of no rows is None."""
    provider = Q(counter_transaction__kind=CounterTransaction.Kind.PROVIDER)
    return {"transactions": Count("pk", filter=Q(kind=PAYMENT)), "reversals": Count("pk", filter=Q(kind=REVERSAL)),
            "volume_fen": Sum("counter_transaction__amount_fen", filter=Q(kind=PAYMENT) & provider),
            "reversed_volume_fen": Sum("counter_transaction__amount_fen", filter=Q(kind=REVERSAL) & provider)}


# The counted journals' entries that the commission figures are read from.
COMMISSION_ENTRIES = Q(account__purpose=Account.Purpose.COMMISSION, role__in=(COMMISSION, TAX))


def entry_aggregates() -> dict[str, Sum]:
    """Over COMMISSION_ENTRIES: each figure's sum of amounts, as posted. A payment credits each tier its share
    (the figures in CREDITED are negative) and its reversal debits it back (the clawback); tax is a debit
    on the station's account. A Sum of no rows is None."""
    commission = Q(role=COMMISSION)
    return {"gross_fen": Sum("amount_fen", filter=commission & Q(journal__kind=PAYMENT)),
            "clawback_fen": Sum("amount_fen", filter=commission & Q(journal__kind=REVERSAL)),
            "tax_fen": Sum("amount_fen", filter=Q(role=TAX)),
            "operator_fen": Sum("amount_fen", filter=commission & Q(account__station__isnull=False)),
            "township_fen": Sum("amount_fen", filter=commission & Q(account__region__level=Region.Level.TOWNSHIP)),
            "county_fen": Sum("amount_fen", filter=commission & Q(account__region__level=Region.Level.COUNTY)),
            "platform_fen": Sum("amount_fen", filter=commission & Q(account__station__isnull=True,
                                                                     account__region__isnull=True))}
