"""The webhook outbox for township and county admins (/county/webhooks/): every status change queued for a
channel about a place in their region, its delivery log, and a replay button.

Views parse input, check access, call one service or selector, and render."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import View

from gov_services.channels.models import WebhookDelivery
from gov_services.channels.selectors import access_webhook_delivery_by_id, webhook_outbox_in_scope
from gov_services.channels.services import webhook_delivery_replay
from gov_services.models import ServiceRequest
from stations.mixins import CountyStaffMixin

PAGE_SIZE = 50
Status = WebhookDelivery.Status
STATUS_CSS = {Status.PENDING: "cz-rstatus--returned", Status.DELIVERED: "cz-rstatus--completed",
              Status.FAILED: "cz-rstatus--rejected"}


class WebhookOutboxListView(CountyStaffMixin, View):
    template_name = "gov_services/channels/webhook_outbox_list.html"

    def get(self, request):
        rows = webhook_outbox_in_scope(user=request.user)
        status = request.GET.get("status", "")
        if status in Status.values:
            rows = rows.filter(status=status)
        else:
            status = ""
        page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
        labels = dict(ServiceRequest.Status.choices)
        for delivery in page.object_list:
            delivery.status_css = STATUS_CSS[delivery.status]
            delivery.change = [str(labels.get(delivery.payload.get(key), "")) for key in
                               ("previous_detailed_status", "detailed_status")]
        return TemplateResponse(request, self.template_name, {
            "page_obj": page, "deliveries": page.object_list, "status": status,
            "statuses": [{"value": value, "label": label, "css": STATUS_CSS[value]} for value, label in Status.choices],
        })


class WebhookDeliveryReplayView(CountyStaffMixin, View):
    """POST: send a delivery of the admin's region again (another region's is a 404), back to the list."""

    def post(self, request, pk):
        delivery = access_webhook_delivery_by_id(user=request.user, delivery_id=pk)
        try:
            webhook_delivery_replay(actor=request.user, delivery=delivery)
        except ValidationError as error:
            messages.error(request, error.messages[0])
        else:
            messages.success(request, _("The delivery to %(channel)s is being sent again.")
                             % {"channel": delivery.channel.name})
        return HttpResponseRedirect(reverse("gov_services:webhook-outbox-list"))
