"""Reads of the station till. Every permission-dependent read starts here.

Scope is stations/scope's: an operator (or liaison) sees their station's rows, a township or county
admin the rows of the stations under their region, a superuser everything. access_*_by_id answer 404
for a row out of scope, as for one that does not exist.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import Q, QuerySet, Sum
from django.http import Http404
from django.utils import timezone

from agency.models import (
    Account,
    CashBalance,
    CommissionPlanVersion,
    CommissionStatement,
    CounterTransaction,
    DailyCashClose,
    FloatTopUpRequest,
    FloatWallet,
    Journal,
    LedgerEntry,
    Product,
    TillWalletPayment,
    Visit,
    VisitErrand,
)
from agency.services.ledger import Purpose, payee_account_code, station_account_code, station_cash_fen
from core.queries import narrowed
from core.timeutil import day_bounds, month_bounds
from stations.models import Station
from stations.scope import get_in_scope, scope_for


def _station_rows(queryset: QuerySet, *, user, status: str | None = None, station_id: int | None = None) -> QuerySet:
    """The rows of the stations in the user's scope; of one status and one station where they are given."""
    return narrowed(scope_for(user).filter(queryset, place="station__village__path", station="station_id"),
                    status=status, station_id=station_id)


# --- catalogue ----------------------------------------------------------------------------------

def product_list(*, active_only: bool = True) -> QuerySet[Product]:
    """Products for the counter's picker, grouped by provider."""
    products = Product.objects.select_related("provider").order_by("provider__name", "name")
    return products.filter(is_active=True, provider__is_active=True) if active_only else products


def product_get(*, product_id: int) -> Product:
    product = Product.objects.select_related("provider").filter(pk=product_id).first()
    if product is None:
        raise Http404
    return product


def plan_version_list(*, plan_id: int) -> QuerySet[CommissionPlanVersion]:
    return CommissionPlanVersion.objects.filter(plan_id=plan_id).order_by("-effective_from")


# --- counter transactions -----------------------------------------------------------------------

def counter_transaction_list(*, user, station_id: int | None = None, status: str | None = None,
                             kind: str | None = None) -> QuerySet[CounterTransaction]:
    """The transactions in scope, newest first (the till's list narrows them further: filters.TransactionFilter)."""
    txs = _station_rows(CounterTransaction.objects.all(), user=user, status=status, station_id=station_id)
    if kind:
        txs = txs.filter(kind=kind)
    return txs.select_related("product__provider", "station", "created_by").order_by("-created_at", "-pk")


def access_counter_transaction_by_id(*, user, transaction_id: int) -> CounterTransaction:
    return get_in_scope(counter_transaction_list(user=user), pk=transaction_id)


def counter_transaction_by_reference(*, user, reference: str) -> CounterTransaction | None:
    return counter_transaction_list(user=user).filter(reference=reference.strip().upper()).first()


# --- wallet payments at the till -----------------------------------------------------------------

def access_till_wallet_payment_by_id(*, user, payment_id: int) -> TillWalletPayment:
    """A WeChat Pay / Alipay payment of a station in the user's scope (404 otherwise)."""
    rows = _station_rows(TillWalletPayment.objects.select_related("station", "counter_transaction"), user=user)
    return get_in_scope(rows, pk=payment_id)


# --- visits -------------------------------------------------------------------------------------

def visit_list(*, user, station_id: int | None = None, status: str | None = None) -> QuerySet[Visit]:
    """Visits at the stations in the user's scope, newest first."""
    visits = _station_rows(Visit.objects.all(), user=user, status=status, station_id=station_id)
    return visits.select_related("station", "opened_by").order_by("-opened_at", "-pk")


def access_visit_by_id(*, user, visit_id: int) -> Visit:
    return get_in_scope(visit_list(user=user), pk=visit_id)


def access_open_visit_for_till(*, user, visit_id) -> Visit | None:
    """The open visit a counter form names (its `visit` field), at a station whose till the user keeps;
    None for no id, a closed visit or one out of reach: the errand is then done outside any visit."""
    try:
        visit_id = int(visit_id)
    except (TypeError, ValueError):
        return None
    visit = visit_list(user=user, status=Visit.Status.OPEN).filter(pk=visit_id).first()
    if visit is None or not scope_for(user).can_keep_till(visit.station):
        return None
    return visit


