"""Append-only on SQLite as on PostgreSQL (gov_services/migrations/0003, 0009 and 0032): a request's
events, their hash chain and the certificate print log (core/db_invariants.py makes the triggers after
`migrate`)."""

from core.db_invariants import append_only

SQLITE_TRIGGERS = [*append_only("gov_services_requestevent"), *append_only("gov_services_requesteventseal"),
                   *append_only("gov_services_certificateprint")]
