"""Cash, taken by the operator at the counter (or by the merchant on delivery)."""

from django.utils.translation import gettext_lazy as _

from shop.payments.base import ProviderEvent, ProviderStart, WebhookRejected


class CashProvider:
    code = "cash"
    label = _("Cash when you collect (or on delivery)")
    settles_on_handover = True

    def is_available(self) -> bool:
        return True

    def start(self, *, payment_id: int, order_number: str, amount_fen: int) -> ProviderStart:
        return ProviderStart()

    def intent_status(self, *, external_id: str) -> str | None:
        return None

    def refund(self, *, external_id: str, amount_fen: int, reference: str) -> str:
        return f"cash-refund-{reference}"  # paid out of the till by the person who took it

    def cancel(self, *, external_id: str) -> None:
        return None  # nothing is held anywhere: cash is only taken when the goods are handed over

    def parse_webhook(self, *, payload: bytes, signature: str) -> ProviderEvent:
        raise WebhookRejected("cash has no webhooks")
