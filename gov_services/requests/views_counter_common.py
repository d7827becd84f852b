"""What the counter's request pages share: who gets in, and where a service's errors are shown.

Only the operators and liaisons of a station get in (stations/scope; 403 for anyone else), and
only to the requests filed at that station: another station's request is a 404, as a missing one. The
service's ValidationError maps fields to messages; `place_service_errors` shows each message beside the
field it is about (e-form fields under "form_data.<name>", scans under "attachments.<material id>"), in
the language of the page.
"""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from core.service_errors import errors_onto
from gov_services.models import ServiceRequest
from gov_services.requests.forms_counter import ScanUploadForm
from gov_services.requests.selectors.requests import service_request_list
from gov_services.requests.services import ATTACHMENTS, FORM_DATA_ERROR_PREFIX
from stations.scope import get_in_scope, scope_for


class CounterAccessMixin(LoginRequiredMixin):
    """The counter is for a station's operators and liaisons; `self.station` is theirs."""

    station = None
    # What a liaison files was relayed from a household visit or a WeChat group (scans optional).
    channel = ServiceRequest.Channel.COUNTER

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            scope = scope_for(request.user)
            if not scope.is_counter_staff:
                raise PermissionDenied(_("The counter is for the operators and liaisons of a station."))
            self.station = scope.counter_station
            if scope.is_only_liaison:
                self.channel = ServiceRequest.Channel.LIAISON
        return super().dispatch(request, *args, **kwargs)

    def get_service_request(self, request_id: int) -> ServiceRequest:
        """A request the user may see *and* that was filed at this counter's station; 404 otherwise."""
        return get_in_scope(service_request_list(user=self.request.user).filter(station=self.station),
                            pk=request_id)


def place_service_errors(error: ValidationError, *, form, scans: ScanUploadForm | None = None, eform=None) -> None:
    """Show the service's ValidationError on the page's forms: e-form fields on the e-form, scans beside
    the input of their material (the service keys them "attachments.<material id>")."""
    errors_onto(form, error, parts={FORM_DATA_ERROR_PREFIX: eform,
                                    ATTACHMENTS: (scans, scans.field_of_material) if scans is not None else None})
