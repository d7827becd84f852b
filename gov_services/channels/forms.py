"""Forms of the county's channel screens. They parse what was typed; the services check again."""

from django import forms
from django.utils.translation import gettext_lazy as _

from gov_services.channels.models import RATE_PATTERN, Channel, WeChatAccount
from gov_services.models import ServiceRequest

KINDS = [(c.value, c.label) for c in (ServiceRequest.Channel.API, ServiceRequest.Channel.PHONE,
                                      ServiceRequest.Channel.WECHAT)]


class ChannelCreateForm(forms.Form):
    name = forms.CharField(label=_("Channel name"), max_length=80, help_text=_("For example: 12345 hotline, county WeChat"))
    code = forms.SlugField(label=_("Code"), max_length=40,
                           help_text=_("Letters, digits and hyphens; part of the WeChat server address."))
    intake_channel = forms.ChoiceField(label=_("Requests arrive as"), choices=KINDS)
    rate_limit = forms.RegexField(label=_("Rate limit"), regex=RATE_PATTERN, initial="60/m",
                                  help_text=_("Calls per key, e.g. 60/m; over it the caller gets HTTP 429."),
                                  error_messages={"invalid": _("Write a rate as count/unit, e.g. 60/m (s, m, h "
                                                               "or d).")})
    webhook_url = forms.URLField(label=_("Webhook URL"), required=False, assume_scheme="https",
                                 help_text=_("Status changes of this channel's requests are POSTed here."))

    def clean_code(self):
        code = self.cleaned_data["code"].lower()
        if Channel.objects.filter(code=code).exists():
            raise forms.ValidationError(_("This code is taken; choose another."))
        return code


class ChannelUpdateForm(forms.ModelForm):
    webhook_url = ChannelCreateForm.base_fields["webhook_url"]

    class Meta:
        model = Channel
        fields = ["name", "rate_limit", "webhook_url", "is_active"]
        labels = {"name": _("Channel name")}


class ChannelKeyForm(forms.Form):
    user = forms.ModelChoiceField(label=_("Acts as"), queryset=None,
                                  help_text=_("The key files and reads as this person: their posts decide which "
                                              "villages it may file for."))

    def __init__(self, *args, actors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = actors


class WeChatAccountForm(forms.ModelForm):
    app_secret = forms.CharField(label=_("AppSecret"), required=False, max_length=64,
                                 widget=forms.PasswordInput(render_value=False),
                                 help_text=_("Needed to fetch photos through WeChat's API; leave empty to keep the "
                                             "stored one."))

    class Meta:
        model = WeChatAccount
        fields = ["app_id", "token", "encoding_aes_key", "acting_user"]

    def __init__(self, *args, actors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["acting_user"].queryset = actors


class SimulatedMessageForm(forms.Form):
    """What the "try it" page sends as a resident's message (one of the three)."""

    openid = forms.CharField(widget=forms.HiddenInput, max_length=64)
    text = forms.CharField(label=_("Message"), max_length=500, required=False)
    village = forms.TypedChoiceField(label=_("Send a place"), coerce=int, required=False, empty_value=None)
    photo = forms.FileField(label=_("Send a photo"), required=False)

    def __init__(self, *args, villages=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].choices = [("", "—")] + [(v.pk, v.name) for v in villages]

    def clean(self):
        data = super().clean()
        if not (data.get("text") or data.get("village") or data.get("photo")):
            raise forms.ValidationError(_("Write a message, choose a place or choose a photo."))
        return data
