"""agency's items for the county home's "needs action" list (stations.attention).

Each counts through the selector behind the list it links to (one query): a township admin counts the
stations of their township. Top-ups and statements are decided by county admins only, so only they are
asked; a cash variance may be decided by the township's admin or the county's.
"""

from django.urls import reverse
from django.utils.translation import gettext as _

from agency import selectors
from agency.models import CommissionStatement, DailyCashClose, FloatTopUpRequest
from agency.selectors_setup import setup_product_list
from stations.attention import Attention, counted
from stations.scope import scope_for


def till_setup_attention(user, region):
    """Set-up step 5: with no product the till takes no payment."""
    if not scope_for(user).is_county_admin or setup_product_list().filter(is_active=True).exists():
        return []
    return [Attention(label=_("Set-up, step 5: the till's providers, commission plans and products"),
                      url=reverse("agency:setup-home"), step=5)]


def close_attention(user, region):
    status = DailyCashClose.Status.AWAITING_APPROVAL
    count = selectors.daily_cash_close_list(user=user, status=status).count()
    return counted(_("Cash variances waiting for a decision"),
                   f"{reverse('agency:county-closes')}?status={status.value}", count)


def top_up_attention(user, region):
    """A station waiting for a top-up cannot take bill payments from that float: urgent."""
    if not scope_for(user).is_county_admin:
        return []
    status = FloatTopUpRequest.Status.REQUESTED
    count = selectors.float_top_up_request_list(user=user, status=status).count()
    return counted(_("Float top-ups waiting for approval"),
                   f"{reverse('agency:county-floats')}?status={status.value}", count, urgent=True)


def statement_attention(user, region):
    if not scope_for(user).is_county_admin:
        return []
    status = CommissionStatement.Status.GENERATED
    count = selectors.commission_statement_list(user=user, status=status).count()
    return counted(_("Commission statements waiting for approval"),
                   f"{reverse('agency:county-statements')}?status={status.value}", count)


SOURCES = (till_setup_attention, close_attention, top_up_attention, statement_attention)
