"""The county's channels (/county/channels/): the systems that file requests for the county — the 12345
hotline's software, Open311 clients, the county's WeChat official account — their keys, webhooks and
the WeChat connection, set up by the county's admins; and a page to try the WeChat account as a
resident would, through the WeChat simulator (when WECHAT_SIMULATOR is on).

Views parse input, check access, call one service or selector, and render."""

import secrets

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import View

from core.service_errors import errors_onto
from gov_services.channels import services
from gov_services.channels.forms import (
    ChannelCreateForm,
    ChannelKeyForm,
    ChannelUpdateForm,
    SimulatedMessageForm,
    WeChatAccountForm,
)
from gov_services.channels.models import WeChatAccount
from gov_services.channels.selectors import access_channel_by_id, channel_actors, channels_in_scope
from gov_services.channels.views_wechat import push_answer
from gov_services.channels.wechat_simulator import WeChatServerSimulator
from gov_services.models import ServiceRequest
from stations.mixins import CountyAdminMixin
from stations.models import Region
from stations.scope import scope_for


def _county_of(user) -> Region | None:
    region = scope_for(user).admin_region
    if region is None:
        return Region.objects.filter(level=Region.Level.COUNTY).order_by("pk").first()  # the superuser
    return region if region.level == Region.Level.COUNTY else None


class ChannelListView(CountyAdminMixin, View):
    template_name = "gov_services/channels/channel_list.html"

    def get(self, request, form=None):
        return TemplateResponse(request, self.template_name, {
            "channels": channels_in_scope(user=request.user).prefetch_related("keys__api_key"),
            "form": form or ChannelCreateForm(), "county": _county_of(request.user)})

    def post(self, request):
        form = ChannelCreateForm(request.POST)
        county = _county_of(request.user)
        if county is None:
            raise Http404(_("Not found."))
        if form.is_valid():
            try:
                channel = services.channel_create(actor=request.user, jurisdiction=county, **form.cleaned_data)
            except ValidationError as error:
                errors_onto(form, error)
            else:
                messages.success(request, _("Channel “%(name)s” is set up.") % {"name": channel.name})
                return HttpResponseRedirect(reverse("gov_services:channel-detail", args=[channel.pk]))
        return self.get(request, form=form)


class ChannelDetailView(CountyAdminMixin, View):
    template_name = "gov_services/channels/channel_detail.html"
    ACTIONS = ("update", "key_issue", "key_revoke", "secret_rotate", "wechat")

    def get(self, request, pk, **forms):
        channel = access_channel_by_id(user=request.user, channel_id=pk)
        actors = channel_actors(county=channel.jurisdiction)
        account = WeChatAccount.objects.filter(channel=channel).first()
        return TemplateResponse(request, self.template_name, {
            "channel": channel, "account": account,
            "keys": channel.keys.select_related("api_key__user").order_by("-api_key__created_at"),
            "update_form": forms.get("update_form") or ChannelUpdateForm(instance=channel),
            "key_form": forms.get("key_form") or ChannelKeyForm(actors=actors),
            "wechat_form": forms.get("wechat_form") or WeChatAccountForm(
                instance=account, actors=actors, initial=None if account else {"acting_user": request.user.pk}),
            "is_wechat": channel.intake_channel == ServiceRequest.Channel.WECHAT,
            "server_url": request.build_absolute_uri(reverse("gov_services:wechat-server", args=[channel.code])),
            "new_key": forms.get("new_key"), "simulator": settings.WECHAT_SIMULATOR,
        })

    def post(self, request, pk):
        channel = access_channel_by_id(user=request.user, channel_id=pk)
        action = request.POST.get("action")
        if action not in self.ACTIONS:
            return HttpResponseRedirect(request.path)
        return getattr(self, f"_{action}")(request, channel)

    def _update(self, request, channel):
        form = ChannelUpdateForm(request.POST, instance=channel)
        if not form.is_valid():
            return self.get(request, channel.pk, update_form=form)
        try:
            services.channel_update(actor=request.user, channel=channel, **{
                name: form.cleaned_data[name] for name in services.CHANNEL_EDITABLE})
        except ValidationError as error:
            errors_onto(form, error)
            return self.get(request, channel.pk, update_form=form)
        messages.success(request, _("Saved."))
        return HttpResponseRedirect(request.path)

    def _key_issue(self, request, channel):
        form = ChannelKeyForm(request.POST, actors=channel_actors(county=channel.jurisdiction))
        if not form.is_valid():
            return self.get(request, channel.pk, key_form=form)
        _token, raw = services.channel_key_issue(actor=request.user, channel=channel, user=form.cleaned_data["user"])
        return self.get(request, channel.pk, new_key=raw)  # shown this once: never redirected to

    def _key_revoke(self, request, channel):
        key = channel.keys.select_related("api_key").filter(pk=request.POST.get("key") or 0).first()
        if key is None:
            raise Http404(_("Not found."))
        services.channel_key_revoke(actor=request.user, channel=channel, key=key)
        messages.success(request, _("The key %(prefix)s… is revoked.") % {"prefix": key.api_key.prefix})
        return HttpResponseRedirect(request.path)

    def _secret_rotate(self, request, channel):
        services.channel_webhook_secret_rotate(actor=request.user, channel=channel)
        messages.success(request, _("A new webhook secret is set: give it to the receiving system."))
        return HttpResponseRedirect(request.path)

    def _wechat(self, request, channel):
        account = WeChatAccount.objects.filter(channel=channel).first()
        form = WeChatAccountForm(request.POST, instance=account, actors=channel_actors(county=channel.jurisdiction))
        if not form.is_valid():
            return self.get(request, channel.pk, wechat_form=form)
        try:
            services.wechat_account_save(actor=request.user, channel=channel,
                                         app_secret=form.cleaned_data["app_secret"],
                                         **{name: form.cleaned_data[name] for name in form.Meta.fields})
        except ValidationError as error:
            errors_onto(form, error)
            return self.get(request, channel.pk, wechat_form=form)
        messages.success(request, _("The official account is connected. Paste the server address, the token and "
                                    "the EncodingAESKey into WeChat's server settings."))
        return HttpResponseRedirect(request.path)