def resident_recent_payments(*, user, station_id: int, phone: str = "", name: str = "", days: int = 90,
                             limit: int = 5) -> list[CounterTransaction]:
    """A resident's recent till transactions at the station (the account number is their phone, or the
    name the provider gave): the counter's visit screen. One query."""
    matches = Q()
    if phone.strip():
        matches |= Q(account_number=phone.strip())
    if name.strip():
        matches |= Q(customer_name=name.strip())
    if not matches:
        return []
    since = timezone.now() - timedelta(days=days)
    return list(counter_transaction_list(user=user, station_id=station_id).filter(
        matches, created_at__gte=since, status__in=[CounterTransaction.Status.SUCCEEDED,
                                                    CounterTransaction.Status.REVERSED])[:limit])


def visit_errands(*, visit: Visit) -> QuerySet[VisitErrand]:
    return visit.errands.select_related("counter_transaction").order_by("created_at", "pk")


def payee_entries(*, payee_code: str, start=None, end=None) -> QuerySet[LedgerEntry]:
    """The postings to a payee's account (a department's fees held: a fee is a credit, its refund a debit),
    oldest first, with the station and the till reference of each."""
    entries = LedgerEntry.objects.filter(account__code=payee_account_code(payee_code))
    if start is not None:
        entries = entries.filter(journal__posted_at__gte=start)
    if end is not None:
        entries = entries.filter(journal__posted_at__lt=end)
    return entries.select_related("journal__station", "journal__counter_transaction").order_by(
        "journal__posted_at", "pk")


# --- floats -------------------------------------------------------------------------------------

def float_wallet_list(*, user, station_id: int | None = None) -> QuerySet[FloatWallet]:
    wallets = _station_rows(FloatWallet.objects.all(), user=user, station_id=station_id)
    return wallets.select_related("station").order_by("station__code", "float_group")


def access_float_wallet_by_id(*, user, wallet_id: int) -> FloatWallet:
    return get_in_scope(float_wallet_list(user=user), pk=wallet_id)


def station_floats(*, station: Station) -> list[FloatWallet]:
    """The station's wallets (with .available_fen and .is_low) — for the counter, after access is checked."""
    return list(FloatWallet.objects.filter(station=station).order_by("float_group"))


def float_top_up_request_list(*, user, status: str | None = None,
                              station_id: int | None = None) -> QuerySet[FloatTopUpRequest]:
    top_ups = _station_rows(FloatTopUpRequest.objects.all(), user=user, status=status, station_id=station_id)
    return top_ups.select_related("station", "requested_by", "decided_by").order_by("-requested_at", "-pk")


def access_float_top_up_request_by_id(*, user, top_up_id: int) -> FloatTopUpRequest:
    return get_in_scope(float_top_up_request_list(user=user), pk=top_up_id)


# --- daily closes -------------------------------------------------------------------------------

def daily_cash_close_list(*, user, status: str | None = None, station_id: int | None = None) -> QuerySet[DailyCashClose]:
    closes = _station_rows(DailyCashClose.objects.all(), user=user, status=status, station_id=station_id)
    return closes.select_related("station", "closed_by", "decided_by").order_by("-business_date", "station__code")


def access_daily_cash_close_by_id(*, user, close_id: int) -> DailyCashClose:
    return get_in_scope(daily_cash_close_list(user=user), pk=close_id)


def daily_cash_close_for(*, station: Station, on: date | None = None) -> DailyCashClose | None:
    return DailyCashClose.objects.filter(station=station, business_date=on or timezone.localdate()).first()


# --- statements ---------------------------------------------------------------------------------

def commission_statement_list(*, user, status: str | None = None,
                              station_id: int | None = None) -> QuerySet[CommissionStatement]:
    statements = _station_rows(CommissionStatement.objects.all(), user=user, status=status, station_id=station_id)
    return statements.select_related("station", "generated_by", "approved_by", "paid_by").order_by(
        "-month", "station__code")


def access_commission_statement_by_id(*, user, statement_id: int) -> CommissionStatement:
    return get_in_scope(commission_statement_list(user=user), pk=statement_id)


# --- balances and the counter's summary ----------------------------------------------------------

def account_balance_fen(*, account: Account | str, until=None) -> int:
    """The balance of `account` (or the account with that code) from its entries (debit positive),
    optionally up to a moment."""
    entries = LedgerEntry.objects.filter(**({"account__code": account} if isinstance(account, str)
                                            else {"account": account}))
    if until is not None:
        entries = entries.filter(journal__posted_at__lt=until)
    return entries.aggregate(total=Sum("amount_fen"))["total"] or 0


