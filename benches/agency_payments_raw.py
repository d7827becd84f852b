"""The baseline of benches/agency_payments.py: one client process doing a payment's work with psycopg and no
Django, statement for statement what the database must do for it (the same two transactions)."""

from __future__ import annotations

import json

from benches.agency_payments_ours import pay_loop


def pay_raw(args) -> dict:
    station_id, user_id, product_id, seconds, warmup = args
    import django

    django.setup()
    import uuid

    import psycopg
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection
    from django.utils import timezone

    from agency.models import CommissionDayRollup, CommissionRollup, CounterTransaction, FloatWallet, Product
    from agency.services.common import plan_version_in_force
    from agency.services.ledger import (
        float_account,
        platform_account,
        provider_account,
        region_commission_account,
        station_account,
        station_regions,
    )
    from agency.services.rollups import _columns, _upsert_sql
    from core.timeutil import local_date
    from stations.models import TOWNSHIP_PATH_LENGTH, Station

    station = Station.objects.select_related("village").get(pk=station_id)
    product = Product.objects.select_related("provider", "commission_plan").get(pk=product_id)
    wallet = FloatWallet.objects.get(station=station, float_group="utilities")
    township, county = station_regions(station)
    accounts = {
        "cash": station_account(station, "cash").pk,
        "float": float_account(station, "utilities").pk,
        "provider": provider_account(product.provider).pk,
        "mine": station_account(station, "commission").pk,
        "township": region_commission_account(township).pk,
        "county": region_commission_account(county).pk,
        "platform": platform_account("commission").pk,
        "tax": platform_account("tax").pk,
    }
    content_type = ContentType.objects.get_for_model(CounterTransaction).pk
    plan_id = product.commission_plan_id
    version = plan_version_in_force(product.commission_plan, timezone.localdate())
    township_path = station.village.path[:TOWNSHIP_PATH_LENGTH]
    rollup_sql = {
        model: _upsert_sql(
            model,
            _columns(model),
            "VALUES " + ", ".join(["(" + ", ".join(["%s"] * len(_columns(model))) + ")"] * 2),
        )
        for model in (CommissionRollup, CommissionDayRollup)
    }
    params = connection.get_connection_params()
    connection.close()
    conninfo = {k: v for k, v in params.items() if k in ("dbname", "user", "password", "host", "port")}
    statements = 0

    def execute(cur, sql, args=()):
        nonlocal statements
        statements += 1
        cur.execute(sql, args)

    with psycopg.connect(**conninfo) as db:

        def pay(n: int) -> None:
            amount, key = 10_000 + n % 1000, uuid.uuid4()
            # The commission (1 %: operator 70 %, township 10 %, county 10 %, platform the rest; tax 3 %).
            total = amount // 100
            operator, town, county_share = total * 7 // 10, total // 10, total // 10
            platform, tax = total - operator - town - county_share, operator * 3 // 100
            with db.cursor() as cur:
                execute(cur, "SELECT id FROM agency_countertransaction WHERE idempotency_key = %s", (key,))
                assert cur.fetchone() is None
                with db.transaction():  # open: lock the float, insert pending, reserve
                    execute(
                        cur,
                        "SELECT id, balance_fen, reserved_fen FROM agency_floatwallet WHERE station_id = %s "
                        "AND float_group = 'utilities' FOR UPDATE",
                        (station_id,),
                    )
                    _wallet, balance, reserved = cur.fetchone()
                    assert balance - reserved >= amount
                    execute(
                        cur, "SELECT id FROM agency_countertransaction WHERE idempotency_key = %s", (key,)
                    )
                    assert cur.fetchone() is None
                    execute(
                        cur,
                        "SELECT id FROM agency_commissionplanversion WHERE plan_id = %s AND "
                        "effective_from <= %s ORDER BY effective_from DESC LIMIT 1",
                        (plan_id, timezone.localdate()),
                    )
                    assert cur.fetchone()[0] == version.pk
                    execute(
                        cur,
                        "INSERT INTO agency_countertransaction (reference, idempotency_key, fingerprint, "
                        "kind, station_id, product_id, account_number, customer_name, amount_fen, fee_fen, "
                        "commission_fen, plan_version_id, payment_method, status, provider_reference, "
                        "failure_reason, external_reference, description, created_by_id, created_at, "
                        "reversal_reason, card_status, card_charge_id, card_brand, card_last4, "
                        "card_refund_id) VALUES (%s, %s, %s, 'provider', %s, %s, %s, '', %s, 0, %s, %s, "
                        "'cash', 'pending', '', '', '', '', %s, now(), '', '', '', '', '', '') RETURNING id",
                        (
                            f"RB{uuid.uuid4().hex[:16]}",
                            key,
                            "0" * 64,
                            station_id,
                            product_id,
                            f"{n:08d}12",
                            amount,
                            total,
                            version.pk,
                            user_id,
                        ),
                    )
                    tx_id = cur.fetchone()[0]
                    execute(
                        cur,
                        "UPDATE agency_floatwallet SET reserved_fen = reserved_fen + %s WHERE id = %s",
                        (amount, wallet.pk),
                    )
                    execute(
                        cur,
                        "INSERT INTO core_auditevent (at, actor_id, action, target_type_id, target_id, "
                        "target_repr, data) VALUES (now(), %s, 'agency.transaction.submit', %s, %s, '', "
                        "%s)",
                        (user_id, content_type, str(tx_id), json.dumps({"amount_fen": amount})),
                    )
                with db.transaction():  # settle: lock the transaction, release, post, roll up, mark succeeded
                    execute(
                        cur, "SELECT status FROM agency_countertransaction WHERE id = %s FOR UPDATE", (tx_id,)
                    )
                    assert cur.fetchone()[0] == "pending"
                    execute(
                        cur,
                        "UPDATE agency_floatwallet SET reserved_fen = reserved_fen - %s WHERE station_id = %s "
                        "AND float_group = 'utilities'",
                        (amount, station_id),
                    )
                    execute(
                        cur,
                        "INSERT INTO agency_journal (kind, posted_at, posted_by_id, station_id, "
                        "counter_transaction_id, memo, line_count) VALUES ('payment', now(), %s, %s, %s, "
                        "'', 9) RETURNING id",
                        (user_id, station_id, tx_id),
                    )
                    journal_id = cur.fetchone()[0]
                    lines = [
                        (accounts["cash"], amount, "principal"),
                        (accounts["float"], -amount, "principal"),
                        (accounts["provider"], total, "commission"),
                        (accounts["mine"], -operator, "commission"),
                        (accounts["township"], -town, "commission"),
                        (accounts["county"], -county_share, "commission"),
                        (accounts["platform"], -platform, "commission"),
                        (accounts["mine"], tax, "tax"),
                        (accounts["tax"], -tax, "tax"),
                    ]
                    execute(
                        cur,
                        "INSERT INTO agency_ledgerentry (journal_id, account_id, amount_fen, role) VALUES "
                        + ", ".join(["(%s, %s, %s, %s)"] * len(lines)),
                        [v for line in lines for v in (journal_id, *line)],
                    )
                    sums = (1, amount, 0, 0, total, 0, tax, operator, town, county_share, platform)
                    day = local_date(timezone.now())
                    for model, date in ((CommissionRollup, day.replace(day=1)), (CommissionDayRollup, day)):
                        execute(
                            cur,
                            rollup_sql[model],
                            [
                                v
                                for product_key in (product_id, -1)
                                for v in (date, station_id, product_key, township_path, *sums)
                            ],
                        )
                    execute(
                        cur,
                        "UPDATE agency_countertransaction SET status = 'succeeded', provider_reference = %s, "
                        "failure_reason = '', completed_at = now() WHERE id = %s",
                        (f"SIM{n}", tx_id),
                    )
                    execute(
                        cur,
                        "INSERT INTO core_auditevent (at, actor_id, action, target_type_id, target_id, "
                        "target_repr, data) VALUES (now(), %s, 'agency.transaction.succeed', %s, %s, '', "
                        "%s)",
                        (user_id, content_type, str(tx_id), json.dumps({"provider_reference": n})),
                    )

        count, elapsed, cpu = pay_loop(pay, seconds, warmup)
        before = statements
        pay(10**6)
    return {"count": count, "elapsed": elapsed, "cpu": cpu, "statements": statements - before}
