"""Forget the cached public pages that show what changed, and only those (core/page_cache.py).

Pages show their own content and, read live from other apps, the catalogue (materials, fees, time
limits, departments' phones) and the station network (directory and map). Each page names the tags it
depends on when it marks itself cacheable; these receivers invalidate the tags of what was saved:

| change                                   | tags                                             |
| ---------------------------------------- | ------------------------------------------------ |
| a station or its services                | "stations" (the unfiltered directory), "stations:<its township code>" (before and after a move) |
| a village                                | "stations", "stations:<its township code>"       |
| a township or anything above it          | "regions" (the township pickers and map), "stations", "stations:<code>" |
| a catalogue item or one of its materials | "item:<id>" (its guide, a directory narrowed to it), "guides" for the item itself (lists) |
| a department                             | "guides", "phones", "item:<id>" of its items     |
| a Wagtail page published, moved …, a life event | everything (`pages_changed`): menus and lists show pages everywhere |

So a station saved in one county leaves the other counties' township directories, the guides and the home
page cached. No domain logic here: these receivers only forget cached HTML.
"""

from django.db.models.signals import post_delete, post_save, pre_save
from wagtail.models import Page
from wagtail.signals import page_published, page_slug_changed, page_unpublished, post_page_move

from core.page_cache import PUBLIC_PAGES, pages_changed

UID = "portal.page_cache"


def station_tags(township_code: str | None) -> list[str]:
    """What a change to a station in this township invalidates: the unfiltered directory and the township's."""
    return ["stations", *([f"stations:{township_code}"] if township_code else [])]


def _township_code(village_path: str | None) -> str | None:
    from stations.models import Region

    if not village_path or len(village_path) < Region.steplen * 3:
        return None
    return Region.objects.filter(path=village_path[: Region.steplen * 3]).values_list("code", flat=True).first()


def _station_township(station_id) -> str | None:
    from stations.models import Station

    path = Station.objects.filter(pk=station_id).values_list("village__path", flat=True).first()
    return _township_code(path)


def station_before_save(sender, instance, **kwargs):
    """Remember the township a station was in, so that moving it forgets the old township's directory."""
    if instance.pk and not kwargs.get("raw"):
        instance._portal_old_township = _station_township(instance.pk)


def station_changed(sender, instance, **kwargs):
    old = getattr(instance, "_portal_old_township", None)
    new = _township_code(instance.village.path) if instance.village_id else None
    PUBLIC_PAGES.invalidate(*station_tags(new), *([f"stations:{old}"] if old and old != new else []))


def station_service_changed(sender, instance, **kwargs):
    PUBLIC_PAGES.invalidate(*station_tags(_station_township(instance.station_id)))


def region_changed(sender, instance, **kwargs):
    from stations.models import Region

    if instance.level in (Region.Level.VILLAGE, Region.Level.COMMUNITY):  # named in its stations' rows
        PUBLIC_PAGES.invalidate(*station_tags(_township_code(instance.path)))
    else:
        township = instance.code if instance.level == Region.Level.TOWNSHIP else None
        PUBLIC_PAGES.invalidate("regions", *station_tags(township))


def service_item_changed(sender, instance, **kwargs):
    PUBLIC_PAGES.invalidate(f"item:{instance.pk}", "guides")


def material_changed(sender, instance, **kwargs):
    PUBLIC_PAGES.invalidate(f"item:{instance.item_id}")


def department_changed(sender, instance, **kwargs):
    from gov_services.models import ServiceItem

    items = ServiceItem.objects.filter(department_id=instance.pk).values_list("pk", flat=True)
    PUBLIC_PAGES.invalidate("guides", "phones", *(f"item:{pk}" for pk in items))


def connect() -> None:
    from gov_services.models import Department, RequiredMaterial, ServiceItem
    from portal.models import LifeEvent
    from stations.models import Region, Station, StationService

    for signal in (page_published, page_unpublished, page_slug_changed, post_page_move):
        signal.connect(pages_changed, dispatch_uid=f"{UID}.{signal!r}")
    post_delete.connect(pages_changed, sender=Page, dispatch_uid=f"{UID}.page-delete")
    receivers = {LifeEvent: pages_changed, Station: station_changed, StationService: station_service_changed,
                 Region: region_changed, ServiceItem: service_item_changed, RequiredMaterial: material_changed,
                 Department: department_changed}
    for model, receiver in receivers.items():
        for signal in (post_save, post_delete):
            signal.connect(receiver, sender=model, dispatch_uid=f"{UID}.{model.__name__}.{signal!r}")
    pre_save.connect(station_before_save, sender=Station, dispatch_uid=f"{UID}.Station.pre_save")
