"""Workspace navigation, rendered by stations and declared once in config (config/navigation.py, named by
settings.COUNTY_NAVIGATION), as Oscar's dashboard navigation is: the back office's links are data — groups
of (label, URL name, who may see it) — so the apps below config never hard-code links upward, and a link
is shown only to those its page lets in.

Who may see a link is a Scope predicate named as in WorkspaceMixin.required_post ("is_county_staff",
"is_county_admin" …): the same rule the page's own mixin applies.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse
from django.utils.module_loading import import_string

from stations.scope import Scope


@dataclass(frozen=True)
class NavLink:
    label: str
    url_name: str
    allowed: str = "is_county_staff"  # a Scope predicate: who may open the page
    query: str = ""  # a filter the link opens the list with, e.g. "overdue=on"

    def url(self) -> str:
        return reverse(self.url_name) + (f"?{self.query}" if self.query else "")


@dataclass(frozen=True)
class NavGroup:
    key: str  # stable name ("setup"), for the template's anchors and for tests
    label: str
    links: tuple[NavLink, ...]


@dataclass(frozen=True)
class ShownGroup:
    key: str
    label: str
    links: list[tuple[str, str]]  # (label, url)


def county_navigation() -> tuple[NavGroup, ...]:
    """The back office's declared navigation (settings.COUNTY_NAVIGATION, a dotted path)."""
    return tuple(import_string(settings.COUNTY_NAVIGATION))


def merchant_navigation() -> tuple[NavGroup, ...]:
    """The merchant workspace's declared navigation (settings.MERCHANT_NAVIGATION, a dotted path)."""
    return tuple(import_string(settings.MERCHANT_NAVIGATION))


def navigation_for(scope: Scope, groups: tuple[NavGroup, ...] | None = None) -> list[ShownGroup]:
    """The groups with the links `scope` may open, URLs resolved; a group left empty is not shown."""
    shown = []
    for group in county_navigation() if groups is None else groups:
        links = [(link.label, link.url()) for link in group.links if getattr(scope, link.allowed)]
        if links:
            shown.append(ShownGroup(group.key, group.label, links))
    return shown
