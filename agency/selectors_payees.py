"""Reads of the payee statements (agency/services/payees.py), narrowed by stations/scope."""

from __future__ import annotations

from django.db.models import QuerySet

from agency.models import PayeeStatement
from stations.scope import get_in_scope, scope_for


def payee_statements(*, user, code_prefix: str = "") -> QuerySet[PayeeStatement]:
    """The statements of the regions the user administers (county admins act on them; township admins read)."""
    rows = PayeeStatement.objects.filter(scope_for(user).q(place="region__path")).select_related(
        "region", "generated_by", "approved_by", "paid_by")
    return rows.filter(payee_code__startswith=code_prefix) if code_prefix else rows


def access_payee_statement_by_id(*, user, statement_id: int, code_prefix: str = "") -> PayeeStatement:
    return get_in_scope(payee_statements(user=user, code_prefix=code_prefix), pk=statement_id)
