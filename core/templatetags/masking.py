"""`{% load masking %}`: core/masking.py's masks as filters, for lists that show personal data masked."""

from django import template

from core import masking

register = template.Library()

register.filter("mask_id_number", masking.mask_id_number)
register.filter("mask_mobile", masking.mask_mobile)
register.filter("mask_name", masking.mask_name)
