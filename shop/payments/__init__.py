"""Paying for orders behind one small interface of ours (see base.py).

Cash at the counter always works; card payment through Stripe when STRIPE_* keys are set, or
through a local simulator in the demo; a WeChat Pay or Alipay gateway is one more provider class
registered in PROVIDERS. Nothing outside this package knows which providers exist.
"""

from shop.payments.base import PaymentProvider, ProviderEvent, ProviderStart, WebhookRejected, decline_message
from shop.payments.registry import available_providers, get_provider

__all__ = ["PaymentProvider", "ProviderEvent", "ProviderStart", "WebhookRejected", "available_providers", "decline_message",
           "get_provider"]
