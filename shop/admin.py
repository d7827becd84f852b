"""Django admin for the store's settings that have no screen of their own yet (superusers only).

None left: delivery fees moved to the county's screen (/county/shop/delivery-fees/), where every
change is audited; an admin edit would bypass that history, so DeliveryFee is no longer registered.
"""
