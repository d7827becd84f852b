"""Money that leaves the machine: Stripe, WeChat Pay and Alipay, the till's providers and card readers, and
the simulators that stand in for them. Imported by config/settings/base.py, whose every importer sees these
names.
"""

from config.env import BASE_DIR, env, read

# Stripe: unset keys hide card payment; cash at the counter always works.
STRIPE_SECRET_KEY = read("STRIPE_SECRET_KEY", env.str, "", "sk_test_…")
STRIPE_PUBLISHABLE_KEY = read("STRIPE_PUBLISHABLE_KEY", env.str, "", "pk_test_…")
STRIPE_WEBHOOK_SECRET = read("STRIPE_WEBHOOK_SECRET", env.str, "", "whsec_…")
# A card attempt of the checkout left this long without an order is refunded or cancelled by the sweep
# (the resident may still be on the page until then).
SHOP_CARD_ATTEMPT_GRACE_MINUTES = read("SHOP_CARD_ATTEMPT_GRACE_MINUTES", env.int, 60,
                                       "SHOP_CARD_ATTEMPT_GRACE_MINUTES=60")

# WeChat Pay (API v3) and Alipay (open API, RSA2) — agency/wallets/. Live credentials set → the real
# gateway; unset, with ENABLE_SIMULATORS, the simulator at SITE_URL/sim/… (keys made in WALLET_SIMULATOR_KEY_DIR);
# neither → the wallet is not offered. Notifications come to SITE_URL/shop/payments/<wechat|alipay>/notify/.
WECHATPAY_MCHID = read("WECHATPAY_MCHID", env.str, "", "WECHATPAY_MCHID=1900000109")
WECHATPAY_APPID = read("WECHATPAY_APPID", env.str, "", "WECHATPAY_APPID=wxd678efh567hg6787")
WECHATPAY_CERT_SERIAL_NO = read("WECHATPAY_CERT_SERIAL_NO", env.str, "", "WECHATPAY_CERT_SERIAL_NO=444F4864EA9B3441…")
WECHATPAY_PRIVATE_KEY_PATH = read("WECHATPAY_PRIVATE_KEY_PATH", env.str, "",
                                  "WECHATPAY_PRIVATE_KEY_PATH=/etc/cunzhan/wechatpay/apiclient_key.pem")
WECHATPAY_APIV3_KEY = read("WECHATPAY_APIV3_KEY", env.str, "", "WECHATPAY_APIV3_KEY=<32 characters>")
WECHATPAY_CERT_DIR = read("WECHATPAY_CERT_DIR", env.str, "", "WECHATPAY_CERT_DIR=/var/lib/cunzhan/wechatpay-certs")
WECHATPAY_API_BASE = read("WECHATPAY_API_BASE", env.str, "https://api.mch.weixin.qq.com",
                          "WECHATPAY_API_BASE=https://api.mch.weixin.qq.com")
WECHATPAY_TIMEOUT = (5, read("WECHATPAY_TIMEOUT", env.int, 15, "WECHATPAY_TIMEOUT=15 (seconds to read an answer)"))
ALIPAY_APPID = read("ALIPAY_APPID", env.str, "", "ALIPAY_APPID=2021000000000000")
ALIPAY_APP_PRIVATE_KEY_PATH = read("ALIPAY_APP_PRIVATE_KEY_PATH", env.str, "",
                                   "ALIPAY_APP_PRIVATE_KEY_PATH=/etc/cunzhan/alipay/app_private_key.pem")
ALIPAY_PUBLIC_KEY_PATH = read("ALIPAY_PUBLIC_KEY_PATH", env.str, "",
                              "ALIPAY_PUBLIC_KEY_PATH=/etc/cunzhan/alipay/alipay_public_key.pem")
ALIPAY_GATEWAY = read("ALIPAY_GATEWAY", env.str, "https://openapi.alipay.com/gateway.do",
                      "ALIPAY_GATEWAY=https://openapi-sandbox.dl.alipaydev.com/gateway.do")
