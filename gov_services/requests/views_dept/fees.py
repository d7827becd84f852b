"""The department's fee statement (/dept/fees/): the government fees stations took for the department in
a month, and the refunds of requests not accepted, read from agency's ledger (the department's own
account: agency.selectors.payee_entries). A department sees its own; a superuser every department."""

from __future__ import annotations

from datetime import date

from django.template.response import TemplateResponse
from django.views import View

from agency.selectors import payee_entries
from core.http import int_or_none
from core.timeutil import local_date, month_bounds, month_start
from gov_services.selectors import departments as department_selectors
from stations.mixins import DepartmentStaffMixin


def _month(text: str | None) -> date:
    try:
        year, month = (int(part) for part in (text or "").split("-"))
        return date(year, month, 1)
    except (TypeError, ValueError):
        return month_start(local_date())


class DepartmentFeeStatementView(DepartmentStaffMixin, View):
    template_name = "gov_services/dept_fees.html"

    def get(self, request):
        user = request.user
        memberships = list(department_selectors.memberships_of(user=user))
        departments = [m.department for m in memberships] or (
            list(department_selectors.department_list(user=user)) if user.is_superuser else [])
        chosen = int_or_none(request.GET.get("department"))
        department = next((d for d in departments if d.pk == chosen), departments[0] if departments else None)
        month = _month(request.GET.get("month"))
        start, end = month_bounds(month)
        rows = list(payee_entries(payee_code=department.code, start=start, end=end)) if department else []
        for row in rows:
            row.fee_fen = -row.amount_fen  # the department's view: a fee held for it is positive
        charged = -sum(r.amount_fen for r in rows if r.amount_fen < 0)
        refunded = sum(r.amount_fen for r in rows if r.amount_fen > 0)
        return TemplateResponse(request, self.template_name, {
            "departments": departments, "department": department, "month": month, "rows": rows,
            "charged_fen": charged, "refunded_fen": refunded, "net_fen": charged - refunded,
            "previous": month_start(month, -1), "next": month_start(month, 1) if month < month_start(local_date())
            else None,
        })
