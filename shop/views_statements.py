"""Monthly merchant statements: the county generates, approves and pays them; a merchant reads their own."""

from datetime import date

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View

from core.http import required_int
from core.timeutil import last_full_month, parse_month
from shop.models import MerchantStatement
from shop.selectors import merchants as merchant_selectors
from shop.services import statements as services
from shop.views_merchant import MerchantWorkspaceMixin
from stations.mixins import CountyStaffMixin
from stations.scope import require


def _month(text: str | None) -> date:
    """"YYYY-MM" → its first day; last month when missing or malformed."""
    try:
        return parse_month(text or "")
    except ValueError:
        return last_full_month()


class CountyMerchantStatementListView(CountyStaffMixin, View):
    template_name = "shop/county_merchant_statements.html"

    def get(self, request):
        month = _month(request.GET.get("month"))
        statements = merchant_selectors.merchant_statement_list(user=request.user).filter(month=month)
        statements = statements.select_related("merchant__partner", "generated_by", "approved_by")
        return render(request, self.template_name, {
            "month": month, "statements": statements,
            "can_change": merchant_selectors.can_manage_merchants(user=request.user),
            "totals": {key: sum(getattr(s, key) for s in statements)
                       for key in ("sales_fen", "refunds_fen", "commission_fen", "net_fen")}})

    def post(self, request):
        require(merchant_selectors.can_manage_merchants(user=request.user),
                _("Only the county's admins generate and approve merchant statements."))
        month = _month(request.POST.get("month"))
        try:
            if request.POST.get("approve"):
                statement_id = required_int(request.POST, "approve")
                services.merchant_statement_approve(actor=request.user, statement_id=statement_id)
                messages.success(request, _("The statement is approved."))
            elif request.POST.get("pay"):
                statement_id = required_int(request.POST, "pay")
                services.merchant_statement_pay(actor=request.user, statement_id=statement_id,
                                                payment_reference=request.POST.get("payment_reference", ""))
                messages.success(request, _("The payout is recorded."))
            else:
                made = services.merchant_statements_generate_month(actor=request.user, month=month)
                messages.success(request, _("%(n)d statements are ready.") % {"n": len(made)})
        except ValidationError as error:
            messages.error(request, error.messages[0])
        return redirect(f"{request.path}?month={month:%Y-%m}")


class MerchantStatementListView(MerchantWorkspaceMixin, View):
    def get(self, request):
        merchant = merchant_selectors.merchant_for_user(user=request.user)
        statements = merchant.statements.all() if merchant else MerchantStatement.objects.none()
        return self.render("shop/merchant_statements.html", {"statements": statements})
