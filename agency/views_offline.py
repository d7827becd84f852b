"""The offline counter (/counter/offline/ …, /counter/sw.js, /counter/manifest.webmanifest).

The counter is an installable web app: a manifest and a service worker of our own (no library, no
CDN). The worker keeps the counter's pages, the declared data (config/offline.py: DATA) and our static
files in a versioned cache, refreshed while online; when the network is down it shows the cached page,
or the offline page declared for the path (config/offline.py: PAGES).

What the operator does offline goes into the browser's outbox (IndexedDB, agency/static/agency/offline/
outbox.js) with a key made there, and comes here when the network returns: `OfflineSyncView` takes the
items in order (multipart: "items" is their JSON, each item's files are parts it names) and answers each
with a typed result (agency/offline_sync.py). The desk lists the outbox; the conflicts screen resolves
each conflict (send again with changes, or discard with a reason, audited).

Session-authenticated and CSRF-protected like every counter page; the station's operators only, and
each item is done for their own till station.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from functools import lru_cache
from pathlib import Path

from django.contrib.staticfiles import finders
from django.core.exceptions import ValidationError
from django.http import HttpResponse, JsonResponse, QueryDict
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _
from django.views import View

from agency import selectors
from agency.offline_sync import (
    MAX_ITEMS_PER_SYNC,
    offline_config,
    offline_item_discard,
    offline_item_sync,
    offline_items_open,
    result_json,
)
from stations.mixins import TillKeeperMixin
from stations.scope import scope_for

# Our static files the offline pages need (besides those of the base page).
OFFLINE_STATIC = (
    "cunzhan/css/cunzhan.css",
    "cunzhan/js/cunzhan.js",
    "cunzhan/img/favicon.svg",
    "cunzhan/js/signature-pad.js",
    "agency/offline/outbox.js",
    "agency/offline/status.js",
    "agency/offline/desk.js",
    "agency/offline/conflicts.js",
    "agency/offline/receipt.js",
    "agency/offline/close-guard.js",
    "agency/offline/offline.css",
    "agency/offline/icon-192.png",
    "agency/offline/icon-512.png",
    "gov_services/offline-apply.js",
    "shop/offline-counter.js",
)
SW_TEMPLATE = "agency/offline/sw.js"


class OfflineMixin(TillKeeperMixin):
    """The station's operators; `self.station` is their till station."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.station = scope_for(request.user).till_station
        return super().dispatch(request, *args, **kwargs)


@lru_cache(maxsize=1)
def _static_digest() -> str:
    digest = hashlib.sha256()
    for path in OFFLINE_STATIC:
        found = finders.find(path)
        if found:
            digest.update(Path(found).read_bytes())
    return digest.hexdigest()


def _config_urls() -> dict:
    config = offline_config()
    return {
        "shell": [reverse(name) for name in config.SHELL],
        "data": [reverse(name) for name in config.DATA],
        "pages": [[prefix, reverse(name)] for prefix, name in config.PAGES],
        "static": [static(path) for path in OFFLINE_STATIC],
    }


class OfflineServiceWorkerView(OfflineMixin, View):
    """The service worker, served under /counter/ so that it may control the counter's pages. Its cache
    is named by a digest of itself and of the static files it keeps: a new release, a new cache."""

    def get(self, request):
        urls = _config_urls()
        body = render_to_string(SW_TEMPLATE, {"urls_json": json.dumps(urls), "version": "__version__"})
        version = hashlib.sha256((body + _static_digest()).encode()).hexdigest()[:12]
        response = HttpResponse(body.replace("__version__", version), content_type="text/javascript")
        response["Service-Worker-Allowed"] = "/counter/"
        response["Cache-Control"] = "no-cache"
        return response


class OfflineManifestView(OfflineMixin, View):
    """The web app manifest: the counter opens in its own window, from /counter/."""

    def get(self, request):
        manifest = {
            "name": _("Cunzhan counter"), "short_name": _("Counter"), "lang": "zh-Hans",
            "start_url": reverse("stations:counter-home"), "scope": "/counter/", "display": "standalone",
            "background_color": "#ffffff", "theme_color": "#b5272d",
            "icons": [{"src": static("agency/offline/icon-192.png"), "sizes": "192x192", "type": "image/png"},
                      {"src": static("agency/offline/icon-512.png"), "sizes": "512x512", "type": "image/png"}],
        }
        response = JsonResponse(manifest, json_dumps_params={"ensure_ascii": False})
        response["Content-Type"] = "application/manifest+json"
        return response


