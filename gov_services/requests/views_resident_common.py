"""What the resident's pages share: the summary of a request shown both on "my requests" and on
the public tracking page (never the ID number), the messages after a rating, and the error summary
at the top of every resident form (also used by views_reports).
"""

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.masking import mask_name
from core.service_errors import errors_onto
from gov_services.identifiers import format_tracking_code
from gov_services.models import Rating, ServiceRequest
from gov_services.requests.display import RESIDENT, missing_note, request_deadline, timeline_rows
from gov_services.requests.selectors.requests import rerate_refusal
from gov_services.requests.services import ATTACHMENTS, FORM_DATA_ERROR_PREFIX
from gov_services.selectors.calendar import work_calendar

Status = ServiceRequest.Status

STATUS_NEXT = {
    Status.SUBMITTED: gettext_lazy("The department will check your request. It will accept it, or tell you "
                                   "what is missing."),
    Status.RETURNED: gettext_lazy("The department needs more material from you. See what is missing below; "
                                  "the time limit is paused until you send it."),
    Status.REJECTED: gettext_lazy("The department did not accept this request. The reason is below."),
    Status.ACCEPTED: gettext_lazy("The department has accepted your request and is working on it."),
    Status.UNDER_REVIEW: gettext_lazy("The department is reviewing your request."),
    Status.APPROVED: gettext_lazy("Your request has been approved. The result will be issued soon."),
    Status.REFUSED: gettext_lazy("Your request was refused. The result and the reason will be issued to you."),
    Status.COMPLETED: gettext_lazy("Your request is complete. Please tell us how satisfied you are."),
    Status.RATED: gettext_lazy("Your request is complete. Thank you for your rating."),
    Status.CLOSED: gettext_lazy("This request is closed."),
}

def _one_to_one(obj, name):
    try:
        return getattr(obj, name)
    except ObjectDoesNotExist:  # the reverse one-to-one (rating, follow-up) is not there yet
        return None


def _can_rerate(rating, follow_up) -> bool:
    """Only a rating with a follow-up can be re-rated (once, after a resolved callback)."""
    return follow_up is not None and rerate_refusal(rating=rating) is None


def request_summary(service_request: ServiceRequest) -> dict:
    """What both the resident's page and the tracking page show about a request (no ID number)."""
    timeline = timeline_rows(service_request, audience=RESIDENT)
    status = Status(service_request.status)
    rating, follow_up = _one_to_one(service_request, "rating"), _one_to_one(service_request, "follow_up")
    return {
        "req": service_request,
        "title": service_request.item.name if service_request.item_id else (
            service_request.subject or service_request.get_appeal_category_display()),
        "tracking_code": format_tracking_code(service_request.tracking_code),
        "status_label": status.label,
        "status_next": STATUS_NEXT.get(status, ""),
        "deadline": request_deadline(service_request, now=timezone.now(), calendar=work_calendar()),
        "timeline": timeline,
        "missing": missing_note(service_request, timeline),
        "rating": rating,
        "follow_up": follow_up,
        "can_rate": status == Status.COMPLETED,
        "can_rerate": _can_rerate(rating, follow_up),
        "masked_name": mask_name(service_request.applicant_name),
    }


def error_summary(*forms) -> list[dict]:
    """Every error of the given forms (None skipped), for the summary at the top of the page."""
    errors = []
    for form in forms:
        if form is None or not form.errors:
            continue
        errors += [{"href": "", "label": "", "message": message} for message in form.non_field_errors()]
        errors += [{"href": "", "label": "", "message": message}
                   for field in form.hidden_fields() for message in field.errors]
        for field in form.visible_fields():
            errors += [{"href": f"#{field.id_for_label}", "label": field.label, "message": message}
                       for message in field.errors]
    return errors


def _errors_to_forms(error: ValidationError, form, eform=None) -> None:
    """A service's errors beside the fields they concern; anything else at the top of the form."""
    if getattr(error, "code", None) == "idempotency_conflict":
        form.add_error(None, _("This form was already sent with different content. Check “My requests” "
                               "first; to file a new request, open the service again."))
        return
    errors_onto(form, error, parts={FORM_DATA_ERROR_PREFIX: eform, ATTACHMENTS: (form, form.field_of_material)})


def rating_message(score: int) -> str:
    if score in Rating.SATISFIED_SCORES:
        return _("Thank you for your rating.")
    return _("Thank you for your rating. We are sorry you are not satisfied: the department will call you back "
             "to hear what went wrong.")


# Refusals of a re-rating that are not the resident's typing: shown as a message, not a form error.
RERATE_REFUSALS = ("not_rated", "already_rerated", "no_callback")
