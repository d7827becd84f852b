"""What only PostgreSQL holds (docs/database-invariants.md): TRUNCATE refused, a journal's lines
checked at commit, the state machines installed as the code has them, and the application's role,
which runs the till but cannot alter what the triggers guard, nor the triggers themselves."""

import re
from uuid import uuid4

import pytest
from django.db import IntegrityError, ProgrammingError, connection, transaction
from django.utils import timezone

from agency import db_invariants
from agency.models import CommissionStatement, Journal
from agency.services.ledger import Purpose, station_account
from core.db_app_role import app_role_grant
from tests.agency.factories import ProductFactory
from tests.agency.invariant_helpers import assert_ledger_sound, run, second_county_admin, till_day

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

APPEND_ONLY = ("core_auditevent", "agency_account", "agency_journal", "agency_ledgerentry",
               "agency_commissionstatementline", "gov_services_requestevent", "gov_services_certificateprint",
               "shop_orderpartevent", "shop_paymentevent")
KEPT = ("agency_countertransaction", "agency_floatwallet", "agency_floattopuprequest", "agency_dailycashclose",
        "agency_commissionstatement")


def denied(sql: str) -> None:
    """The application's role may not run `sql` at all (insufficient privilege, or not the owner)."""
    with pytest.raises(ProgrammingError, match=r"permission denied|must be owner"), transaction.atomic():
        run(sql)


@pytest.mark.parametrize("table", APPEND_ONLY + KEPT)
def test_postgresql_refuses_to_truncate_a_ledger_audit_or_event_table(table):
    kind = "append-only" if table in APPEND_ONLY else "kept"
    with pytest.raises(IntegrityError, match=f"{table} rows are {kind}: TRUNCATE refused"), transaction.atomic():
        run(f"TRUNCATE {table} CASCADE")


def test_a_journal_short_of_the_lines_it_declares_is_not_committed(station):
    cash, fees = station_account(station, Purpose.CASH), station_account(station, Purpose.FEES)
    with pytest.raises(IntegrityError, match="does not balance: 2 of its 3 lines"), transaction.atomic():
        run("INSERT INTO agency_journal (kind, posted_at, memo, line_count) VALUES ('payment', %s, 'short', 3)",
            [timezone.now()])
        journal_id = Journal.objects.get(memo="short").pk
        run("INSERT INTO agency_ledgerentry (journal_id, account_id, amount_fen, role) VALUES "
            "(%s, %s, 100, 'principal'), (%s, %s, -100, 'principal')", [journal_id, cash.pk, journal_id, fees.pk])
        connection.check_constraints()  # what COMMIT runs: the deferred constraint triggers


def _installed_moves(trigger: str) -> tuple[str, ...]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT tgargs FROM pg_trigger WHERE tgname = %s", [trigger])
        (args,) = cursor.fetchone()
    return tuple(sorted(arg.decode() for arg in bytes(args).split(b"\0") if arg))


def test_the_state_machines_in_the_database_are_those_of_the_code(db):
    assert _installed_moves("agency_countertransaction_status_moves") == db_invariants.TRANSACTION_MOVES
    assert _installed_moves("agency_floattopuprequest_status_moves") == db_invariants.TOP_UP_MOVES
    assert _installed_moves("agency_dailycashclose_status_moves") == db_invariants.CLOSE_MOVES
    assert _installed_moves("agency_commissionstatement_status_moves") == db_invariants.STATEMENT_MOVES
    with connection.cursor() as cursor:
        cursor.execute("SELECT prosrc FROM pg_proc WHERE proname = 'agency_countertransaction_guard'")
        (source,) = cursor.fetchone()
    card_moves = source.split("card_status || '>' || NEW.card_status) = ANY (ARRAY[")[1].split("])")[0]
    assert sorted(re.findall(r"'([a-z_]*>[a-z_]+)'", card_moves)) == sorted(db_invariants.CARD_MOVES)


# --- the application's role ---------------------------------------------------------------------

@pytest.fixture
def app_role(db):
    """A role of this test's own, granted as `make production` grants cunzhan_app (rolled back after)."""
    role = f"cz_test_app_{uuid4().hex[:10]}"
    run(f"CREATE ROLE {role} NOLOGIN")
    app_role_grant(role=role)
    return role


def test_the_applications_role_runs_the_till_but_cannot_touch_what_the_database_guards(
        app_role, operator, station, county_admin, township_admin, tree):
    product, plain = ProductFactory(), ProductFactory(account_check_digit="none")
    checker = second_county_admin(tree)
    run(f"SET LOCAL ROLE {app_role}")
    paid = till_day(operator=operator, station=station, product=product, plain=plain, county_admin=county_admin,
                    township_admin=township_admin, checker=checker)
    assert paid.status == CommissionStatement.Status.PAID
    connection.check_constraints()
    assert_ledger_sound()
    journal = Journal.objects.first()
    for sql in (f"UPDATE agency_journal SET memo = 'x' WHERE id = {journal.pk}",
                f"DELETE FROM agency_ledgerentry WHERE journal_id = {journal.pk}",
                "TRUNCATE agency_journal CASCADE",
                "TRUNCATE agency_commissionrollup",  # a table the triggers do not guard: no TRUNCATE for the app
                "DELETE FROM agency_countertransaction",
                "UPDATE core_auditevent SET action = 'x'",
                "INSERT INTO django_migrations (app, name, applied) VALUES ('agency', 'forged', now())",
                "ALTER TABLE agency_journal DISABLE TRIGGER agency_journal_append_only",
                "DROP TRIGGER agency_journal_balances ON agency_journal",
                "CREATE TABLE cz_forged (id integer)",
                "SET session_replication_role = replica"):
        denied(sql)
    run("RESET ROLE")


def test_tables_a_later_migration_creates_are_granted_to_the_applications_role(app_role):
    run("CREATE TABLE cz_later_migration (id integer)")  # as the owner, as `migrate` would
    run(f"SET LOCAL ROLE {app_role}")
    run("INSERT INTO cz_later_migration (id) VALUES (1)")
    run("UPDATE cz_later_migration SET id = 2")
    denied("TRUNCATE cz_later_migration")
    run("RESET ROLE")
