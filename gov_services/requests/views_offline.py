"""The counter's application form when the network is down (/counter/offline/apply/), and the catalogue
the service worker keeps for it (/counter/offline/catalogue.json): the station's items with their
materials and their e-forms already laid out as the online form lays them out.

What the operator fills in goes into the browser's outbox (gov_services/static/gov_services/offline-apply.js)
with the fields the online form would post; gov_services/requests/offline.py files it when it syncs.
"""

from django.http import JsonResponse
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.views import View

from gov_services.catalogue.eforms import build_form
from gov_services.catalogue.selectors import service_items_available_at
from gov_services.models import ServiceRequest
from gov_services.requests.forms_counter import ApplicationForm
from gov_services.requests.services import MAX_ATTACHMENT_BYTES
from stations.mixins import TillKeeperMixin
from stations.scope import scope_for

# Offline, a resident consents by signing or before a witness: an SMS code cannot be sent.
OFFLINE_CONSENTS = (ServiceRequest.Consent.SIGNATURE, ServiceRequest.Consent.WITNESSED)


def offline_catalogue(*, station) -> list[dict]:
    """The items filed at the station's counter (not those filed as one of their sub-items)."""
    items = (service_items_available_at(place=station.village).select_related("department")
             .prefetch_related("materials").exclude(sub_items__is_active=True).distinct().order_by("code"))
    catalogue = []
    for item in items:
        eform = build_form(item.form_schema, prefix="eform") if item.form_schema else None
        catalogue.append({
            "id": item.pk, "code": item.code, "name": item.name, "department": item.department.name,
            "fee_fen": item.fee_fen, "limit_days": item.promised_limit_days,
            "materials": [{"id": m.pk, "name": m.name, "required": m.required, "note": m.note}
                          for m in item.materials.all()],
            "eform_html": render_to_string("gov_services/offline/eform_fields.html", {"eform": eform})
            if eform is not None else "",
        })
    return catalogue


class OfflineCatalogueView(TillKeeperMixin, View):
    def get(self, request):
        station = scope_for(request.user).till_station
        return JsonResponse({"station": station.name, "items": offline_catalogue(station=station)},
                            json_dumps_params={"ensure_ascii": False})


class OfflineApplyView(TillKeeperMixin, View):
    """The form's frame; the script fills in the chosen item's scans and e-form from the cached catalogue."""

    def get(self, request):
        form = ApplicationForm()
        form.fields["consent"].choices = [(c.value, c.label) for c in OFFLINE_CONSENTS]
        return TemplateResponse(request, "gov_services/offline/apply.html", {
            "station": scope_for(request.user).till_station, "form": form,
            "max_mb": MAX_ATTACHMENT_BYTES // (1024 * 1024)})
