"""gov_services' items for the county home's "needs action" list (stations.attention).

Each counts through the selector behind the list it links to (one query), so a township admin counts
their township's requests only.
"""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from gov_services.catalogue import selectors as catalogue_selectors
from gov_services.models import Card, DepartmentMembership, Escalation
from gov_services.requests.selectors import requests as request_selectors
from gov_services.selectors import departments as department_selectors
from gov_services.selectors.calendar import calendar_year_missing
from gov_services.supervision import selectors as supervision_selectors
from stations.attention import Attention, counted
from stations.scope import scope_for


def calendar_attention(user, region):
    """From November, county admins are told when next year's working-day calendar is still empty."""
    if not scope_for(user).is_county_admin:
        return []
    year = calendar_year_missing(today=timezone.localdate())
    if year is None:
        return []
    url = f"{reverse('gov_services:calendar-day-list')}?year={year}"
    label = _("Set up the %(year)s holiday calendar: deadlines after New Year depend on it") % {"year": year}
    return [Attention(label=label, url=url, urgent=True)]


def overdue_attention(user, region):
    """Requests past their deadline with the clock running (the county request list's "overdue only")."""
    count = request_selectors.service_request_list(user=user, overdue=True).count()
    return counted(_("Overdue requests"), f"{reverse('gov_services:county-request-list')}?overdue=on", count,
                   urgent=True)


def red_card_attention(user, region):
    """Open requests holding a red card (the supervision board's drill-down)."""
    count = supervision_selectors.board_request_list(user=user, card=Card.RED).count()
    url = f"{reverse('gov_services:supervision-request-list')}?card={Card.RED.value}"
    return counted(_("Red-carded requests still open"), url, count, urgent=True)


def escalation_task_attention(user, region):
    """Escalation steps with a call or referral to record: the county supervision office's work."""
    if not supervision_selectors.can_manage_supervision(user=user):
        return []
    count = supervision_selectors.escalation_list(user=user, status=Escalation.Status.OPEN, tasks_only=True).count()
    url = f"{reverse('gov_services:escalation-list')}?status={Escalation.Status.OPEN.value}&tasks=on"
    return counted(_("Escalation tasks to record"), url, count)


def department_setup_attention(user, region):
    """Active departments nobody works for (their requests would wait unseen); with no department at all,
    set-up step 3."""
    departments = department_selectors.setup_department_list(user=user).filter(is_active=True)
    url = reverse("gov_services:setup-department-list")
    staffed = DepartmentMembership.objects.active().values("department_id")
    count = departments.exclude(pk__in=staffed).count()
    if count:
        return counted(_("Departments with nobody to work their requests"), url, count, urgent=True)
    if scope_for(user).is_county_admin and not departments.exists():
        return [Attention(label=_("Set-up, step 3: add the departments and their officers"), url=url, step=3)]
    return []


def catalogue_setup_attention(user, region):
    """Set-up step 4: a county whose stations can file nothing yet."""
    if not scope_for(user).is_county_admin or catalogue_selectors.service_item_list_for_admin(user=user).exists():
        return []
    return [Attention(label=_("Set-up, step 4: import or add the service catalogue"),
                      url=reverse("gov_services:catalogue-import"), step=4)]


SOURCES = (department_setup_attention, catalogue_setup_attention, calendar_attention, overdue_attention, red_card_attention, escalation_task_attention)
