"""The store sales report: sales and the stations' commission by merchant, station, township or month,
the monthly trend and the merchant ranking; the page and its CSV/XLSX are built from one object."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from reports import charts
from reports.commission_report import yuan
from reports.exports import Sheet
from reports.selectors.dimensions import Period
from reports.selectors.scope import ReportScope
from reports.selectors.shop_sales import DIMENSION_LABELS, SalesFigures, SalesTable, shop_sales_table
from stations.models import Region

# (attribute of SalesFigures, heading, money?)
SALES_COLUMNS = [
    ("sales", gettext_lazy("Orders handed over"), False),
    ("goods_fen", gettext_lazy("Goods sold (yuan)"), True),
    ("delivery_fen", gettext_lazy("Delivery fees (yuan)"), True),
    ("commission_fen", gettext_lazy("Station commission (yuan)"), True),
    ("merchant_payable_fen", gettext_lazy("Owed to the merchant (yuan)"), True),
    ("returns", gettext_lazy("Returned after sale"), False),
    ("returned_goods_fen", gettext_lazy("Goods returned (yuan)"), True),
]
NEXT_LEVELS = {"township": "station", "merchant": "station", "month": "merchant"}


def sales_values(figures: SalesFigures) -> list:
    return [yuan(getattr(figures, name)) if money else getattr(figures, name) for name, _l, money in SALES_COLUMNS]


@dataclass
class ShopSalesReport:
    params: dict
    table: SalesTable
    trend: SalesTable
    merchants: SalesTable
    filter_labels: list[str] = field(default_factory=list)
    groups: tuple[str, ...] = ()

    @property
    def total(self) -> SalesFigures:
        return self.table.total

    @property
    def group_label(self) -> str:
        return str(DIMENSION_LABELS[self.params["group"]])

    @staticmethod
    def headings() -> list[str]:
        return [str(label) for _name, label, _money in SALES_COLUMNS]

    def query(self, **changes) -> str:
        params = {**self.params, **changes}
        return urlencode({k: (v.isoformat() if isinstance(v, datetime.date) else v) for k, v in params.items()
                          if v not in (None, "")})

    def drill_url(self, row) -> str | None:
        group, value = self.params["group"], row.drill[0]
        following = NEXT_LEVELS.get(group)
        if value is None or following not in self.groups:
            return None
        if group == "month":
            first = datetime.date.fromisoformat(f"{value}-01")
            last = (first + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)
            return "?" + self.query(group=following, date_from=max(first, self.params["date_from"]),
                                    date_to=min(last, self.params["date_to"]))
        return "?" + self.query(group=following, **{group: value})

    def rows(self) -> list[dict]:
        return [{"label": r.labels[0], "values": sales_values(r.figures), "url": self.drill_url(r)}
                for r in self.table.rows]

    def trend_chart(self):
        return charts.trend_chart([r.labels[0] for r in self.trend.rows], [yuan(r.figures.goods_fen)
                                                                           for r in self.trend.rows],
                                  title=_("Goods sold by month (yuan)"), count_label=_("Goods sold"))

    def merchant_chart(self):
        ranked = sorted(self.merchants.rows, key=lambda r: -r.figures.goods_fen)[:15]
        return charts.bar_chart([(r.labels[0], yuan(r.figures.goods_fen)) for r in ranked],
                                title=_("Merchants ranked by goods sold (yuan)"))

    def sheets(self) -> list[Sheet]:
        def sheet(title, heading, table):
            return Sheet(title=title, headers=[heading, *self.headings()], widths=[24, *[14] * len(SALES_COLUMNS)],
                         rows=[[r.labels[0], *sales_values(r.figures)] for r in table.rows],
                         footer=[_("Total"), *sales_values(table.total)])

        return [sheet(_("Sales by %(group)s") % {"group": self.group_label}, self.group_label, self.table),
                sheet(_("By month"), _("Month"), self.trend),
                Sheet(title=_("About this report"), headers=[_("Item"), _("Value")], widths=[24, 70],
                      rows=[[_("Period"), f"{self.params['date_from']} – {self.params['date_to']}"],
                            *[[_("Filter"), label] for label in self.filter_labels],
                            [_("Definitions"), str(SALES_DEFINITIONS)]])]


SALES_DEFINITIONS = gettext_lazy(
    "A sale counts on the day the goods reach the resident (collected at the station or delivered); a "
    "return after that counts on its own day. Owed to the merchant = goods + delivery fee − the station's "
    "commission. Amounts in yuan.")


def shop_sales_report(*, scope: ReportScope, params: dict, filter_labels=(), groups=()) -> ShopSalesReport:
    township = (Region.objects.filter(pk=params["township"], level=Region.Level.TOWNSHIP).first()
                if params.get("township") else None)
    filters = {"township": township, "station_id": params.get("station") or (-1 if params.get("township")
                                                                             and township is None else None),
               "merchant_id": params.get("merchant")}
    period = Period(params["date_from"], params["date_to"])
    group = params["group"]
    table = shop_sales_table(scope=scope, period=period, dimensions=(group,), **filters)
    trend = table if group == "month" else shop_sales_table(scope=scope, period=period, dimensions=("month",),
                                                            **filters)
    merchants = table if group == "merchant" else shop_sales_table(scope=scope, period=period,
                                                                   dimensions=("merchant",), **filters)
    return ShopSalesReport(params=params, table=table, trend=trend, merchants=merchants,
                           filter_labels=list(filter_labels), groups=tuple(groups))
