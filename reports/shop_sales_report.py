"""The store sales report: sales and the stations' commission by merchant, station, township or month,
the monthly trend and the merchant ranking; the page, its CSV/XLSX and the PDF job
(reports/shop_sales_jobs.py) are built from one object, so a file always matches its page."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import urlencode

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.money import yuan_decimal
from core.spreadsheets import Sheet
from reports import charts
from reports.building import about_sheet
from reports.drill import drill_query
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
NEXT_LEVELS = {"township": ("station",), "merchant": ("station",), "month": ("merchant",)}
SHARED_MERCHANTS = 9  # merchants with a slice of their own in the share chart; the rest share one


def sales_values(figures: SalesFigures) -> list:
    return [yuan_decimal(getattr(figures, name)) if money else getattr(figures, name) for name, _l, money in SALES_COLUMNS]


def sales_params_as_dict(params: dict) -> dict:
    """The report's parameters, JSON-able (a report job stores them); `sales_params_from_dict` reads
    them back."""
    return {k: (v.isoformat() if isinstance(v, datetime.date) else v) for k, v in params.items()}


def sales_params_from_dict(data: dict) -> dict:
    return data | {"date_from": datetime.date.fromisoformat(data["date_from"]),
                   "date_to": datetime.date.fromisoformat(data["date_to"])}


@dataclass
class ShopSalesReport:
    params: dict
    table: SalesTable
    trend: SalesTable
    merchants: SalesTable
    stations: SalesTable | None = None  # only when asked for (the PDF)
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
        params = sales_params_as_dict({**self.params, **changes})
        return urlencode({k: v for k, v in params.items() if v not in (None, "")})

    def drill_url(self, row) -> str | None:
        return drill_query(self.query, levels=NEXT_LEVELS, group=self.params["group"], value=row.drill[0],
                           allowed=self.groups, date_from=self.params["date_from"], date_to=self.params["date_to"])

    def rows(self) -> list[dict]:
        return [{"label": r.labels[0], "values": sales_values(r.figures), "url": self.drill_url(r)}
                for r in self.table.rows]

    def trend_chart(self):
        return charts.trend_chart([r.labels[0] for r in self.trend.rows], [yuan_decimal(r.figures.goods_fen)
                                                                           for r in self.trend.rows],
                                  title=_("Goods sold by month (yuan)"), count_label=_("Goods sold"))

    def merchant_chart(self):
        ranked = sorted(self.merchants.rows, key=lambda r: -r.figures.goods_fen)[:15]
        return charts.bar_chart([(r.labels[0], yuan_decimal(r.figures.goods_fen)) for r in ranked],
                                title=_("Merchants ranked by goods sold (yuan)"))

    def merchant_shares(self) -> list[tuple[str, Decimal]]:
        """Goods sold (yuan) by merchant, largest first; past the first few, one "other merchants"."""
        ranked = sorted(self.merchants.rows, key=lambda r: -r.figures.goods_fen)
        shares = [(r.labels[0], r.figures.goods_fen) for r in ranked[:SHARED_MERCHANTS]]
        rest = sum(r.figures.goods_fen for r in ranked[SHARED_MERCHANTS:])
        if rest:
            shares.append((_("Other merchants"), rest))
        return [(label, yuan_decimal(fen)) for label, fen in shares]

    def merchant_share_chart(self):
        return charts.share_chart(self.merchant_shares(), title=_("Share of goods sold by merchant"))

    def print_tables(self) -> list[dict]:
        """The PDF's tables, each grouping once: the page's first, then by merchant, station and month."""
        tables, seen = [], set()
        for name, table in ((self.params["group"], self.table), ("merchant", self.merchants),
                            ("station", self.stations), ("month", self.trend)):
            if table is None or name in seen:
                continue
            seen.add(name)
            rows = [{"label": r.labels[0], "values": sales_values(r.figures)} for r in table.rows]
            tables.append({"heading": str(DIMENSION_LABELS[name]), "rows": rows, "total": sales_values(table.total)})
        return tables

    def sheets(self) -> list[Sheet]:
        def sheet(title, heading, table):
            return Sheet(title=title, headers=[heading, *self.headings()], widths=[24, *[14] * len(SALES_COLUMNS)],
                         rows=[[r.labels[0], *sales_values(r.figures)] for r in table.rows],
                         footer=[_("Total"), *sales_values(table.total)])

        return [sheet(_("Sales by %(group)s") % {"group": self.group_label}, self.group_label, self.table),
                sheet(_("By month"), _("Month"), self.trend),
                about_sheet(date_from=self.params["date_from"], date_to=self.params["date_to"],
                            filter_labels=self.filter_labels, definitions=SALES_DEFINITIONS)]


SALES_DEFINITIONS = gettext_lazy(
    "A sale counts on the day the goods reach the resident (collected at the station or delivered); a "
    "return after that counts on its own day. Owed to the merchant = goods + delivery fee − the station's "
    "commission. Amounts in yuan.")


def shop_sales_report(*, scope: ReportScope, params: dict, filter_labels=(), groups=(),
                      with_stations: bool = False) -> ShopSalesReport:
    """The table by the chosen grouping, the monthly trend and the merchants (and, `with_stations`, the
    stations) under the same filters: one query per table and one per named dimension."""
    township = (Region.objects.filter(pk=params["township"], level=Region.Level.TOWNSHIP).first()
                if params.get("township") else None)
    filters = {"township": township, "station_id": params.get("station") or (-1 if params.get("township")
                                                                             and township is None else None),
               "merchant_id": params.get("merchant")}
    period = Period(params["date_from"], params["date_to"])
    group = params["group"]
    table = shop_sales_table(scope=scope, period=period, dimensions=(group,), **filters)

    def by(dimension: str) -> SalesTable:
        return table if dimension == group else shop_sales_table(scope=scope, period=period,
                                                                 dimensions=(dimension,), **filters)

    return ShopSalesReport(params=params, table=table, trend=by("month"), merchants=by("merchant"),
                           stations=by("station") if with_stations else None,
                           filter_labels=list(filter_labels), groups=tuple(groups))
