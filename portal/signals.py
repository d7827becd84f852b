"""Empty the whole-page cache when anything a public page shows changes (core/page_cache.py).

Pages show their own content and, read live from other apps, the catalogue (materials, fees, time
limits, departments' phones) and the station network (directory and map). No domain logic here:
these receivers only forget cached HTML.
"""

from django.db.models.signals import post_delete, post_save
from wagtail.models import Page
from wagtail.signals import page_published, page_slug_changed, page_unpublished, post_page_move

from core.page_cache import pages_changed

UID = "portal.page_cache"


def connect() -> None:
    from gov_services.models import Department, RequiredMaterial, ServiceItem
    from portal.models import LifeEvent
    from stations.models import Region, Station, StationService

    for signal in (page_published, page_unpublished, page_slug_changed, post_page_move):
        signal.connect(pages_changed, dispatch_uid=f"{UID}.{signal!r}")
    post_delete.connect(pages_changed, sender=Page, dispatch_uid=f"{UID}.page-delete")
    for model in (LifeEvent, ServiceItem, RequiredMaterial, Department, Station, StationService, Region):
        for signal in (post_save, post_delete):
            signal.connect(pages_changed, sender=model, dispatch_uid=f"{UID}.{model.__name__}.{signal!r}")