def _links() -> list[tuple[str, str]]:
    return [(label, reverse(name)) for label, name in offline_config().LINKS]


class OfflineDeskView(OfflineMixin, View):
    """What the counter can do offline, the outbox (N waiting, last sync) and what needs resolving."""

    def get(self, request):
        return TemplateResponse(request, "agency/offline/desk.html", {
            "station": self.station, "links": _links(),
            "till_products": [p.name for p in selectors.product_list()]})


class OfflineConflictsView(OfflineMixin, View):
    """One screen for every item that came back as a conflict or an error: the browser's outbox (with the
    item's content, to change and send again) and the server's record (to discard with a reason, even
    from another browser)."""

    def get(self, request):
        open_items = [result_json(row) | {"kind": row.kind, "local_number": row.local_number,
                                          "captured_at": row.captured_at}
                      for row in offline_items_open(station=self.station)]
        return TemplateResponse(request, "agency/offline/conflicts.html", {
            "station": self.station, "open_items": open_items})


class OfflineReceiptView(OfflineMixin, View):
    """A receipt for an outbox item: provisional (临时, its local number) until it is synced, then with the
    real reference and a link to the ordinary receipt. The browser fills it from the outbox."""

    def get(self, request):
        return TemplateResponse(request, "agency/offline/receipt.html", {"station": self.station})


class OfflineTillProductsView(OfflineMixin, View):
    """The till's products, kept for offline: offline each is refused (a provider must confirm)."""

    def get(self, request):
        return JsonResponse({"products": [{"id": p.pk, "name": p.name, "provider": p.provider.name}
                                          for p in selectors.product_list()]},
                            json_dumps_params={"ensure_ascii": False})


def _item_parts(raw: dict, files) -> tuple[QueryDict, MultiValueDict]:
    data = QueryDict(mutable=True)
    for pair in raw.get("fields") or []:
        if isinstance(pair, list | tuple) and len(pair) == 2:
            data.appendlist(str(pair[0]), "" if pair[1] is None else str(pair[1]))
    item_files = MultiValueDict()
    for spec in raw.get("files") or []:
        if not isinstance(spec, dict):
            continue
        upload = files.get(str(spec.get("part", "")))
        if upload is not None:
            upload.name = str(spec.get("name") or upload.name)[-200:]
            item_files.appendlist(str(spec.get("field", "")), upload)
    return data, item_files


class OfflineSyncView(OfflineMixin, View):
    """POST the outbox's items in order; each answered with its typed result (JSON)."""

    http_method_names = ["post"]

    def post(self, request):
        try:
            items = json.loads(request.POST.get("items", ""))
        except ValueError:
            items = None
        if not isinstance(items, list) or not items or not all(isinstance(raw, dict) for raw in items):
            return JsonResponse({"error": _("Nothing to send: the outbox items could not be read.")}, status=400)
        if len(items) > MAX_ITEMS_PER_SYNC:
            return JsonResponse({"error": _("Send at most %(max)d items at once.") % {"max": MAX_ITEMS_PER_SYNC}},
                                status=400)
        results = []
        for raw in items:
            data, files = _item_parts(raw, request.FILES)
            results.append(offline_item_sync(actor=request.user, station=self.station, raw=raw, data=data,
                                             files=files))
        return JsonResponse({"results": results, "synced_at": timezone.now().isoformat()},
                            json_dumps_params={"ensure_ascii": False})


class OfflineDiscardView(OfflineMixin, View):
    """Discard an item that came back as a conflict or an error, with a reason (kept in the audit trail)."""

    http_method_names = ["post"]

    def post(self, request):
        try:
            key = uuid.UUID(request.POST.get("key", ""))
        except ValueError:
            return JsonResponse({"error": _("This item has lost its key.")}, status=400)
        try:
            row = offline_item_discard(actor=request.user, station=self.station, key=key,
                                       reason=request.POST.get("reason", ""))
        except ValidationError as error:
            return JsonResponse({"error": " ".join(error.messages)}, status=422)
        return JsonResponse(result_json(row), json_dumps_params={"ensure_ascii": False})
