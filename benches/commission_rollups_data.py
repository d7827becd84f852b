"""The data of benches/commission_rollups.py (described in its docstring): the county, its 400 stations,
the products and commission accounts, and the counter transactions, journals and commission entries
generated with SQL on the bench database; then the rollups rebuilt by agency's own command."""

from __future__ import annotations

import json
import sys
import time

from benches.harness import progress
from benches.harness.regions import region_node
from benches.harness.worlds import commission_plan, station_node

TOWNSHIPS, VILLAGES, PROVIDERS, PRODUCTS_EACH = 20, 20, 8, 2


def make_world() -> dict:
    """The county, its stations, the products and every commission account (made once)."""
    from agency.models import Product, Provider
    from agency.services.ledger import platform_account, region_commission_account, station_account

    city = region_node("970000", "佣金基准市", "city")
    county = region_node("970100", "佣金基准县", "county", city)
    stations, townships = [], []
    for t in range(TOWNSHIPS):
        town = region_node(f"970100{t:03d}", f"佣金镇{t}", "township", county)
        townships.append(town)
        for v in range(VILLAGES):
            village = region_node(f"970100{t:03d}{v:03d}", f"佣金村{t}-{v}", "village", town)
            stations.append(station_node(f"BR{t:02d}{v:02d}", f"佣金站{t}-{v}", village, address="村委会"))
    plan = commission_plan("bench-rollups", "基准佣金", min_fen=10)
    products = []
    for p in range(PROVIDERS):
        provider, _ = Provider.objects.get_or_create(
            code=f"bench-rollups-{p}",
            defaults={
                "name": f"基准服务商{p}",
                "float_group": Provider.FloatGroup.choices[p % len(Provider.FloatGroup.choices)][0],
            },
        )
        for k in range(PRODUCTS_EACH):
            products.append(
                Product.objects.get_or_create(
                    code=f"bench-rollups-{p}-{k}",
                    defaults={
                        "provider": provider,
                        "name": f"基准产品{p}-{k}",
                        "kind": Product.Kind.choices[0][0],
                        "amount_max_fen": 500_000,
                        "commission_plan": plan,
                    },
                )[0]
            )
    accounts = {
        "operator": [station_account(s, "commission").pk for s in stations],
        "township": [region_commission_account(townships[i // VILLAGES]).pk for i in range(len(stations))],
        "county": region_commission_account(county).pk,
        "platform": platform_account("commission").pk,
    }
    return {"county": county, "stations": stations, "products": products, "accounts": accounts}


def _defaults(model, given: set[str]) -> tuple[list[str], list]:
    """The columns of `model` not in `given`, with their Python defaults: the INSERT stays valid when
    another change adds a field with a default."""
    columns, values = [], []
    for field in model._meta.concrete_fields:
        if field.column in given or field.primary_key or (field.null and not field.has_default()):
            continue
        columns.append(field.column)
        value = field.get_default()
        values.append(json.dumps(value) if isinstance(value, list | dict) else value)
    return columns, values


def generate(world: dict, rows: int) -> dict:
    """(Re)generate the raw rows when their number is not `rows`, then rebuild the rollups."""
    from django.core.management import call_command
    from django.db import connection, transaction

    from agency.models import CommissionDayRollup, CommissionRollup, CounterTransaction

    with connection.cursor() as cursor:
        # The entries are written last: a run stopped half-way regenerates everything.
        cursor.execute(
            "SELECT (SELECT count(*) FROM agency_countertransaction WHERE reference LIKE 'B%%'), "
            "EXISTS (SELECT 1 FROM agency_ledgerentry)"
        )
        fresh = cursor.fetchone() != (rows, True)
        if fresh:
            progress(f"generating {rows:,} transactions with SQL…")
            started = time.monotonic()
            given = {
                "reference",
                "idempotency_key",
                "fingerprint",
                "kind",
                "station_id",
                "product_id",
                "amount_fen",
                "commission_fen",
                "status",
                "created_at",
                "completed_at",
                "payment_method",
            }
            extra_columns, extra_values = _defaults(CounterTransaction, given)
            args = {
                "n": rows,
                "stations": [s.pk for s in world["stations"]],
                "products": [p.pk for p in world["products"]],
                **world["accounts"],
                "operators": world["accounts"]["operator"],
                "townships": world["accounts"]["township"],
            }
            sql = _TRANSACTIONS.format(
                extra="".join(f", {c}" for c in extra_columns),
                extra_values="".join(f", %(extra{i})s" for i in range(len(extra_values))),
            )
            # All or nothing, with the database's triggers off for this one transaction: the ledger is
            # append-only (TRUNCATE is refused) and the transactions' state machine admits a row only as
            # pending, while this throwaway database is written directly in its final states.
            with transaction.atomic():
                cursor.execute("SET LOCAL session_replication_role = replica")
                cursor.execute(
                    "TRUNCATE agency_ledgerentry, agency_journal, agency_countertransaction, "
                    "agency_commissionrollup, agency_commissiondayrollup RESTART IDENTITY CASCADE"
                )
                cursor.execute(sql, {**args, **{f"extra{i}": v for i, v in enumerate(extra_values)}})
                for statement in _DERIVED:
                    cursor.execute(statement, args)
                cursor.execute(_LINES_DIFFER)  # on a sample: the count above is the entries' own
                if cursor.fetchone()[0]:
                    raise RuntimeError("a generated journal's line_count differs from its entries")
            cursor.execute("ANALYZE")
            progress(f"  generated in {time.monotonic() - started:.0f} s")
        cursor.execute("SELECT count(*) FROM agency_journal")
        journals = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM agency_ledgerentry")
        entries = cursor.fetchone()[0]
    rebuild = 0.0
    if fresh or not CommissionRollup.objects.exists():
        progress("rebuilding the rollups with manage.py commission_rollups_rebuild…")
        started = time.monotonic()
        call_command("commission_rollups_rebuild", stdout=sys.stderr)
        rebuild = time.monotonic() - started
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE agency_commissionrollup")
            cursor.execute("VACUUM ANALYZE agency_commissiondayrollup")
    return {
        "journals": journals,
        "entries": entries,
        "rebuild_s": rebuild,
        "month_rows": CommissionRollup.objects.count(),
        "day_rows": CommissionDayRollup.objects.count(),
    }


# Transaction i: station (i × 7919) mod 400, product i mod 17 (16 = a store order commission, no
# product), amount 10.00–509.99 yuan, completed at 2024-01-01 00:00 Beijing + (i − 1) × 730 days / n.
# Commission 1 %, at least 0.10: operator 70 %, township 10 %, county 10 %, platform the rest; tax 3 % of
# the operator's share, rounded half up.
_TRANSACTIONS = """
INSERT INTO agency_countertransaction
  (id, reference, idempotency_key, fingerprint, kind, station_id, product_id, amount_fen, commission_fen,
   status, created_at, completed_at, payment_method {extra})
SELECT i, 'B' || lpad(i::text, 12, '0'), gen_random_uuid(), '',
       CASE WHEN i %% 17 = 16 THEN 'order_commission' ELSE 'provider' END,
       (%(stations)s::bigint[])[(1 + (i * 7919) %% 400)::int],
       CASE WHEN i %% 17 < 16 THEN (%(products)s::bigint[])[(1 + i %% 17)::int] END,
       a.amount, greatest(a.amount / 100, 10),
       CASE WHEN i %% 50 = 0 THEN 'reversed' ELSE 'succeeded' END, a.at, a.at,
       CASE WHEN i %% 17 = 16 THEN 'none' ELSE 'cash' END {extra_values}
FROM generate_series(1, %(n)s::bigint) AS i,  -- bigint: i × 7919 passes 2^31
     LATERAL (SELECT 1000 + (i * 37) %% 50000 AS amount,
                     timestamptz '2024-01-01 00:00:00+08' + (i - 1) * (interval '730 days' / %(n)s) AS at) AS a
"""
# The tax withheld from the operator's share of transaction t's commission (3 %, rounded half up).
_TAX = "((t.commission_fen * 7000 / 10000 * 300 + 5000) / 10000)"
# A journal's entries: operator, township, county and platform shares (each > 0 for a commission of at
# least 0.10), and the tax when it is not zero. Set as the journals are written: a count over 50 million
# entries afterwards was an UPDATE of every journal that took longer than writing them.
_LINES = f"(4 + (CASE WHEN {_TAX} <> 0 THEN 1 ELSE 0 END))"
_LINES_DIFFER = """SELECT count(*) FROM agency_journal j WHERE j.id % 997 = 0
                    AND j.line_count <> (SELECT count(*) FROM agency_ledgerentry e WHERE e.journal_id = j.id)"""
_DERIVED = [
    """SELECT setval(pg_get_serial_sequence('agency_countertransaction', 'id'), %(n)s)""",
    # A journal's line_count is its entries' number, known from the commission alone (see _LINES).
    """INSERT INTO agency_journal (id, kind, posted_at, station_id, counter_transaction_id, memo, line_count)
       SELECT id, 'payment', completed_at, station_id, id, reference, """ + _LINES + """ FROM agency_countertransaction t""",
    """SELECT setval(pg_get_serial_sequence('agency_journal', 'id'), %(n)s)""",
    """INSERT INTO agency_journal (kind, posted_at, station_id, counter_transaction_id, reverses_id, memo, line_count)
       SELECT 'reversal', completed_at + interval '1 hour', station_id, id, id, reference, """ + _LINES + """
       FROM agency_countertransaction t WHERE status = 'reversed'""",
    """SELECT setval(pg_get_serial_sequence('agency_journal', 'id'), (SELECT max(id) FROM agency_journal))""",
    # The entries on commission accounts, by share: sign −1 credits a payment, +1 debits it back.
    """INSERT INTO agency_ledgerentry (journal_id, account_id, amount_fen, role)
       SELECT j.id, x.account, x.amount * s.sign, x.role
       FROM agency_journal j
       JOIN agency_countertransaction t ON t.id = j.counter_transaction_id,
       LATERAL (SELECT CASE WHEN j.kind = 'payment' THEN -1 ELSE 1 END AS sign,
                       t.commission_fen * 7000 / 10000 AS op,
                       t.commission_fen * 1000 / 10000 AS tenth,
                       (%(stations)s::bigint[]) AS st) AS s,
       LATERAL (VALUES
         ((%(operators)s::bigint[])[array_position(s.st, t.station_id)], s.op, 'commission'),
         ((%(townships)s::bigint[])[array_position(s.st, t.station_id)], s.tenth, 'commission'),
         (%(county)s::bigint, s.tenth, 'commission'),
         (%(platform)s::bigint, t.commission_fen - s.op - 2 * s.tenth, 'commission'),
         ((%(operators)s::bigint[])[array_position(s.st, t.station_id)], -""" + _TAX + """, 'tax')
       ) AS x(account, amount, role)
       WHERE x.amount <> 0""",
]
