"""Changes to the administrative tree by hand: add a village or community under a township, rename a
region, move one, merge a village into another. Each change leaves an audit event on the region, in the
same transaction.

Who may change which region is stations/scope's rule (can_add_region, can_change_region: a township
admin their township's villages, a county admin its townships and villages, the rest a superuser);
`actor=None` is the system (the demo seed, management commands). A region that another user may not
change is refused with PermissionDenied (403); a bad value with a ValidationError keyed by field.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts.models import User
from core.audit import audit_event_record
from stations.models import Region, common_region_path
from stations.regions import codes
from stations.regions.paths import paths_followed, paths_restamp
from stations.regions.selectors import MERGED_AWAY, MERGED_IN, VILLAGE_LEVELS, merge_references
from stations.scope import can_add_region, can_change_region, can_place_region, require
from stations.services import region_add

FIELDS = ("name", "level", "latitude", "longitude")  # what region_update may change


def _fresh(region: Region) -> Region:
    """The stored row, locked: paths and child counts change under a caller's copy."""
    return Region.objects.select_for_update().get(pk=region.pk)


POSITION = {"latitude", "longitude"}


def _may_change(actor: User | None, region: Region, fields=()) -> None:
    if actor is not None and fields and set(fields) <= POSITION and can_place_region(actor, region):
        return
    require(actor is None or can_change_region(actor, region),
            _("You may not change %(region)s: it is set by the administrators above your region.")
            % {"region": region.name})


