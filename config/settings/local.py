"""The embedded demo: DEBUG on, everything on this one machine."""

from .base import *  # noqa: F403
from .base import SITE_URL, env, read

DEBUG = read("DEBUG", env.bool, True, "DEBUG=true")

# The demo's printed logins sign in with a password alone; set TWO_FACTOR_ROLES to try two-factor sign-in.
TWO_FACTOR_ROLES = read("TWO_FACTOR_ROLES", env.list, [], "TWO_FACTOR_ROLES=county_admin,system_admin")

# The demo's counter takes cards on the simulated reader (set AGENCY_CARD_TERMINAL=stripe for a real one).
AGENCY_CARD_TERMINAL = read("AGENCY_CARD_TERMINAL", env.str, "simulator", "AGENCY_CARD_TERMINAL=simulator")

# The demo's text messages go through the Aliyun adapter to the loopback simulator (core/sms_simulator.py),
# with the templates seed_demo records for the county; it pushes delivery receipts back here.
SMS_BACKEND = read("SMS_BACKEND", env.str, "core.sms_gateways.AliyunSmsBackend", "SMS_BACKEND=core.sms.ConsoleBackend")
SMS_ALIYUN_ENDPOINT = read("SMS_ALIYUN_ENDPOINT", env.str, "simulator", "SMS_ALIYUN_ENDPOINT=dysmsapi.aliyuncs.com")
SMS_ALIYUN_ACCESS_KEY_ID = read("SMS_ALIYUN_ACCESS_KEY_ID", env.str, "LTAI5tDemoSimulator", "SMS_ALIYUN_ACCESS_KEY_ID=LTAI5t…")
SMS_ALIYUN_ACCESS_KEY_SECRET = read("SMS_ALIYUN_ACCESS_KEY_SECRET", env.str, "demo-simulator-secret",
                                    "SMS_ALIYUN_ACCESS_KEY_SECRET=<secret>")
SMS_RECEIPT_TOKEN = read("SMS_RECEIPT_TOKEN", env.str, "demo-receipts", "SMS_RECEIPT_TOKEN=<long random string>")
SMS_SIMULATOR_RECEIPT_URL = read(
    "SMS_SIMULATOR_RECEIPT_URL", env.str, f"{SITE_URL.rstrip('/')}/sms/receipts/{{provider}}/{SMS_RECEIPT_TOKEN}/",
    "SMS_SIMULATOR_RECEIPT_URL=")
