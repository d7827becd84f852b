"""The store's text messages, declared as SMS purposes (core/sms/): each one's parameters and built-in
wording (the zh-hans preview; a county's approved gateway template is what a real gateway sends). The
services that send them (orders, merchants, revet_reminders) pass the purpose and its parameters."""

from django.utils.translation import gettext_lazy as _

from core.sms import SmsPurpose, sms_purpose_register

PICKUP_CODE = sms_purpose_register(SmsPurpose(
    "pickup_code", _("Pick-up code (store)"),
    _("Your order %(ref)s has arrived at %(station)s. Pick-up code %(code)s; show it at the counter (%(hours)s)."),
    ("ref", "station", "code", "hours"), secret_params=("code",), daily_limit=20))
MERCHANT_APPROVED = sms_purpose_register(SmsPurpose(
    "merchant_approved", _("Merchant application approved (store)"),
    _("Your member-merchant application %(ref)s was approved. Sign in with this mobile number; the county office "
      "gives you the first password."), ("ref",)))
MERCHANT_REJECTED = sms_purpose_register(SmsPurpose(
    "merchant_rejected", _("Merchant application not approved (store)"),
    _("Your member-merchant application %(ref)s was not approved: %(reason)s"), ("ref", "reason")))
MERCHANT_REVET = sms_purpose_register(SmsPurpose(
    "merchant_revet", _("Merchant re-vetting due (store)"),
    _("%(name)s: your membership of the village store is due for re-vetting on %(date)s. Please have your "
      "business licence ready; the county office will contact you."), ("name", "date")))
