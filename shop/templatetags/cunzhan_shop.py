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
