"""`{% scope as scope %}`: the signed-in user's scope (stations/scope) for a template's links and
buttons, so a template asks the same predicates the views and services enforce, never `perms.*`."""

from django import template

from stations.scope import Scope, scope_for

register = template.Library()


@register.simple_tag(takes_context=True)
def scope(context) -> Scope:
    request = context.get("request")
    return scope_for(request.user if request is not None else context.get("user"))
