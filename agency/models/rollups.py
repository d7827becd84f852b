"""Commission rollups: the commission report's sums, kept per month and per day as journals post.

Derived tables, never a ledger. CommissionRollup holds one row per (month, station, product),
CommissionDayRollup one per (day, station, product): the sums of the counted journals (payments and
reversals of commission-earning counter transactions) posted then, Beijing time. A period of whole
months reads month rows; its ragged ends read day rows. Separate tables rather than one with a grain
column, so that a county's month rows lie together on disk and are few (stations × products × months,
whatever the number of transactions).

Each row also carries its station's township path (the first three steps of its village's path, the
key the report groups townships by), so that a county report that neither names nor groups by stations
sums a township's rows by that column with no join. There is no row per township: every payment of a
township would update it, inside the payment's transaction, and a township's counters would queue on
that one row; a station's rows are written only by its own postings. A station moved to another township (or a region tree re-arranged) needs
`manage.py commission_rollups_rebuild`.

`product_key` is the product's pk; NO_PRODUCT (0) a store order commission; ALL_PRODUCTS (−1) the row
that sums every product of the station (what the report reads when it neither groups nor filters by
provider or product: one row per station and month instead of one per product). A plain integer,
because the key must be NOT NULL for the upsert's conflict target on SQLite and PostgreSQL alike.

Maintained by agency/services/rollups.py in the posting's own database transaction (an
INSERT … ON CONFLICT … DO UPDATE adding the journal's figures; the sums are not indexed, so the
update is a HOT one); rebuilt from the raw rows by
`manage.py commission_rollups_rebuild`. Figures follow reports/commission_figures.py; money in fen.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from stations.models import TOWNSHIP_PATH_LENGTH, Station

NO_PRODUCT = 0
ALL_PRODUCTS = -1

# The summed columns, in the order the upsert writes them.
ROLLUP_SUMS = ("transactions", "volume_fen", "reversals", "reversed_volume_fen", "gross_fen", "clawback_fen",
               "tax_fen", "operator_fen", "township_fen", "county_fen", "platform_fen")


def _sum(label):
    return models.BigIntegerField(label, default=0)


class RollupSums(models.Model):
    product_key = models.IntegerField(
        _("product"), help_text=_("Product id; 0 for a store order commission, -1 for all products"))
    transactions = _sum(_("transactions"))
    volume_fen = _sum(_("volume (fen)"))
    reversals = _sum(_("reversals"))
    reversed_volume_fen = _sum(_("reversed volume (fen)"))
    gross_fen = _sum(_("gross commission (fen)"))
    clawback_fen = _sum(_("clawbacks (fen)"))
    tax_fen = _sum(_("tax withheld (fen)"))
    operator_fen = _sum(_("operator share (fen)"))
    township_fen = _sum(_("township share (fen)"))
    county_fen = _sum(_("county share (fen)"))
    platform_fen = _sum(_("platform share (fen)"))

    class Meta:
        abstract = True


class StationRollupSums(RollupSums):
    station = models.ForeignKey(Station, on_delete=models.PROTECT, related_name="+", verbose_name=_("station"),
                                db_index=False)
    township_path = models.CharField(_("township"), max_length=TOWNSHIP_PATH_LENGTH, default="",
                                     help_text=_("The path of the station's township when the row was written"))

    class Meta:
        abstract = True


class CommissionRollup(StationRollupSums):
    """A station's commission figures for a month (first day of the month, Beijing time)."""

    month = models.DateField(_("month"))

    class Meta:
        verbose_name = _("commission rollup by month")
        verbose_name_plural = _("commission rollups by month")
        # The key serves a county's range of months by product; the indexes an operator's station and
        # the all-products rows a county's station ranking reads (a twentieth of the rows).
        constraints = [models.UniqueConstraint(fields=["month", "station", "product_key"],
                                               name="agency_commission_rollup_key")]
        indexes = [models.Index(fields=["station", "month"], name="agency_rollup_station_month"),
                   models.Index(fields=["product_key", "month", "township_path"],
                                name="agency_rollup_product_month_tp")]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} S{self.station_id} P{self.product_key}"


class CommissionDayRollup(StationRollupSums):
    """A station's commission figures for a day (Beijing time)."""

    day = models.DateField(_("day"))

    class Meta:
        verbose_name = _("commission rollup by day")
        verbose_name_plural = _("commission rollups by day")
        constraints = [models.UniqueConstraint(fields=["day", "station", "product_key"],
                                               name="agency_commission_day_rollup_key")]
        indexes = [models.Index(fields=["station", "day"], name="agency_rollup_station_day"),
                   models.Index(fields=["product_key", "day", "township_path"],
                                name="agency_rollup_product_day_tp")]

    def __str__(self) -> str:
        return f"{self.day} S{self.station_id} P{self.product_key}"
