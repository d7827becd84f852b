"""The monthly settlement with the responders: what the county owes each for the services it subsidised,
through agency's payee statements (agency/services/payees.py): care hands over the amounts and references,
agency keeps the ledger, the statements, the maker-checker approval and the payout."""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext as _

from accounts.models import User
from agency.models import PayeeStatement
from agency.services.payees import payee_month_figures, payee_statement_generate
from care.models import Responder
from care.services.calls.closing import payee_code
from stations.scope import require, scope_for

PAYEE_PREFIX = "care:"


def care_statements_generate(*, actor: User, month: date) -> list[PayeeStatement]:
    """A statement for every responder the actor's county contracts that was owed a subsidy in `month`
    (generating again returns the same statements)."""
    scope = scope_for(actor)
    require(scope.is_county_admin, _("Only county admins settle with the responders."))
    statements = []
    for responder in Responder.objects.select_related("region").order_by("name", "pk"):
        if not scope.covers(responder.region.path, county_only=True):
            continue
        count, _total = payee_month_figures(payee_code=payee_code(responder), month=month)
        if count:
            statements.append(payee_statement_generate(actor=actor, region=responder.region,
                                                       payee_code=payee_code(responder),
                                                       payee_name=responder.name, month=month))
    return statements
