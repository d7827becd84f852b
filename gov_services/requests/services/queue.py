"""Writes of the department queue: an officer's saved views, and bulk assignment or hand-over (never a
bulk decision: approve and refuse are taken one request at a time, on its page, with a confirmation)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts.models import User
from core.audit import audit_event_record
from gov_services.models import SavedQueueView, ServiceRequest
from gov_services.requests.services.moves import service_request_assign, service_request_transfer

BULK_LIMIT = 100


@transaction.atomic
def saved_queue_view_create(*, user: User, name: str, query: str) -> SavedQueueView:
    name, query = (name or "").strip(), (query or "").strip().lstrip("?")
    if not name:
        raise ValidationError({"name": _("Give the view a name.")})
    if len(name) > 40 or len(query) > 500:
        raise ValidationError({"name": _("The name or the search is too long.")})
    try:
        with transaction.atomic():
            view = SavedQueueView.objects.create(user=user, name=name, query=query)
    except IntegrityError:
        raise ValidationError({"name": _("You already have a view called “%(name)s”.") % {"name": name}}) from None
    audit_event_record(actor=user, action="queue_view.saved", target=view, data={"name": name, "query": query})
    return view


@transaction.atomic
def saved_queue_view_delete(*, user: User, view: SavedQueueView) -> None:
    if view.user_id != user.pk:
        raise PermissionDenied(_("This is not your view."))
    audit_event_record(actor=user, action="queue_view.deleted", target=view, data={"name": view.name})
    view.delete()


def service_requests_bulk_assign(*, actor: User, requests: list[ServiceRequest], assignee: User,
                                 note: str) -> tuple[list[ServiceRequest], list[tuple[ServiceRequest, str]]]:
    """Give each request to `assignee`: assigned if nobody holds it (a head), handed over if someone does
    (note required, as for one). Each request is its own transaction: one refusal leaves the others done.
    Returns (moved, [(request, why not)])."""
    if len(requests) > BULK_LIMIT:
        raise ValidationError(_("Choose at most %(n)s requests at a time.") % {"n": BULK_LIMIT})
    moved, refused = [], []
    for request in requests:
        try:
            if request.assignee_id is None:
                service_request_assign(request=request, actor=actor, assignee=assignee)
            else:
                service_request_transfer(request=request, actor=actor, assignee=assignee, note=note)
            moved.append(request)
        except (PermissionDenied, ValidationError) as error:
            refused.append((request, " ".join(getattr(error, "messages", None) or [str(error)])))
    return moved, refused