ALIPAY_TIMEOUT = read("ALIPAY_TIMEOUT", env.int, 15, "ALIPAY_TIMEOUT=15")
WALLET_SIMULATORS = read("WALLET_SIMULATORS", env.bool, True, "WALLET_SIMULATORS=false")
WALLET_SIMULATOR_KEY_DIR = read("WALLET_SIMULATOR_KEY_DIR", env.str, str(BASE_DIR / "var" / "wallet_simulator"),
                                "WALLET_SIMULATOR_KEY_DIR=var/wallet_simulator")
WALLET_SIMULATOR_NOTIFY_TIMEOUT = 10
WECHATPAY_SIMULATOR_MCHID, WECHATPAY_SIMULATOR_APPID = "1900000109", "wxcz0000simulator"
ALIPAY_SIMULATOR_APPID = "2021000000000001"

# Simulated gateways (the till's provider and card reader, the store's card gateway) and the URLs
# that drive them. On in the demo and the tests; production turns them off unless a pilot asks.
ENABLE_SIMULATORS = read("ENABLE_SIMULATORS", env.bool, True, "ENABLE_SIMULATORS=false")

# Agency (the station till). Provider.adapter names one of these; the simulator is the only one
# until a real provider's API is connected. Amounts in fen.
AGENCY_PROVIDER_ADAPTERS = {
    "simulator": {
        "BACKEND": "agency.providers.simulator.SimulatorAdapter",
        "OPTIONS": {
            "latency_ms": read("AGENCY_SIMULATOR_LATENCY_MS", env.int, 0, "AGENCY_SIMULATOR_LATENCY_MS=300"),
            "decline_rate": read("AGENCY_SIMULATOR_DECLINE_RATE", env.float, 0.0, "AGENCY_SIMULATOR_DECLINE_RATE=0.02"),
            "timeout_rate": read("AGENCY_SIMULATOR_TIMEOUT_RATE", env.float, 0.0, "AGENCY_SIMULATOR_TIMEOUT_RATE=0.01"),
        },
    },
}
# The card reader on the counter (agency/card_terminals/): "" takes cash only; "stripe" is a Stripe
# Terminal reader per station (AGENCY_STRIPE_READERS: station code → reader id); "simulator" a reader in
# this process (the demo's and the tests').
AGENCY_CARD_TERMINAL = read("AGENCY_CARD_TERMINAL", env.str, "stripe" if STRIPE_SECRET_KEY else "",
                            "AGENCY_CARD_TERMINAL=simulator")
AGENCY_CARD_TERMINALS = {
    "simulator": {
        "BACKEND": "agency.card_terminals.simulator.SimulatorTerminal",
        "OPTIONS": {
            "latency_ms": read("AGENCY_CARD_SIMULATOR_LATENCY_MS", env.int, 0, "AGENCY_CARD_SIMULATOR_LATENCY_MS=1500"),
            "decline_rate": read("AGENCY_CARD_SIMULATOR_DECLINE_RATE", env.float, 0.0,
                                 "AGENCY_CARD_SIMULATOR_DECLINE_RATE=0.03"),
            "timeout_rate": read("AGENCY_CARD_SIMULATOR_TIMEOUT_RATE", env.float, 0.0,
                                 "AGENCY_CARD_SIMULATOR_TIMEOUT_RATE=0.01"),
        },
    },
    "stripe": {
        "BACKEND": "agency.card_terminals.stripe_terminal.StripeTerminal",
        "OPTIONS": {"wait_seconds": read("AGENCY_STRIPE_READER_WAIT_SECONDS", env.float, 90.0,
                                         "AGENCY_STRIPE_READER_WAIT_SECONDS=90")},
    },
}
AGENCY_STRIPE_READERS = read("AGENCY_STRIPE_READERS", env.dict, {}, "AGENCY_STRIPE_READERS=ST001=tmr_FDOt2wlRZEdpd7")
AGENCY_LOW_FLOAT_FEN = 50_000  # a new wallet warns below 500 yuan available
AGENCY_REVERSAL_WINDOW_MINUTES = 30  # for government fees, cash sales and order commissions
AGENCY_ORDER_COMMISSION_TAX_BP = 0  # tax withheld on store order commission (basis points)
AGENCY_MAX_COUNTER_AMOUNT_FEN = 5_000_000  # 50,000 yuan: fees and sales recorded for other apps
AGENCY_MAX_TOP_UP_FEN = 20_000_000  # 200,000 yuan per top-up request
