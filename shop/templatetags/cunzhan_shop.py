from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def shopper_station(context):
    """The resident's remembered station (or None), for the storefront's header."""
    request = context.get("request")
    if request is None:
        return None
    from shop.selectors.shoppers import shopper_station_for

    return shopper_station_for(user=request.user, session=request.session)


@register.simple_tag(takes_context=True)
def store_region(context, name, product_id=None):
    """A personal part of a cached store page (shop/regions.py), rendered for this visitor."""
    from django.utils.safestring import mark_safe

    from shop import regions

    request = context.get("request")
    if request is None:
        return ""
    return mark_safe(regions.render(request, name, int(product_id) if product_id else None, page_context=context))


@register.simple_tag
def order_situation(order):
    """How the resident's order reaches them and how they pay (shop/selectors/resident_orders.py)."""
    from shop.selectors.resident_orders import resident_order_situation

    return resident_order_situation(order=order)


@register.filter
def qr_svg(content: str) -> str:
    """`{{ payment.client_secret|qr_svg }}`: a wallet order's QR as inline SVG (drawn here: no image service)."""
    import segno
    from django.utils.safestring import mark_safe

    if not content:
        return ""
    svg = segno.make(str(content), error="m", micro=False).svg_inline(scale=5, border=2, title="QR")
    return mark_safe(svg)  # segno escapes the content it draws; the SVG holds no script
