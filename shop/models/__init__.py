from shop.models.merchants import Merchant, MerchantApplication, MerchantCategory, MerchantStatement
from shop.models.orders import CounterSale, DeliveryFee, Fulfilment, OrderPart, OrderPartEvent, ShopperStation
from shop.models.payments import Payment, PaymentEvent, Refund
from shop.models.reconciliation import WalletBillImport

__all__ = ["CounterSale", "DeliveryFee", "Fulfilment", "Merchant", "MerchantApplication", "MerchantCategory", "MerchantStatement", "OrderPart",
           "OrderPartEvent", "Payment", "PaymentEvent", "Refund", "ShopperStation",
           "WalletBillImport"]
