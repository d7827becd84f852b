"""The text-message outbox for township and county admins (/county/sms/): every SMS the platform queued
about a place in their region, whether it went out, and a way to send a failed one again. One-time
codes show masked (core/sms/).

Views parse input, check access, call one service or selector, and render.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import View

from core.http import safe_next
from core.models import SmsOutboxMessage, SmsTemplate
from core.sms import (
    sms_gateway_is_real,
    sms_outbox_purposes,
    sms_outbox_retry,
    sms_purpose,
    sms_render,
    sms_template_save,
)
from gov_services.filters_notifications import SmsOutboxFilter
from gov_services.notifications import (
    access_sms_outbox_message_by_id,
    access_sms_template_county_by_id,
    can_set_up_sms_templates,
    purpose_label,
    sms_outbox_in_scope,
    sms_template_counties,
    sms_template_table,
)
from stations.mixins import CountyAdminMixin, CountyStaffMixin

PAGE_SIZE = 50
Status = SmsOutboxMessage.Status
# The request-status colours of cunzhan.css: amber waiting, green done, red failed.
STATUS_CSS = {Status.QUEUED: "cz-rstatus--returned", Status.SENT: "cz-rstatus--completed",
              Status.FAILED: "cz-rstatus--rejected", Status.REFUSED: "cz-rstatus--rejected"}


class SmsOutboxListView(CountyStaffMixin, View):
    template_name = "gov_services/notifications/sms_outbox_list.html"

    def get(self, request):
        in_scope = sms_outbox_in_scope(user=request.user)
        purposes = [(p, purpose_label(p)) for p in sms_outbox_purposes(rows=in_scope)]
        search = SmsOutboxFilter(request.GET or None, queryset=in_scope, purposes=purposes)
        by_status = dict(search.qs_without("status").order_by().values_list("status").annotate(n=Count("pk")))
        rows = search.qs
        page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
        for message in page.object_list:
            message.purpose_label = purpose_label(message.purpose)
            message.status_css = STATUS_CSS[message.status]
        return TemplateResponse(request, self.template_name, {
            "form": search.form,
            "filtered": search.filtered,
            "status": search.cleaned().get("status") or "",
            "status_counts": [{"value": value, "label": label, "count": by_status.get(value, 0),
                               "css": STATUS_CSS[value]}
                              for value, label in Status.choices],
            "total": sum(by_status.values()),
            "page_obj": page,
            "sms_messages": page.object_list,
            "can_set_up_templates": can_set_up_sms_templates(user=request.user),
        })


class SmsOutboxRetryView(CountyStaffMixin, View):
    """POST: queue a failed message of the admin's region again (another region's is a 404), then back to
    the list with its filters."""

    def post(self, request, pk):
        message = access_sms_outbox_message_by_id(user=request.user, message_id=pk)
        try:
            sms_outbox_retry(user=request.user, message=message)
        except ValidationError as error:
            messages.error(request, error.messages[0])
        else:
            messages.success(request, _("The text message to %(phone)s is queued again.") % {"phone": message.phone})
        return HttpResponseRedirect(safe_next(request, request.POST.get("next")) or reverse("gov_services:sms-outbox-list"))


# --- the counties' SMS templates ----------------------------------------------------------------------------


class SmsTemplateForm(forms.Form):
    template_code = forms.CharField(label=gettext_lazy("Template code"), max_length=64,
                                    help_text=gettext_lazy("As the gateway gave it: SMS_123456789 (Aliyun) or "
                                                           "1234567 (Tencent Cloud)."))
    sign_name = forms.CharField(label=gettext_lazy("Sign name"), max_length=30,
                                help_text=gettext_lazy("The approved 短信签名, without the brackets."))
    content = forms.CharField(label=gettext_lazy("Approved wording"), required=False, max_length=500,
                              widget=forms.Textarea(attrs={"rows": 3}),
                              help_text=gettext_lazy("The template as approved, with ${name} for each variable; "
                                                     "shown on the screens. Empty: the built-in wording."))
    param_names = forms.CharField(label=gettext_lazy("Variables, in the template's order"), max_length=300,
                                  help_text=gettext_lazy("Separated by commas. Tencent Cloud fills {1}, {2} … in "
                                                         "this order."))
    approved = forms.BooleanField(label=gettext_lazy("Approved by the gateway"), required=False)


class SmsTemplateListView(CountyAdminMixin, View):
    """The purposes the platform sends texts for, and the template each county has for them."""

    template_name = "gov_services/notifications/sms_template_list.html"

    def get(self, request):
        counties = list(sms_template_counties(user=request.user))
        sections = [{"region": county, "region_id": county.pk, "rows": sms_template_table(region=county)}
                    for county in counties]
        if request.user.is_superuser:
            sections.insert(0, {"region": None, "region_id": 0, "rows": sms_template_table(region=None)})
        return TemplateResponse(request, self.template_name, {"sections": sections,
                                                              "real_gateway": sms_gateway_is_real()})


class SmsTemplateEditView(CountyAdminMixin, View):
    """GET the form, POST the template a county had approved for one purpose (audited)."""

    template_name = "gov_services/notifications/sms_template_form.html"

    def _purpose(self, key: str):
        try:
            return sms_purpose(key)
        except ValueError:
            raise Http404 from None

    def _render(self, request, region, purpose, form):
        return TemplateResponse(request, self.template_name, {
            "region": region, "purpose": purpose, "form": form,
            "builtin": sms_render(purpose=purpose.key, params={name: f"${{{name}}}" for name in purpose.params})})

    def get(self, request, region, purpose):
        county = access_sms_template_county_by_id(user=request.user, region_id=region)
        purpose = self._purpose(purpose)
        current = SmsTemplate.objects.filter(region_path=county.path if county else "", purpose=purpose.key).first()
        initial = {"param_names": ", ".join(purpose.params), "approved": True}
        if current is not None:
            initial = {"template_code": current.template_code, "sign_name": current.sign_name,
                       "content": current.content, "param_names": ", ".join(current.param_names or purpose.params),
                       "approved": current.approved}
        return self._render(request, county, purpose, SmsTemplateForm(initial=initial))

    def post(self, request, region, purpose):
        county = access_sms_template_county_by_id(user=request.user, region_id=region)
        purpose = self._purpose(purpose)
        form = SmsTemplateForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                sms_template_save(user=request.user, region_path=county.path if county else "", purpose=purpose.key,
                                  template_code=data["template_code"], sign_name=data["sign_name"],
                                  content=data["content"], approved=data["approved"],
                                  param_names=[name for name in data["param_names"].replace("，", ",").split(",")])
            except ValidationError as error:
                for field, errors in error.message_dict.items():
                    for message in errors:
                        form.add_error(field if field in form.fields else None, message)
            else:
                messages.success(request, _("The template for “%(purpose)s” is saved.") % {"purpose": purpose.label})
                return HttpResponseRedirect(reverse("gov_services:sms-template-list"))
        return self._render(request, county, purpose, form)
