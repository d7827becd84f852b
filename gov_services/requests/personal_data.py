"""The requests' part of a resident's copy of their data (core/personal_data_requests.py): every request
filed for them, as filed (the e-form's answers included), with its steps as the resident sees them."""

from django.utils.translation import gettext_lazy as _

from core.personal_data_requests import ExportSection
from gov_services.models import ServiceRequest


def request_rows(user) -> list[dict]:
    requests = (ServiceRequest.objects.filter(applicant_user=user).select_related("item", "department")
                .prefetch_related("events").order_by("submitted_at"))
    return [{
        "tracking_code": request.tracking_code, "item": str(request.item or request.get_appeal_category_display()),
        "department": str(request.department), "status": request.get_status_display(),
        "submitted_at": request.submitted_at, "applicant_name": request.applicant_name,
        "applicant_id_number": request.applicant_id_number, "applicant_phone": request.applicant_phone,
        "place": request.place, "description": request.description, "form_data": request.form_data,
        "scans": request.attachments.count(),
        "steps": [{"at": event.at, "action": event.action, "note": event.note}
                  for event in request.events.all() if not event.internal],
    } for request in requests]


SECTION = ExportSection("requests", _("Your requests and applications"), request_rows)