def _name(name: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError({"name": _("Give the region's name.")})
    return name


def _sibling_named(parent: Region, name: str, *, other_than: Region | None = None) -> None:
    siblings = parent.get_children().filter(name=name)
    if other_than is not None:
        siblings = siblings.exclude(pk=other_than.pk)
    if siblings.exists():
        raise ValidationError({"name": _("%(parent)s already has a region named %(name)s.")
                                       % {"parent": parent.name, "name": name}})


@transaction.atomic
def region_village_add(*, township: Region, name: str, code: str, level: str, actor: User | None) -> Region:
    """A village or community under `township`; its code is the township's nine digits and three of its own."""
    require(actor is None or can_add_region(actor, township),
            _("You may not add regions under %(region)s.") % {"region": township.name})
    township = _fresh(township)
    if township.level != Region.Level.TOWNSHIP:
        raise ValidationError(_("Villages and communities are added under a township."))
    if level not in VILLAGE_LEVELS:
        raise ValidationError({"level": _("Choose village or community.")})
    name, code = _name(name), (code or "").strip()
    prefix = codes.canonical(township.code)[:9]
    if len(code) != codes.LENGTH or not code.isdigit() or not code.startswith(prefix) or code.endswith("000"):
        raise ValidationError({"code": _("A village's code is its township's %(prefix)s followed by three digits "
                                         "(not 000), twelve digits in all.") % {"prefix": prefix}})
    _sibling_named(township, name)
    return region_add(parent=township, name=name, code=code, level=level, actor=actor)


@transaction.atomic
def region_rename(*, region: Region, name: str, actor: User | None) -> Region:
    _may_change(actor, region)
    name = _name(name)
    parent = region.get_parent()
    if parent is not None:
        _sibling_named(parent, name, other_than=region)
    return region_update(region=region, actor=actor, name=name)


@transaction.atomic
def region_update(*, region: Region, actor: User | None, **fields) -> Region:
    """Change some of FIELDS; a level only within its tier (a village becomes a community: 村改居).
    No change → no write and no audit event. Returns the stored row."""
    unknown = set(fields) - set(FIELDS)
    if unknown:
        raise TypeError(f"region_update() got unknown fields: {sorted(unknown)}")
    _may_change(actor, region, fields)
    region = _fresh(region)
    changes = {name: [_text(getattr(region, name)), _text(value)] for name, value in fields.items()
               if getattr(region, name) != value}
    if not changes:
        return region
    if "level" in changes and not codes.same_tier(region.level, fields["level"]):
        raise ValidationError({"level": _("A %(old)s cannot become a %(new)s.")
                                        % {"old": region.get_level_display(), "new": Region.Level(fields["level"]).label}})
    for name, value in fields.items():
        setattr(region, name, value)
    region.full_clean(exclude=["path", "depth", "numchild"], validate_unique=False)
    region.save(update_fields=list(changes))
    audit_event_record(actor=actor, action="region.changed", target=region, data={"changes": changes})
    return region


def _text(value) -> str:
    return "" if value is None else str(value)


@transaction.atomic
def region_move(*, region: Region, parent: Region, actor: User | None) -> Region:
    """Put `region` (and everything under it) under `parent`, of the level above it."""
    _may_change(actor, region)
    require(actor is None or can_add_region(actor, parent),
            _("You may not add regions under %(region)s.") % {"region": parent.name})
    region, parent = _fresh(region), _fresh(parent)
    if region.level not in Region.CHILD_LEVELS[parent.level]:
        raise ValidationError(_("A %(level)s cannot sit under %(parent)s.")
                              % {"level": region.get_level_display(), "parent": parent.name})
    old_parent = region.get_parent()
    if old_parent is not None and old_parent.pk == parent.pk:
        return region
    with paths_followed(common_region_path([region.path, parent.path])):
        region.move(parent, pos="sorted-child")
    region = Region.objects.get(pk=region.pk)
    audit_event_record(actor=actor, action="region.moved", target=region, data={
        "from": old_parent and old_parent.code, "from_name": old_parent and old_parent.name,
        "to": parent.code, "to_name": parent.name})
    return region


@transaction.atomic
def region_merge(*, source: Region, into: Region, reason: str, actor: User | None) -> Region:
    """Merge the village or community `source` into `into`: every row that refers to `source` (stations and
    with them their grids, requests, staff posts, routing rules … whatever the foreign key) is moved to
    `into`, the text messages stamped with its place follow, and `source` is removed; its history stays
    readable on `into`'s page. Refused, with nothing changed, when anything cannot move."""
    _may_change(actor, source)
    _may_change(actor, into)
    source, into = _fresh(source), _fresh(into)
    if source.pk == into.pk:
        raise ValidationError({"into": _("Choose another village to merge into.")})
    if source.level not in VILLAGE_LEVELS or into.level not in VILLAGE_LEVELS or source.numchild:
        raise ValidationError({"into": _("Only a village or community is merged, into another one.")})
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationError({"reason": _("Give the reason or the decision's reference; it goes into the history.")})
    references = merge_references(source=source, into=into)
    blocked = [_("%(count)d %(things)s refer to %(region)s, and %(why)s.")
               % {"count": r.count, "things": r.label, "region": source.name, "why": r.blocker}
               for r in references if r.blocker]
    if blocked:
        raise ValidationError(blocked)
    moved = {}
    for reference in references:
        moved[reference.model._meta.label_lower] = reference.count
        _move_rows(reference, source, into)
    paths_restamp({source.path: into.path})
    data = {"code": codes.canonical(source.code), "name": source.name, "id": source.pk, "reason": reason}
    audit_event_record(actor=actor, action=MERGED_AWAY, target=source,
                       data={**data, "into": into.code, "into_name": into.name, "into_id": into.pk})
    audit_event_record(actor=actor, action=MERGED_IN, target=into, data={**data, "moved": moved})
    _fresh(source).delete()
    return into


def _move_rows(reference, source: Region, into: Region) -> None:
    rows = reference.rows(source)
    try:
        with transaction.atomic():
            if reference.is_link:  # the other region has the link already: drop the duplicate
                partners = [f.name for f in reference.model._meta.fields
                            if f.is_relation and f.name not in (reference.field, "id")]
                for values in reference.rows(into).values(*partners):
                    rows.filter(**values).delete()
            rows.update(**{reference.field: into})
    except IntegrityError as error:
        raise ValidationError(_("%(things)s that refer to %(region)s could not be moved (%(error)s); nothing has "
                                "been changed.") % {"things": reference.label, "region": source.name,
                                                    "error": error}) from error
