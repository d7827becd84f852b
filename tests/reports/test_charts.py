"""The SVG charts are well-formed XML, escape their labels, and draw what they are given."""

import xml.etree.ElementTree as ET
from decimal import Decimal

from reports import charts

SVG = "{http://www.w3.org/2000/svg}"


def _parse(svg):
    return ET.fromstring(str(svg))


def test_bar_chart_escapes_labels_and_leaves_a_missing_value_without_a_bar():
    root = _parse(charts.bar_chart([("民政局<&>", Decimal("95.5")), ("人社局", None)], title="排名", unit="%",
                                   max_value=100))
    assert root.find(f"{SVG}title").text == "排名"
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "民政局<&>" in texts and "95.5%" in texts and "—%" in texts
    value_bars = [r for r in root.iter(f"{SVG}rect") if r.find(f"{SVG}title") is not None]
    assert len(value_bars) == 1


def test_trend_chart_draws_one_column_per_period_and_breaks_the_line_at_a_gap():
    root = _parse(charts.trend_chart(["2026-01", "2026-02", "2026-03"], [3, 0, 7], [Decimal(50), None, Decimal(70)],
                                     title="趋势", count_label="收件数", rate_label="办结率"))
    columns = [r for r in root.iter(f"{SVG}rect") if r.find(f"{SVG}title") is not None]
    assert [c.find(f"{SVG}title").text for c in columns] == ["2026-01: 3", "2026-02: 0", "2026-03: 7"]
    assert len(list(root.iter(f"{SVG}circle"))) == 2 and not list(root.iter(f"{SVG}polyline"))


def test_share_chart_gives_each_slice_its_share_and_a_single_value_a_full_ring():
    root = _parse(charts.share_chart([("证照", 3), ("诉求", 1), ("其他", 0)], title="类别"))
    assert [p.find(f"{SVG}title").text for p in root.iter(f"{SVG}path")] == ["证照: 75.0%", "诉求: 25.0%"]
    ring = _parse(charts.share_chart([("证照", 3)], title="类别"))
    assert ring.find(f"{SVG}circle/{SVG}title").text == "证照: 100%"


def test_map_chart_projects_points_inside_the_drawing_and_sizes_them_by_value():
    root = _parse(charts.map_chart([("乐亭镇", [[118.85, 39.36], [118.98, 39.36], [118.98, 39.49], [118.85, 39.49]])],
                                   [("城关村", 118.90, 39.42, 9), ("西关村", 118.95, 39.40, 1)], title="地图"))
    circles = {c.find(f"{SVG}title").text: c for c in root.iter(f"{SVG}circle")}
    big, small = circles["城关村: 9"], circles["西关村: 1"]
    assert float(big.get("r")) > float(small.get("r"))
    for c in circles.values():
        assert 0 <= float(c.get("cx")) <= 640 and 0 <= float(c.get("cy")) <= 480
