"""Append-only on SQLite as on PostgreSQL (shop/migrations/0007): an order part's history and the
payment providers' notifications (core/db_invariants.py makes the triggers after `migrate`)."""

from core.db_invariants import append_only

SQLITE_TRIGGERS = [*append_only("shop_orderpartevent"), *append_only("shop_paymentevent")]
