"""Certificate layouts: placeholders in county-edited HTML, checked and filled (pure: no ORM).

A layout is an HTML fragment (the page body) plus CSS. Placeholders are written {{ name }}:

    {{ title }} {{ serial }} {{ holder_name }} {{ holder_id_masked }} {{ holder_id_number }}
    {{ issue_date }} {{ expiry_date }}
    {{ department }} {{ county }} {{ village }} {{ form.<field name> }}   — text, HTML-escaped
    {{ seal }} {{ qr }}                                                  — placed by the system

{{ seal }} and {{ qr }} must each appear once: the department's seal image and the signed QR code are
put there by the system, never by the person issuing. No scripts, frames or links to other
files: the PDF renderer fetches nothing but the images the system embeds.
"""

import datetime
import html
import re

from django.utils.translation import gettext as _

PLACEHOLDER_RE = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)?)\s*\}\}")
TEXT_FIELDS = ("title", "serial", "holder_name", "holder_id_masked", "holder_id_number", "issue_date",
               "expiry_date", "department", "county", "village")
SYSTEM_MARKS = ("seal", "qr")
MAX_LAYOUT_CHARS = 20_000
_FORBIDDEN = [
    re.compile(r"<\s*(script|iframe|object|embed|link|meta|base|form|input|frame|img)\b", re.I),
    re.compile(r"\bon[a-z]+\s*=", re.I),
    re.compile(r"(javascript|https?|file|ftp|data)\s*:", re.I),
    re.compile(r"@import|url\s*\(", re.I),
]

# The base style every certificate gets before the county's CSS (which may override it).
BASE_CSS = """
@page { size: A4; margin: 20mm 18mm; }
html { font-family: "Noto Serif CJK SC", serif; font-size: 12pt; color: #111; }
body { margin: 0; }
.cz-cert-seal { width: 42mm; height: 42mm; opacity: 0.9; }
.cz-cert-qr { width: 30mm; height: 30mm; }
"""

DEFAULT_BODY = """<div class="frame">
  <h1>{{ title }}</h1>
  <p class="serial">编号：{{ serial }}</p>
  <p class="text">兹证明<strong>{{ holder_name }}</strong>（公民身份号码 {{ holder_id_masked }}），经审核，情况属实，特此证明。</p>
  <p class="text">用途：{{ form.purpose }}</p>
  <div class="foot">
    <div class="qr">{{ qr }}<p>扫码核验</p></div>
    <div class="issuer">
      <p>{{ department }}</p>
      <p>{{ issue_date }}</p>
      <div class="seal">{{ seal }}</div>
    </div>
  </div>
</div>"""

DEFAULT_CSS = """.frame { border: 2pt double #a11; padding: 18mm 16mm; min-height: 230mm; }
h1 { text-align: center; font-size: 26pt; letter-spacing: 0.4em; margin: 0 0 8mm; }
.serial { text-align: right; font-size: 10pt; }
.text { font-size: 14pt; line-height: 2; text-indent: 2em; }
.foot { margin-top: 50mm; display: flex; justify-content: space-between; align-items: flex-end; }
.qr p { font-size: 9pt; margin: 0; text-align: center; }
.issuer { text-align: center; position: relative; width: 70mm; font-size: 13pt; line-height: 2; }
.seal { position: absolute; top: -12mm; left: 14mm; }"""


def placeholders(body: str) -> list[str]:
    return PLACEHOLDER_RE.findall(body or "")


def layout_problems(body: str, css: str, *, form_fields: list[str]) -> list[str]:
    """What is wrong with a layout, in words for the person editing it (empty when it is fine).
    `form_fields` are the names in the item's electronic form."""
    if not (body or "").strip():
        return [_("The layout is empty.")]
    problems = []
    if len(body) + len(css or "") > MAX_LAYOUT_CHARS:
        problems.append(_("The layout and style together are longer than %(max)d characters.")
                        % {"max": MAX_LAYOUT_CHARS})
    allowed = set(TEXT_FIELDS) | set(SYSTEM_MARKS) | {f"form.{name}" for name in form_fields}
    used = placeholders(body)
    for name in sorted(set(used) - allowed):
        problems.append(_("Unknown placeholder {{ %(name)s }}.") % {"name": name})
    for mark in SYSTEM_MARKS:
        if used.count(mark) != 1:
            problems.append(_("Put {{ %(mark)s }} exactly once: the system places it there.") % {"mark": mark})
    for pattern in _FORBIDDEN:
        for text in (body, css or ""):
            found = pattern.search(text)
            if found:
                problems.append(_("Not allowed in a certificate layout: “%(text)s”. Scripts, frames, images and "
                                  "links to other files are refused.") % {"text": found.group(0)})
    if "</style" in (css or "").lower():
        problems.append(_("The style may not close its <style> element."))
    return problems


def fill(body: str, values: dict[str, str], *, seal_html: str, qr_html: str) -> str:
    """The layout with every placeholder replaced: text values escaped, seal and QR as given."""
    marks = {"seal": seal_html, "qr": qr_html}

    def replace(match: re.Match) -> str:
        name = match.group(1)
        if name in marks:
            return marks[name]
        return html.escape(str(values.get(name, "")))

    return PLACEHOLDER_RE.sub(replace, body)


def document(*, title: str, body: str, css: str) -> str:
    """A complete HTML document: zh-Hans so the renderer picks simplified-Chinese glyph forms."""
    return (f'<!DOCTYPE html><html lang="zh-Hans"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
            f"<style>{BASE_CSS}\n{css or ''}</style></head><body>{body}</body></html>")


def chinese_date(value: datetime.date | None) -> str:
    """2026年1月5日 (certificates are dated in Chinese whatever the screen language)."""
    return f"{value.year}年{value.month}月{value.day}日" if value else "长期有效"
