"""The portal's Wagtail pages and snippets; one module per family, imported here for Django."""

from portal.models.base import SECTION_SLUGS
from portal.models.guides import GuideIndexPage, LifeEvent, ServiceGuidePage
from portal.models.home import HomePage
from portal.models.news import NewsIndexPage, NewsPage
from portal.models.phones import PhoneDirectoryPage

__all__ = [
    "SECTION_SLUGS",
    "GuideIndexPage",
    "HomePage",
    "LifeEvent",
    "NewsIndexPage",
    "NewsPage",
    "PhoneDirectoryPage",
    "ServiceGuidePage",
]
