"""Charts as server-rendered SVG strings: no JavaScript, no external library, printable to PDF.

Pure functions (no ORM, no request): numbers and labels in, an `<svg>` string out. Every chart
carries a <title> and an aria-label; the page always shows the same numbers in a table too, so
the chart is never the only way to read a figure. Labels are escaped here; the result is marked
safe for templates.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

PALETTE = ("#1f6f8b", "#e07a2f", "#3a9d5d", "#b8405e", "#7a5cb8", "#c9a227", "#4f7cac", "#8c6d46",
           "#2f9e9e", "#9a9a9a")
FONT = 'font-family="Noto Sans CJK SC, Noto Sans SC, sans-serif"'


def _num(value) -> float:
    return float(value) if value is not None else 0.0


def _fmt(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, Decimal | float):
        return f"{value:,.1f}".rstrip("0").rstrip(".") if value % 1 else f"{value:,.0f}"
    return f"{value:,}"


def _svg(width: int, height: int, title: str, body: list[str], css_class: str) -> SafeString:
    title = escape(title)
    return mark_safe(
        f'<svg class="cz-chart {css_class}" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="100%" role="img" aria-label="{title}" {FONT} font-size="12">'
        f"<title>{title}</title>{''.join(body)}</svg>")


def _nice_max(value: float) -> float:
    """The smallest 1/2/5 × 10^n at or above `value` (axis maximum); 1 for nothing."""
    if value <= 0:
        return 1.0
    exponent = math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        if step * 10**exponent >= value:
            return float(step * 10**exponent)
    return float(10 ** (exponent + 1))


def bar_chart(rows: Sequence[tuple[str, object]], *, title: str, unit: str = "", max_value=None,
              width: int = 640) -> SafeString:
    """Horizontal bars, one per (label, value), in the order given (sort before for a ranking).

    `max_value` fixes the scale (100 for percentages); None values draw no bar and read "—".
    """
    label_w, value_w, bar_h, gap, top = 150, 70, 18, 8, 8
    height = top * 2 + max(1, len(rows)) * (bar_h + gap)
    scale_max = float(max_value) if max_value else _nice_max(max((_num(v) for _l, v in rows), default=0))
    span = width - label_w - value_w
    body = []
    for i, (label, value) in enumerate(rows):
        y = top + i * (bar_h + gap)
        length = span * min(_num(value) / scale_max, 1.0) if scale_max else 0
        body.append(f'<text x="{label_w - 6}" y="{y + bar_h - 5}" text-anchor="end">{escape(_clip(label))}</text>')
        body.append(f'<rect x="{label_w}" y="{y}" width="{span}" height="{bar_h}" fill="#eef2f5"/>')
        if value is not None:
            body.append(f'<rect x="{label_w}" y="{y}" width="{length:.1f}" height="{bar_h}" '
                        f'fill="{PALETTE[0]}"><title>{escape(label)}: {_fmt(value)}{escape(unit)}</title></rect>')
        body.append(f'<text x="{width - value_w + 6}" y="{y + bar_h - 5}">{_fmt(value)}{escape(unit)}</text>')
    return _svg(width, height, title, body, "cz-chart--bars")


def _clip(label: str, limit: int = 11) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def trend_chart(periods: Sequence[str], counts: Sequence[int], rates: Sequence[object] = (), *, title: str,
                count_label: str, rate_label: str = "", width: int = 640, height: int = 260) -> SafeString:
    """Columns of `counts` per period (left axis) and, when given, a line of percentages `rates`
    (right axis, 0–100 %; None leaves a gap). Legends name both series."""
    left, right, top, bottom = 46, 46 if rates else 12, 28, 42
    plot_w, plot_h = width - left - right, height - top - bottom
    n = max(1, len(periods))
    slot = plot_w / n
    count_max = _nice_max(max((_num(c) for c in counts), default=0))
    body = [f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" stroke="#888"/>']
    for fraction in (0, 0.5, 1):
        y = top + plot_h * (1 - fraction)
        body.append(f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" stroke="#ddd"/>')
        body.append(f'<text x="{left - 4}" y="{y + 4:.1f}" text-anchor="end">{_fmt(int(count_max * fraction))}</text>')
        if rates:
            body.append(f'<text x="{left + plot_w + 4}" y="{y + 4:.1f}">{int(100 * fraction)}%</text>')
    label_every = max(1, math.ceil(n / 12))
    for i, (period, count) in enumerate(zip(periods, counts, strict=True)):
        x = left + i * slot
        h = plot_h * _num(count) / count_max
        body.append(f'<rect x="{x + slot * 0.15:.1f}" y="{top + plot_h - h:.1f}" width="{slot * 0.7:.1f}" '
                    f'height="{h:.1f}" fill="{PALETTE[0]}" opacity="0.8">'
                    f"<title>{escape(period)}: {_fmt(count)}</title></rect>")
        if i % label_every == 0:
            body.append(f'<text x="{x + slot / 2:.1f}" y="{top + plot_h + 16}" text-anchor="middle">'
                        f"{escape(period)}</text>")
    body += _rate_line(rates, periods, left=left, top=top, slot=slot, plot_h=plot_h)
    body += _legend([(count_label, PALETTE[0], "rect")] + ([(rate_label, PALETTE[1], "line")] if rates else []),
                    x=left, y=height - 8)
    return _svg(width, height, title, body, "cz-chart--trend")


def _rate_line(rates, periods, *, left, top, slot, plot_h) -> list[str]:
    body, segment = [], []
    for i, rate in enumerate([*rates, None]):
        if rate is None:
            if len(segment) > 1:
                body.append(f'<polyline fill="none" stroke="{PALETTE[1]}" stroke-width="2" '
                            f'points="{" ".join(segment)}"/>')
            segment = []
            continue
        x, y = left + i * slot + slot / 2, top + plot_h * (1 - min(_num(rate), 100) / 100)
        segment.append(f"{x:.1f},{y:.1f}")
        body.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{PALETTE[1]}">'
                    f"<title>{escape(periods[i])}: {_fmt(rate)}%</title></circle>")
    return body


def _legend(entries, *, x: float, y: float) -> list[str]:
    body = []
    for label, colour, shape in entries:
        if not label:
            continue
        mark = (f'<rect x="{x}" y="{y - 9}" width="12" height="10" fill="{colour}"/>' if shape == "rect" else
                f'<line x1="{x}" y1="{y - 4}" x2="{x + 12}" y2="{y - 4}" stroke="{colour}" stroke-width="2"/>')
        body.append(f'{mark}<text x="{x + 16}" y="{y}">{escape(label)}</text>')
        x += 30 + 13 * len(label)
    return body


def share_chart(rows: Sequence[tuple[str, object]], *, title: str, width: int = 420) -> SafeString:
    """A donut of each (label, value)'s share of the total, legend on the right; shares under 1 %
    are still listed in the legend. Values must be ≥ 0."""
    total = sum(_num(v) for _l, v in rows)
    cx = cy = 90
    radius, inner = 80, 46
    height = max(190, 24 + 20 * len(rows))
    body, angle = [], -math.pi / 2
    for i, (label, value) in enumerate(rows):
        colour = PALETTE[i % len(PALETTE)]
        share = _num(value) / total if total else 0
        if share >= 0.9999:
            body.append(f'<circle cx="{cx}" cy="{cy}" r="{(radius + inner) / 2}" fill="none" stroke="{colour}" '
                        f'stroke-width="{radius - inner}"><title>{escape(label)}: 100%</title></circle>')
        elif share > 0:
            end = angle + 2 * math.pi * share
            body.append(f'<path d="{_arc(cx, cy, radius, inner, angle, end)}" fill="{colour}">'
                        f"<title>{escape(label)}: {share * 100:.1f}%</title></path>")
            angle = end
        y = 20 + 20 * i
        body.append(f'<rect x="200" y="{y - 10}" width="12" height="12" fill="{colour}"/>'
                    f'<text x="218" y="{y}">{escape(_clip(label, 14))} {share * 100:.1f}%</text>')
    if not total:
        body.append(f'<circle cx="{cx}" cy="{cy}" r="{radius}" fill="#eef2f5"/>')
    return _svg(width, height, title, body, "cz-chart--share")


def _arc(cx, cy, r, inner, start, end) -> str:
    large = 1 if end - start > math.pi else 0

    def point(radius, angle):
        return f"{cx + radius * math.cos(angle):.2f},{cy + radius * math.sin(angle):.2f}"

    return (f"M{point(r, start)} A{r},{r} 0 {large} 1 {point(r, end)} L{point(inner, end)} "
            f"A{inner},{inner} 0 {large} 0 {point(inner, start)} Z")


def map_chart(outlines: Sequence[tuple[str, Sequence[Sequence[float]]]],
              points: Sequence[tuple[str, float, float, object]], *, title: str, unit: str = "",
              width: int = 640, height: int = 480) -> SafeString:
    """Region outlines ([[lng, lat], …] polygons, labelled at their centre) and one circle per point
    (label, lng, lat, value), its area proportional to the value. Plate carrée with the longitude
    scaled by cos(latitude): true enough for a county, and needs no map tiles."""
    coords = [(float(x), float(y)) for _n, ring in outlines for x, y in ring] + [
        (float(x), float(y)) for _n, x, y, _v in points]
    if not coords:
        return _svg(width, 60, title, ['<text x="10" y="30">—</text>'], "cz-chart--map")
    project = _projection(coords, width, height, margin=24)
    body = []
    for name, ring in outlines:
        if len(ring) < 3:
            continue
        xy = [project(float(x), float(y)) for x, y in ring]
        body.append(f'<polygon points="{" ".join(f"{x:.1f},{y:.1f}" for x, y in xy)}" fill="#f3f6f8" '
                    f'stroke="#8aa" stroke-width="1"><title>{escape(name)}</title></polygon>')
        cx, cy = sum(x for x, _ in xy) / len(xy), sum(y for _, y in xy) / len(xy)
        body.append(f'<text x="{cx:.1f}" y="{cy:.1f}" text-anchor="middle" fill="#567">{escape(name)}</text>')
    biggest = max((_num(v) for *_rest, v in points), default=0) or 1
    for name, x, y, value in sorted(points, key=lambda p: -_num(p[3])):
        px, py = project(float(x), float(y))
        r = 3 + 17 * math.sqrt(_num(value) / biggest)
        body.append(f'<circle cx="{px:.1f}" cy="{py:.1f}" r="{r:.1f}" fill="{PALETTE[3]}" fill-opacity="0.55" '
                    f'stroke="{PALETTE[3]}"><title>{escape(name)}: {_fmt(value)}{escape(unit)}</title></circle>')
    return _svg(width, height, title, body, "cz-chart--map")


def _projection(coords, width, height, *, margin):
    xs, ys = [x for x, _ in coords], [y for _, y in coords]
    mid_lat = math.radians((min(ys) + max(ys)) / 2)
    kx = math.cos(mid_lat)
    span_x, span_y = max((max(xs) - min(xs)) * kx, 1e-6), max(max(ys) - min(ys), 1e-6)
    scale = min((width - 2 * margin) / span_x, (height - 2 * margin) / span_y)
    off_x = (width - span_x * scale) / 2
    off_y = (height - span_y * scale) / 2

    def project(lng: float, lat: float) -> tuple[float, float]:
        return off_x + (lng - min(xs)) * kx * scale, height - off_y - (lat - min(ys)) * scale

    return project
