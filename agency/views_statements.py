"""The stations' monthly commission statements (/county/statements/ …): generate a month, approve (another
person), mark paid, export as CSV and PDF.

Township and county admins see the statements of the stations under their region (the selectors scope
every list); generating, approving and marking paid are for county admins only (`CountyOfficeMixin`: 403
for a township admin before any form is read), and nobody approves what they generated themselves.

A station's statements and their files are also the operator's (read-only, their station only):
the same pages under /counter/till/statements/ …, with the counter's breadcrumbs (`CounterStatementMixin`).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.generic import ListView, View

from agency import selectors, services
from agency.filters import StatementFilter
from agency.forms import MarkPaidForm, StatementGenerateForm
from agency.models import CommissionStatement
from agency.views_common import (
    FIELD_OF_SERVICE_KEY,
    BackOfficeMixin,
    CountyOfficeMixin,
    TillAccessMixin,
    error_text,
)
from core.http import site_file_response
from core.money import yuan_plain
from core.service_errors import errors_onto
from core.spreadsheets import spreadsheet_response, write_csv
from stations.scope import scope_for

LIST_PAGE_SIZE = 40


# ---------------------------------------------------------------------------------------------
# 1. The back office: the list, generating a month, one statement, approve, mark paid
# ---------------------------------------------------------------------------------------------

class StatementAdminListView(BackOfficeMixin, ListView):
    template_name = "agency/statement_list.html"
    context_object_name = "statements"
    paginate_by = LIST_PAGE_SIZE

    def get_filter(self) -> StatementFilter:
        if not hasattr(self, "search"):
            self.search = statement_filter(self.request)
        return self.search

    def get_queryset(self):
        return self.get_filter().qs

    def get_context_data(self, **kwargs):
        statements = self.get_queryset()
        totals = {f: sum(getattr(s, f) for s in statements) for f in ("gross_fen", "clawback_fen", "tax_fen", "net_fen")}
        search = self.get_filter()
        return super().get_context_data(
            workspace="county", region=self.region, filter_form=search.form, totals=totals,
            export_month=search.cleaned().get("month"),
            generate_form=StatementGenerateForm(today=timezone.localdate()),
            may_generate=scope_for(self.request.user).is_county_admin, **kwargs)


def statement_filter(request) -> StatementFilter:
    """The statements in the admin's region with the query string's filters (the list's and its CSV's)."""
    return StatementFilter(request.GET, queryset=selectors.commission_statement_list(user=request.user),
                           today=timezone.localdate())


class StatementGenerateView(CountyOfficeMixin, View):
    """Generate every station's statement for an ended month, now (a month takes well under a second).

    Idempotent: a month already generated is left as it is.
    """

    http_method_names = ["post"]

    def post(self, request):
        form = StatementGenerateForm(request.POST, today=timezone.localdate())
        if not form.is_valid():
            messages.error(request, _("Choose a month that has ended."))
            return HttpResponseRedirect(reverse("agency:county-statements"))
        month = form.cleaned_data["month"]
        try:
            statements = services.commission_statements_generate_month(actor=request.user, month=month)
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, error_text(error))
            return HttpResponseRedirect(reverse("agency:county-statements"))
        messages.success(request, ngettext("%(count)d statement for %(month)s is ready.",
                                           "%(count)d statements for %(month)s are ready.", len(statements))
                         % {"count": len(statements), "month": f"{month:%Y-%m}"})
        return HttpResponseRedirect(f"{reverse('agency:county-statements')}?month={month:%Y-%m}")


class StatementPageMixin:
    """One statement with its lines by product, and the actions its reader may take."""

    workspace = "county"

    def get_statement(self, pk: int) -> CommissionStatement:
        return selectors.access_commission_statement_by_id(user=self.request.user, statement_id=pk)

    def render_page(self, statement, *, paid_form=None, status: int = 200):
        user = self.request.user
        decides = self.workspace == "county" and scope_for(user).can_decide_for_station(statement.station,
                                                                                         county_only=True)
        Status = CommissionStatement.Status
        return TemplateResponse(self.request, "agency/statement_detail.html", {
            "statement": statement, "lines": list(statement.lines.select_related("product").order_by("label")),
            "workspace": self.workspace, "region": getattr(self, "region", None),
            "station": statement.station,
            "may_approve": decides and statement.status == Status.GENERATED,
            "is_maker": statement.generated_by_id is not None and statement.generated_by_id == user.pk,
            "may_pay": decides and statement.status == Status.APPROVED,
            "paid_form": paid_form or MarkPaidForm(),
        }, status=status)


class StatementDetailView(BackOfficeMixin, StatementPageMixin, View):
    def get(self, request, pk):
        return self.render_page(self.get_statement(pk))


class StatementApproveView(CountyOfficeMixin, StatementPageMixin, View):
    """The checker: a county admin other than the one who generated the statement."""

    http_method_names = ["post"]

    def post(self, request, pk):
        statement = self.get_statement(pk)
        try:
            services.commission_statement_approve(actor=request.user, statement=statement)
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, error_text(error))
        else:
            messages.success(request, _("Statement approved. It can now be paid."))
        return HttpResponseRedirect(reverse("agency:county-statement-detail", args=[statement.pk]))


class StatementPayView(CountyOfficeMixin, StatementPageMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        statement = self.get_statement(pk)
        form = MarkPaidForm(request.POST)
        if form.is_valid():
            try:
                services.commission_statement_mark_paid(actor=request.user, statement=statement,
                                                        payment_reference=form.cleaned_data["payment_reference"])
            except PermissionDenied as error:
                messages.error(request, error_text(error))
            except ValidationError as error:
                errors_onto(form, error, fields=FIELD_OF_SERVICE_KEY)
            else:
                messages.success(request, _("Statement marked paid."))
                return HttpResponseRedirect(reverse("agency:county-statement-detail", args=[statement.pk]))
            if not form.errors:
                return HttpResponseRedirect(reverse("agency:county-statement-detail", args=[statement.pk]))
        statement.refresh_from_db()
        return self.render_page(statement, paid_form=form, status=400)


# ---------------------------------------------------------------------------------------------
# 2. The operator's: their station's statements (read-only)
# ---------------------------------------------------------------------------------------------

class CounterStatementListView(TillAccessMixin, ListView):
    template_name = "agency/statement_list.html"
    context_object_name = "statements"
    paginate_by = 24

    def get_queryset(self):
        return selectors.commission_statement_list(user=self.request.user, station_id=self.station.pk)

    def get_context_data(self, **kwargs):
        return super().get_context_data(station=self.station, workspace="counter", **kwargs)


class CounterStatementMixin(TillAccessMixin, StatementPageMixin):
    """The operator's read-only statements: their own station's (another's is a 404)."""

    workspace = "counter"

    def get_statement(self, pk: int) -> CommissionStatement:
        return self.own(super().get_statement(pk))


class CounterStatementDetailView(CounterStatementMixin, View):
    def get(self, request, pk):
        return self.render_page(self.get_statement(pk))


# ---------------------------------------------------------------------------------------------
# 3. A statement's files (both workspaces) and a month's CSV
# ---------------------------------------------------------------------------------------------

AMOUNT_HEADERS = [gettext_lazy("Transactions"), gettext_lazy("Gross commission (yuan)"),
                  gettext_lazy("Clawed back (yuan)"), gettext_lazy("Tax withheld (yuan)"),
                  gettext_lazy("Net commission (yuan)")]


def _amounts(row) -> list:
    return [row.transaction_count, yuan_plain(row.gross_fen), yuan_plain(row.clawback_fen),
            yuan_plain(row.tax_fen), yuan_plain(row.net_fen)]


def statement_csv_rows(statement: CommissionStatement) -> list[list]:
    station = statement.station
    rows = [[_("Station"), station.code, station.name], [_("Month"), f"{statement.month:%Y-%m}"],
            [_("Status"), statement.get_status_display()], [],
            [_("Item"), *[str(h) for h in AMOUNT_HEADERS]]]
    rows += [[line.label, *_amounts(line)] for line in statement.lines.order_by("label")]
    rows.append([_("Total"), *_amounts(statement)])
    rows.append([_("Customer fees (yuan)"), yuan_plain(statement.fees_fen)])
    if statement.payment_reference:
        rows.append([_("Bank payment reference"), statement.payment_reference])
    return rows


class StatementCsvMixin:
    """A statement as CSV; the workspace mixin says whose (the back office's or the operator's)."""

    def get(self, request, pk):
        statement = self.get_statement(pk)
        name = f"commission-{statement.station.code}-{statement.month:%Y-%m}.csv"
        return spreadsheet_response(write_csv(statement_csv_rows(statement)), fmt="csv", filename=name)


class StatementPdfMixin:
    """A statement as an A4 PDF; the workspace mixin says whose."""

    def get(self, request, pk):
        from core.pdf import render_pdf

        statement = self.get_statement(pk)
        html = render_to_string("agency/statement_pdf.html", {
            "statement": statement, "lines": list(statement.lines.order_by("label")),
            "printed_at": timezone.localtime()})
        return site_file_response(render_pdf(html=html), content_type="application/pdf", inline=True,
                                  filename=f"commission-{statement.station.code}-{statement.month:%Y-%m}.pdf")


class StatementCsvView(BackOfficeMixin, StatementPageMixin, StatementCsvMixin, View):
    pass


class StatementPdfView(BackOfficeMixin, StatementPageMixin, StatementPdfMixin, View):
    pass


class CounterStatementCsvView(CounterStatementMixin, StatementCsvMixin, View):
    pass


class CounterStatementPdfView(CounterStatementMixin, StatementPdfMixin, View):
    pass


class StatementMonthCsvView(BackOfficeMixin, View):
    """Every statement of a month in the admin's region, one row per station."""

    def get(self, request):
        search = statement_filter(request)
        statements, month = search.qs, search.cleaned().get("month")
        rows = [[_("Station code"), _("Station"), _("Month"), _("Status"), *[str(h) for h in AMOUNT_HEADERS],
                 _("Customer fees (yuan)"), _("Bank payment reference")]]
        rows += [[s.station.code, s.station.name, f"{s.month:%Y-%m}", s.get_status_display(), *_amounts(s),
                  yuan_plain(s.fees_fen), s.payment_reference] for s in statements]
        period = f"{month:%Y-%m}" if month else "all"
        return spreadsheet_response(write_csv(rows), fmt="csv", filename=f"commission-statements-{period}.csv")
