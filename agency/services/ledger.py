"""Posting to the ledger: accounts by purpose and owner, balanced journals, reversals (once).

Every posting goes through journal_post, which refuses an unbalanced journal before writing
anything and adds a counted journal to the commission rollups (agency/services/rollups.py) in the
same transaction. The database checks the same again (docs/database-invariants.md): the journal
holds the lines it declares and they sum to zero, and inserting float entries moves the cached
FloatWallet.balance_fen. Nothing here checks permissions: the calling service has already done so.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from agency.chart import cached
from agency.models import Account, CashBalance, Journal, LedgerEntry, Provider
from agency.services.rollups import rollup_journal
from core.state_machine import TransitionNotAllowed
from stations.models import Region, Station

Purpose = Account.Purpose


class UnbalancedJournal(ValueError):
    """A journal whose lines do not add up to zero: a programming error, never the user's."""


@dataclass(frozen=True)
class Line:
    account: Account
    amount_fen: int  # debit positive, credit negative
    role: str


def _account(code: str, **fields) -> Account:
    """The account with `code`, from the chart cache (agency/chart.py) or the database, created on first use."""
    return cached("account", code, lambda: _account_row(code, **fields))


def _account_row(code: str, **fields) -> Account:
    account = Account.objects.filter(code=code).first()
    if account is not None:
        return account
    with translation.override(settings.LANGUAGE_CODE):  # names are stored in the county's language
        name = " · ".join(str(p) for p in fields.pop("name_parts"))
    account, created = Account.objects.get_or_create(code=code, defaults={**fields, "name": name[:120]})
    if created and account.purpose == Purpose.CASH:  # a new drawer: its running balance starts at zero
        CashBalance.objects.create(account=account)
    return account


def station_account_code(station: Station, purpose: str) -> str:
    return f"{purpose}:{station.code}"


def station_account(station: Station, purpose: str) -> Account:
    """The station's own account for `purpose` (cash, card, funding, fees, commission, gov/store payable,
    variance), created on first use."""
    return _account(station_account_code(station, purpose), purpose=purpose, station=station,
                    name_parts=(station.name, Purpose(purpose).label))


def station_cash_fen(station: Station) -> int:
    """What the station's drawer should hold now: its cash account's running balance (CashBalance,
    moved by the database with each posting), not a sum over every entry ever posted. One query."""
    code = station_account_code(station, Purpose.CASH)
    return CashBalance.objects.filter(account__code=code).values_list("balance_fen", flat=True).first() or 0


def float_account(station: Station, float_group: str) -> Account:
    return _account(f"float:{station.code}:{float_group}", purpose=Purpose.FLOAT, station=station,
                    float_group=float_group,
                    name_parts=(station.name, Purpose.FLOAT.label, Provider.FloatGroup(float_group).label))


def payee_account_code(payee_code: str) -> str:
    return f"gov_payable:payee:{payee_code}"


def payee_account(payee_code: str, payee_name: str) -> Account:
    """The account of a body a fee is collected for (a government department): what the stations
    hold for it. agency knows only the code and the name the calling app gives."""
    return _account(payee_account_code(payee_code), purpose=Purpose.GOV_PAYABLE,
                    name_parts=(payee_name or payee_code, Purpose.GOV_PAYABLE.label))


def region_commission_account(region: Region) -> Account:
    return _account(f"commission:R{region.code}", purpose=Purpose.COMMISSION, region=region,
                    name_parts=(region.name, Purpose.COMMISSION.label))


def provider_account(provider: Provider) -> Account:
    return _account(f"provider:{provider.code}", purpose=Purpose.PROVIDER, provider=provider,
                    name_parts=(provider.name, Purpose.PROVIDER.label))


def platform_account(purpose: str) -> Account:
    """The platform's accounts: commission (its share), tax withheld, store, platform bank."""
    code = "commission:platform" if purpose == Purpose.COMMISSION else purpose
    return _account(code, purpose=purpose, name_parts=(_("Platform"), Purpose(purpose).label))


def station_regions(station: Station) -> tuple[Region | None, Region | None]:
    """The township and the county the station lies in (one query, then the chart cache's: a village's
    path names its township and county, so a station moved or a tree re-arranged has another key)."""
    return cached("regions", station.village.path, lambda: _station_regions(station.village.path))


def _station_regions(path: str) -> tuple[Region | None, Region | None]:
    step = Region.steplen
    found = {r.level: r for r in Region.objects.filter(path__in=[path[: step * 2], path[: step * 3]])}
    return found.get(Region.Level.TOWNSHIP), found.get(Region.Level.COUNTY)


def journal_post(*, kind: str, lines: Sequence[Line], actor=None, station: Station | None = None,
                 counter_transaction=None, memo: str = "", reverses: Journal | None = None) -> Journal:
    """Write one balanced journal. Lines of zero are dropped; an unbalanced set is refused."""
    lines = [line for line in lines if line.amount_fen != 0]
    if len(lines) < 2 or sum(line.amount_fen for line in lines) != 0:
        raise UnbalancedJournal(f"journal {kind!r} does not balance: {[(ln.account.code, ln.amount_fen) for ln in lines]}")
    # No savepoint inside a caller's transaction: a failure here fails the caller's whole transaction.
    with transaction.atomic(savepoint=False):
        journal = Journal.objects.create(
            kind=kind, posted_at=timezone.now(), posted_by=actor if actor is not None and actor.is_authenticated
            else None, station=station, counter_transaction=counter_transaction, memo=memo[:200], reverses=reverses,
            line_count=len(lines))
        LedgerEntry.objects.bulk_create(  # the database moves the float wallets' balances with these
            [LedgerEntry(journal=journal, account=line.account, amount_fen=line.amount_fen, role=line.role)
             for line in lines])
        rollup_journal(journal=journal, lines=lines, station=station)  # the report's sums, same transaction
    return journal


def journal_reverse(*, journal: Journal, actor=None, memo: str = "") -> Journal:
    """Post the mirror image of `journal`, linked to it. A journal is reversed once: a second attempt
    is refused (also when two race: the one-to-one `reverses` column lets only one in)."""
    if journal.kind == Journal.Kind.REVERSAL:
        raise TransitionNotAllowed(_("A reversal cannot itself be reversed."), code="reverse_reversal")
    if Journal.objects.filter(reverses=journal).exists():
        raise TransitionNotAllowed(_("This posting has already been reversed."), code="already_reversed")
    lines = [Line(e.account, -e.amount_fen, e.role) for e in journal.entries.select_related("account")]
    try:
        with transaction.atomic():
            return journal_post(kind=Journal.Kind.REVERSAL, lines=lines, actor=actor, station=journal.station,
                                counter_transaction=journal.counter_transaction, reverses=journal,
                                memo=memo or f"reverses J{journal.pk}")
    except IntegrityError as error:
        if Journal.objects.filter(reverses=journal).exists():
            raise TransitionNotAllowed(_("This posting has already been reversed."), code="already_reversed") from error
        raise
