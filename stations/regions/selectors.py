"""Reads for the region pages: the tree in the user's scope, a region's neighbourhood and history, and
what refers to a region (what a merge must move).

Which regions a user sees is stations/scope's rule (stations.selectors.region_list); a region out
of scope is a 404 there (access_region_by_id)."""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db.models import Model, Q, QuerySet, UniqueConstraint
from django.utils.translation import gettext as _

from core.db_invariants import append_only_tables
from core.models import AuditEvent
from stations.models import Region, Station
from stations.scope import can_change_region, scope_for

VILLAGE_LEVELS = (Region.Level.VILLAGE, Region.Level.COMMUNITY)


# --- the tree --------------------------------------------------------------------------------------------

def region_roots(*, user) -> list[Region]:
    """Where the user's tree starts: the regions of their posts (the widest first), or for a superuser
    the top of the tree."""
    scope = scope_for(user)
    if scope.everything:
        return list(Region.get_root_nodes())
    paths = sorted({post.path for post in scope.regions}, key=len)
    tops = [path for index, path in enumerate(paths) if not any(path.startswith(p) for p in paths[:index])]
    return list(Region.objects.filter(path__in=tops).order_by("path"))


@dataclass
class ChildRow:
    region: Region
    villages: int
    stations: int


def region_children(*, region: Region) -> list[ChildRow]:
    """`region`'s children with how many villages and stations each holds. Three queries."""
    children = list(region.get_children())
    step = len(region.path) + Region.steplen
    villages, stations = {}, {}
    under = Region.objects.filter(path__startswith=region.path, level__in=VILLAGE_LEVELS, depth__gt=region.depth + 1)
    for path in under.values_list("path", flat=True):
        villages[path[:step]] = villages.get(path[:step], 0) + 1
    for path in Station.objects.filter(village__path__startswith=region.path).values_list("village__path", flat=True):
        stations[path[:step]] = stations.get(path[:step], 0) + 1
    return [ChildRow(child, villages.get(child.path, 0), stations.get(child.path, 0)) for child in children]


def region_ancestors(*, region: Region, user) -> list[tuple[Region, bool]]:
    """The regions above `region`, top first, each with whether the user may open its page."""
    scope = scope_for(user)
    return [(ancestor, scope.everything or scope.covers(ancestor.path)) for ancestor in region.get_ancestors()]


def region_stations(*, region: Region) -> QuerySet[Station]:
    return Station.objects.filter(village=region).order_by("code")


def merge_targets(*, source: Region, user) -> list[Region]:
    """The villages and communities `source` may be merged into: those of its township the user may change."""
    siblings = source.get_siblings().filter(level__in=VILLAGE_LEVELS).exclude(pk=source.pk).order_by("code")
    return [region for region in siblings if can_change_region(user, region)]


# --- history ---------------------------------------------------------------------------------------------

MERGED_IN = "region.merged"        # on the region that stays: what came in
MERGED_AWAY = "region.merged_into"  # on the region merged away, recorded just before it goes


def region_history(*, region: Region, limit: int = 50) -> list[AuditEvent]:
    """The region's audit events, with those of the villages merged into it (theirs stay readable here
    once they are gone), newest first. A merge event gets `moved`: [(what, how many)]."""
    region_type = ContentType.objects.get_for_model(Region)
    ids, frontier = {str(region.pk)}, {str(region.pk)}
    while frontier:  # villages merged into ones that were merged in turn
        merged = AuditEvent.objects.filter(target_type=region_type, target_id__in=frontier, action=MERGED_IN)
        frontier = {str(event.data.get("id")) for event in merged} - ids
        ids |= frontier
    events = list(AuditEvent.objects.filter(target_type=region_type, target_id__in=ids)
                  .select_related("actor").order_by("-at", "-pk")[:limit])
    for event in events:
        if event.action == MERGED_IN:
            event.moved = [(_model_label(label), count) for label, count in event.data.get("moved", {}).items()]
    return events


def _model_label(label: str) -> str:
    try:
        return str(apps.get_model(label)._meta.verbose_name_plural)
    except (LookupError, ValueError):
        return label


def merged_away(*, codes) -> dict[str, AuditEvent]:
    """Which of `codes` (canonical) belonged to villages merged into another: code → the merge's event."""
    events = AuditEvent.objects.filter(action=MERGED_AWAY, data__code__in=list(codes)).order_by("at")
    return {event.data["code"]: event for event in events}


# --- what refers to a region -----------------------------------------------------------------------------

@dataclass(frozen=True)
class Reference:
    """The rows of one model that refer to a region through one foreign key, and, for a merge, why they
    cannot move to the other region ("" when they can)."""

    model: type[Model]
    field: str
    count: int
    blocker: str = ""

    @property
    def label(self) -> str:
        return str(self.model._meta.verbose_name_plural)

    @property
    def is_link(self) -> bool:
        """A row of a many-to-many table Django made: where the other region has the link already, the
        duplicate is dropped instead of moved."""
        return bool(self.model._meta.auto_created)

    def rows(self, region: Region) -> QuerySet:
        return self.model._base_manager.filter(**{self.field: region})


def region_references(*, region: Region) -> list[Reference]:
    """Every row of every model that refers to `region` by a foreign key (one-to-one and the tables behind
    many-to-many fields included, whatever their on_delete): one count query per foreign key."""
    found = []
    for relation in Region._meta.get_fields(include_hidden=True):
        if not (relation.auto_created and not relation.concrete and (relation.one_to_many or relation.one_to_one)):
            continue
        reference = Reference(relation.related_model, relation.field.name, 0)
        count = reference.rows(region).count()
        if count:
            found.append(Reference(reference.model, reference.field, count))
    return found


def merge_references(*, source: Region, into: Region) -> list[Reference]:
    """What merging `source` into `into` must move, each with the reason it cannot, if one is known before
    trying: rows kept as written (append-only tables), or rows the other region has already where only one
    may be (a unique key)."""
    kept = append_only_tables()
    result = []
    for reference in region_references(region=source):
        if reference.model._meta.db_table in kept:
            blocker = _("they are kept as they were written and cannot point elsewhere")
        elif not reference.is_link and _collides(reference, source, into):
            blocker = _("%(into)s already has one where only one is allowed") % {"into": into.name}
        else:
            blocker = ""
        result.append(Reference(reference.model, reference.field, reference.count, blocker))
    return result


def _collides(reference: Reference, source: Region, into: Region) -> bool:
    """Whether moving the rows would break a unique key that includes the foreign key."""
    for others in _unique_partners(reference.model, reference.field):
        theirs = reference.rows(into)
        if not others:
            if theirs.exists():
                return True
            continue
        mine = set(reference.rows(source).values_list(*others))
        if mine and theirs.filter(_any_of(others, mine)).exists():
            return True
    return False


def _unique_partners(model: type[Model], field_name: str) -> list[tuple[str, ...]]:
    """For each unique key holding the field: the key's other fields (() when the field alone is unique)."""
    field = model._meta.get_field(field_name)
    keys = [()] if field.unique else []
    sets = [tuple(fields) for fields in model._meta.unique_together]
    sets += [tuple(c.fields) for c in model._meta.constraints
             if isinstance(c, UniqueConstraint) and c.fields and c.condition is None]
    keys += [tuple(name for name in fields if name != field_name) for fields in sets if field_name in fields]
    return keys


def _any_of(fields: tuple[str, ...], values: set[tuple]) -> Q:
    q = Q(pk__in=[])
    for row in values:
        q |= Q(**dict(zip(fields, row, strict=True)))
    return q
