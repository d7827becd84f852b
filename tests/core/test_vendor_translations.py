"""Wagtail's and Oscar's screens are zh-hans too: every message of their `en` catalogues must come
out translated with our catalogues loaded (locale/ and locale_vendor/, see LOCALE_PATHS).

A failure lists the msgids to translate in locale_vendor/zh_Hans/LC_MESSAGES/ (then `make messages`).
"""

import ast
import re
from pathlib import Path

import oscar
import pytest
import wagtail
from django.conf import settings
from django.utils.translation import trans_real

WAGTAIL_DIR = Path(wagtail.__file__).parent
OSCAR_DIR = Path(oscar.__file__).parent
VENDOR_DIR = Path(settings.BASE_DIR) / "locale_vendor" / "zh_Hans" / "LC_MESSAGES"

# The Wagtail apps an editor or moderator meets (wagtail/ itself is the core: pages, locking, workflows).
WAGTAIL_APPS = [
    "admin", "users", "images", "documents", "snippets", "sites", "search", "embeds",
    "contrib/forms", "contrib/redirects", "contrib/settings", "locales", ".",
]  # fmt: skip
DJANGO_CATALOGUES = [
    *(WAGTAIL_DIR / app / "locale/en/LC_MESSAGES/django.po" for app in WAGTAIL_APPS),
    OSCAR_DIR / "locale/en/LC_MESSAGES/django.po",
]

# Read the same in Chinese: codes, formats, abbreviations, and Oscar's empty-choice dashes.
SAME_IN_ZH = {
    "ID",
    "SKU",
    "HTML",
    "CSV",
    "Wagtail API v2",
    "Wagtail API v3",
    "---------",
    "%(main_filter)s %(name_filter)s %(code_filter)s",  # joins three already translated phrases
}

_LINE = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?) (".*")$')


def read_po(path):
    """(msgctxt, msgid, msgid_plural) of every entry of a .po file; the header and obsolete (#~) ones skipped."""
    entries, entry, key = [], {}, None
    for line in [*Path(path).read_text(encoding="utf-8").splitlines(), ""]:
        match = _LINE.match(line)
        next_entry = not line.strip() or line[0] == "#" or (match and not match[1].startswith("msgstr"))
        if key and key.startswith("msgstr") and next_entry:
            if entry["msgid"]:
                entries.append((entry.get("msgctxt"), entry["msgid"], entry.get("msgid_plural")))
            entry, key = {}, None
        if match:
            key = match[1]
            entry[key] = ast.literal_eval(match[2])
        elif line.startswith('"') and key:
            entry[key] += ast.literal_eval(line)
    return entries


def untranslated(catalogue, entries):
    """The entries `catalogue` (a gettext translation object) gives back in English."""
    missing = []
    for context, msgid, plural in entries:
        if msgid in SAME_IN_ZH:
            continue
        key = msgid if context is None else f"{context}\x04{msgid}"
        if plural:
            english = (
                catalogue.ngettext(key, plural, 1) in (key, msgid)
                or catalogue.ngettext(key, plural, 2) == plural
            )
        else:
            english = catalogue.gettext(key) in (key, msgid)
        if english:
            missing.append(msgid if context is None else f"{msgid}  [msgctxt {context!r}]")
    return missing


def report(missing):
    return f"{len(missing)} messages show in English; translate them in {VENDOR_DIR}:\n" + "\n".join(
        missing[:60]
    )


@pytest.fixture(scope="module")
def zh_hans():
    """The merged zh-hans "django" catalogue of the running site (apps, then LOCALE_PATHS)."""
    return trans_real.translation("zh-hans")


def test_the_parser_reads_plurals_and_contexts():
    entries = read_po(OSCAR_DIR / "locale/en/LC_MESSAGES/django.po")
    assert len(entries) > 1500
    assert ("Product meta title", "Meta title", None) in entries
    assert any(plural for _context, _msgid, plural in entries)


@pytest.mark.parametrize(
    "catalogue", DJANGO_CATALOGUES, ids=lambda p: str(p.parents[3].relative_to(WAGTAIL_DIR.parent))
)
def test_every_wagtail_and_oscar_message_is_translated(zh_hans, catalogue):
    missing = untranslated(zh_hans, read_po(catalogue))
    assert not missing, report(missing)


def test_wagtail_admin_javascript_messages_are_translated():
    # What Wagtail's /cms/jsi18n/ serves: JavaScriptCatalog(packages=["wagtail.admin"]) + LOCALE_PATHS.
    js = trans_real.DjangoTranslation(
        "zh-hans", domain="djangojs", localedirs=[WAGTAIL_DIR / "admin" / "locale"]
    )
    missing = untranslated(js, read_po(WAGTAIL_DIR / "admin/locale/en/LC_MESSAGES/djangojs.po"))
    assert not missing, report(missing)


def test_every_vendor_entry_is_compiled_and_in_effect(zh_hans):
    # Also covers what Oscar's stale en catalogue lacks (msgids taken from its source).
    entries = read_po(VENDOR_DIR / "django.po")
    assert len(entries) > 600
    missing = untranslated(zh_hans, entries)
    assert not missing, "Run `make messages` (compilemessages) — " + report(missing)


def test_the_dashboard_counts_read_in_chinese(zh_hans):
    # The examples this catalogue was made for: Wagtail's dashboard summary and search box.
    pages = '%(total)s Page <span class="w-sr-only">created in %(site_name)s</span>'
    plural = '%(total)s Pages <span class="w-sr-only">created in %(site_name)s</span>'
    assert zh_hans.ngettext(pages, plural, 60) % {"total": 60, "site_name": "村站"} == (
        '60 个页面 <span class="w-sr-only">（创建于 村站）</span>'
    )
    assert zh_hans.gettext("Search all pages…") == "搜索所有页面…"
