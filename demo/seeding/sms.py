"""The demo county's SMS templates (core/sms/), recorded the way a county admin records them on
/county/sms/templates/: one per purpose, as if the gateway had approved them, and the platform-wide
ones (the verification codes) by the platform's administrator. So the demo sends every message with a
template code and sign name of its own, to the gateway simulator (config/settings/local.py)."""

from core.models import SmsTemplate
from core.sms import sms_purposes, sms_template_save
from demo.seeding.clock import SET_UP_AT, at

SIGN_NAME = "乐亭村站"


def seed_sms_templates(demo, progress) -> None:
    with at(SET_UP_AT):
        for number, purpose in enumerate(sms_purposes(), start=1):
            region_path, user = (demo.county.path, demo.county_admin) if purpose.county else ("", demo.admin)
            if SmsTemplate.objects.filter(region_path=region_path, purpose=purpose.key).exists():
                continue
            sms_template_save(user=user, region_path=region_path, purpose=purpose.key,
                              template_code=f"SMS_4659{number:05d}", sign_name=SIGN_NAME, approved=True)
    progress.step("SMS templates")
