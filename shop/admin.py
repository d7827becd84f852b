"""Django admin for the store's settings that have no screen of their own yet (superusers only)."""

from django.contrib import admin

from shop.models import DeliveryFee


@admin.register(DeliveryFee)
class DeliveryFeeAdmin(admin.ModelAdmin):
    list_display = ["township", "fee_fen", "active"]
    list_editable = ["fee_fen", "active"]
