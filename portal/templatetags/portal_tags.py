"""`{% load portal_tags %}{% portal_links as links %}`: the portal's section URLs for the site frame
(base.html's menu and footer). The section pages live at fixed addresses (portal.models.base.
SectionPageMixin, created by migration 0005), so this costs no query on any screen."""

from django import template

from portal.selectors import portal_links as section_links

register = template.Library()


@register.simple_tag
def portal_links() -> dict[str, str]:
    return section_links()