def station_commission_this_month_fen(*, station: Station) -> int:
    """Net commission (after tax and clawbacks) posted to the station this month so far."""
    start, end = month_bounds(timezone.localdate())
    code = station_account_code(station, Purpose.COMMISSION)
    total = (LedgerEntry.objects.filter(account__code=code, journal__posted_at__gte=start, journal__posted_at__lt=end)
             .exclude(role=LedgerEntry.Role.PAYOUT).aggregate(total=Sum("amount_fen"))["total"] or 0)
    return -total


def station_till_summary(*, station: Station) -> dict:
    """What the counter home shows: today's transactions, the floats, cash expected, commission this month."""
    start, end = day_bounds(timezone.localdate())
    today = (CounterTransaction.objects.filter(station=station, created_at__gte=start, created_at__lt=end)
             .select_related("product").order_by("-created_at", "-pk"))
    return {
        "transactions": list(today[:50]),
        "succeeded_count": today.filter(status=CounterTransaction.Status.SUCCEEDED).count(),
        "unknown_count": today.filter(Q(status=CounterTransaction.Status.UNKNOWN)).count(),
        "floats": station_floats(station=station),
        "expected_cash_fen": station_cash_fen(station),
        "commission_this_month_fen": station_commission_this_month_fen(station=station),
        "close": daily_cash_close_for(station=station),
    }


# --- ledger checks (tests, reports, an admin health page) ---------------------------------------

def unbalanced_journals() -> QuerySet[Journal]:
    """Journals whose entries do not add up to zero: always empty unless the database was tampered with."""
    return Journal.objects.annotate(total=Sum("entries__amount_fen")).exclude(total=0)


def ledger_total_fen() -> int:
    """The sum of every entry in the ledger: zero."""
    return LedgerEntry.objects.aggregate(total=Sum("amount_fen"))["total"] or 0


def float_wallet_mismatches() -> list[tuple[FloatWallet, int]]:
    """Wallets whose cached balance differs from their account's entries (with the ledger's figure)."""
    derived = dict(LedgerEntry.objects.filter(account__purpose=Purpose.FLOAT).values("account_id")
                   .annotate(total=Sum("amount_fen")).values_list("account_id", "total"))
    return [(w, derived.get(w.account_id, 0)) for w in FloatWallet.objects.all()
            if w.balance_fen != derived.get(w.account_id, 0)]


def cash_balance_mismatches() -> list[tuple[Account, int | None, int]]:
    """Cash accounts whose running balance (CashBalance) differs from their entries, or has no row:
    (account, running balance or None, the ledger's figure). Always empty unless the database was
    tampered with."""
    derived = dict(LedgerEntry.objects.filter(account__purpose=Purpose.CASH).values("account_id")
                   .annotate(total=Sum("amount_fen")).values_list("account_id", "total"))
    running = dict(CashBalance.objects.values_list("account_id", "balance_fen"))
    return [(account, running.get(account.pk), derived.get(account.pk, 0))
            for account in Account.objects.filter(purpose=Purpose.CASH).order_by("code")
            if running.get(account.pk) != derived.get(account.pk, 0)]


def reserved_mismatches() -> list[tuple[FloatWallet, int]]:
    """Wallets whose reservation differs from the amounts of their pending and unknown collect payments."""
    open_ = (CounterTransaction.objects.filter(status__in=[CounterTransaction.Status.PENDING,
                                                           CounterTransaction.Status.UNKNOWN],
                                               kind=CounterTransaction.Kind.PROVIDER,
                                               product__direction=Product.Direction.COLLECT)
             .values("station_id", "product__provider__float_group").annotate(total=Sum("amount_fen")))
    held = {(r["station_id"], r["product__provider__float_group"]): r["total"] for r in open_}
    return [(w, held.get((w.station_id, w.float_group), 0)) for w in FloatWallet.objects.all()
            if w.reserved_fen != held.get((w.station_id, w.float_group), 0)]


def ledger_restore_problems() -> list[str]:
    """The ledger as a restored backup must hold it (core/restore_checks.py): every journal balances, the
    whole ledger sums to zero, cached wallet and cash balances agree with the entries."""
    problems = [f"journal {j.pk} adds up to {j.total} fen" for j in unbalanced_journals()[:50]]
    if (total := ledger_total_fen()) != 0:
        problems.append(f"the ledger sums to {total} fen, not 0")
    problems += [f"wallet {w.pk}: balance {w.balance_fen} fen, entries {derived} fen"
                 for w, derived in float_wallet_mismatches()]
    problems += [f"cash account {a.code}: running {running} fen, entries {derived} fen"
                 for a, running, derived in cash_balance_mismatches()]
    return problems