class WeChatTryView(CountyAdminMixin, View):
    """Be a resident writing to the county's official account: each message goes through the WeChat
    simulator into the real endpoint's code, and the reply is shown as WeChat would show it. Reports
    filed here are real reports of the county (marked as coming from WeChat)."""

    template_name = "gov_services/channels/wechat_try.html"

    def dispatch(self, request, *args, **kwargs):
        if not settings.WECHAT_SIMULATOR:
            raise Http404(_("Not found."))
        return super().dispatch(request, *args, **kwargs)

    def _account(self, request, pk) -> WeChatAccount:
        channel = access_channel_by_id(user=request.user, channel_id=pk)
        account = WeChatAccount.objects.select_related("channel__jurisdiction", "acting_user").filter(
            channel=channel).first()
        if account is None:
            raise Http404(_("Not found."))
        return account

    def _session_key(self, pk) -> str:
        return f"wechat-try-{pk}"

    def _state(self, request, pk) -> dict:
        return request.session.get(self._session_key(pk)) or {"openid": "o" + secrets.token_urlsafe(20),
                                                                 "lines": []}

    def _villages(self, account):
        county = account.channel.jurisdiction
        return (Region.objects.filter(path__startswith=county.path, level__in=[Region.Level.VILLAGE,
                                                                                 Region.Level.COMMUNITY],
                                      latitude__isnull=False).order_by("name")[:300])

    def get(self, request, pk, form=None):
        account = self._account(request, pk)
        state = self._state(request, pk)
        return TemplateResponse(request, self.template_name, {
            "account": account, "channel": account.channel, "lines": state["lines"],
            "form": form or SimulatedMessageForm(initial={"openid": state["openid"]},
                                                 villages=self._villages(account))})

    def post(self, request, pk):
        account = self._account(request, pk)
        state = self._state(request, pk)
        if request.POST.get("action") == "restart":
            request.session.pop(self._session_key(pk), None)
            return HttpResponseRedirect(request.path)
        villages = self._villages(account)
        form = SimulatedMessageForm(request.POST, request.FILES, villages=villages)
        if not form.is_valid():
            return self.get(request, pk, form=form)
        simulator = WeChatServerSimulator(account)
        for shown, push in self._pushes(simulator, state["openid"], form.cleaned_data, villages):
            status, body = push_answer(account=account, query=push.query, body=push.body)
            reply = simulator.reply_text(body) if status == 200 else _("(WeChat refused: HTTP %(status)d)") % {
                "status": status}
            state["lines"] += [{"who": "resident", "text": shown}, {"who": "account", "text": reply}]
        state["lines"] = state["lines"][-40:]
        request.session[self._session_key(pk)] = state
        return HttpResponseRedirect(request.path)

    @staticmethod
    def _pushes(simulator, openid, data, villages):
        if data.get("text"):
            yield data["text"], simulator.text(openid, data["text"])
        if data.get("village"):
            village = next((v for v in villages if v.pk == data["village"]), None)
            if village is not None:
                yield f"📍 {village.name}", simulator.location(openid, village.latitude, village.longitude,
                                                              village.name)
        if data.get("photo"):
            yield _("[photo]"), simulator.image(openid, data["photo"].read(8 * 1024 * 1024))
