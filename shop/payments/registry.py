"""The providers the shop knows, in the order the checkout offers them."""

from shop.payments.base import PaymentProvider
from shop.payments.cash import CashProvider
from shop.payments.simulator import CardSimulatorProvider
from shop.payments.stripe_card import StripeCardProvider
from shop.payments.wallets import AlipayProvider, WechatPayProvider

# WeChat Pay and Alipay (shop/payments/wallets.py) are offered when configured, or simulated (agency.wallets).
PROVIDERS: tuple[PaymentProvider, ...] = (CashProvider(), WechatPayProvider(), AlipayProvider(), StripeCardProvider(),
                                          CardSimulatorProvider())


def available_providers() -> list[PaymentProvider]:
    return [provider for provider in PROVIDERS if provider.is_available()]


def get_provider(code: str, *, available_only: bool = True) -> PaymentProvider:
    for provider in PROVIDERS:
        if provider.code == code and (provider.is_available() or not available_only):
            return provider
    raise LookupError(f"no payment provider {code!r}")
