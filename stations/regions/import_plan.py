"""Planning an import: what applying the rows would do to the tree as it is now, row by row, and
whether the user may (their scope and their role's permissions); refused rows say why."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils import formats
from django.utils.translation import gettext as _

from accounts.models import User
from stations.models import Region
from stations.regions import codes
from stations.regions.import_file import Row, level_label
from stations.regions.selectors import merged_away
from stations.scope import can_add_region, can_change_region, can_place_region, scope_for

# What a row does, as the report writes it.
CREATE, CHANGE, UNCHANGED, SKIPPED, REFUSED = "create", "change", "unchanged", "skipped", "refused"
RENAME, MOVE, RELEVEL, LOCATE = "rename", "move", "level", "position"


@dataclass
class Step:
    row: Row
    outcome: str
    region: Region | None = None        # the region the row names, when it exists
    parent: Region | None = None        # an existing parent; None with parent_code: one the file creates
    parent_code: str | None = None      # None: the top of the tree
    level: str | None = None
    fields: dict = field(default_factory=dict)  # the fields that change
    kinds: list[str] = field(default_factory=list)
    detail: str = ""

    def entry(self) -> dict:
        return {"line": self.row.line, "code": self.row.code, "name": self.row.name, "outcome": self.outcome,
                "kinds": self.kinds, "detail": self.detail}


class Planner:
    """What applying `rows` would do to the tree as it is now, for `actor` (None: the system)."""

    def __init__(self, rows: list[Row], actor: User | None):
        self.rows, self.actor = rows, actor
        self.scope = scope_for(actor) if actor is not None else None
        wanted = {row.code for row in rows} | {row.parent for row in rows if row.parent}
        self.by_code, self.twins = _regions_by_code(wanted)
        parent_paths = {r.path[:-Region.steplen] for r in self.by_code.values() if r.depth > 1}
        self.by_path = {r.path: r for r in Region.objects.filter(path__in=parent_paths)}
        self.merged = merged_away(codes=[row.code for row in rows if row.code not in self.by_code])
        self.file = {row.code: row for row in rows}
        self.addable: dict[str, bool] = {}  # codes the file creates → whether the actor may

    def steps(self) -> list[Step]:
        ordered = sorted(self.rows, key=lambda row: (codes.GROUP_LEVELS.index(row.tier), row.line))
        return sorted((self._step(row) for row in ordered), key=lambda step: step.row.line)

    def _step(self, row: Row) -> Step:
        if row.tier == codes.PROVINCE:
            return Step(row, SKIPPED, detail=_("Provinces are not kept: the tree starts at the city."))
        if row.code in self.twins:
            return self._refuse(row, _("The tree holds this code twice (%(names)s); ask the platform's "
                                       "administrator to merge them.") % {"names": "、".join(self.twins[row.code])})
        parent_code = None if row.tier == codes.CITY else row.parent
        parent = self.by_code.get(parent_code) if parent_code else None
        if parent_code and parent is None and parent_code not in self.file:
            return self._refuse(row, _("Its parent %(parent)s is neither in the file nor in the tree; add the "
                                       "parent's row.") % {"parent": parent_code})
        parent_level = parent.level if parent else (self._row_level(self.file[parent_code]) if parent_code else None)
        region = self.by_code.get(row.code)
        if region is not None and not codes.same_tier(region.level, row.tier):
            return self._refuse(row, _("%(name)s is a %(level)s in the tree, but code %(code)s is a %(tier)s's.")
                                % {"name": region.name, "level": region.get_level_display(), "code": row.code,
                                   "tier": level_label(row.tier)})
        level = region.level if region is not None else self._row_level(row)
        if level not in Region.CHILD_LEVELS[parent_level]:
            return self._refuse(row, _("A %(level)s cannot sit under a %(parent)s: the tree is city › county › "
                                       "township › village or community.")
                                % {"level": level_label(level), "parent": level_label(parent_level or codes.PROVINCE)})
        if region is None:
            return self._create(row, parent, parent_code, level)
        return self._change(row, region, parent, parent_code)

    def _row_level(self, row: Row) -> str:
        if row.level is not None:
            return row.level
        return codes.village_level_by_code(row.code) if row.tier == codes.VILLAGE else row.tier

    def _refuse(self, row: Row, reason: str) -> Step:
        return Step(row, REFUSED, detail=reason)

    def _outside(self, row: Row) -> Step:
        regions = self.scope.regions if self.scope else ()
        return self._refuse(row, _("%(name)s: only the regions under %(regions)s are yours to add or change.")
                            % {"name": row.name, "regions": "、".join(post.region.name for post in regions) or "—"})

    def _create(self, row: Row, parent: Region | None, parent_code: str | None, level: str) -> Step:
        if row.code in self.merged:
            event = self.merged[row.code]
            return self._refuse(row, _("%(name)s was merged into %(into)s on %(date)s: its code is not used again. "
                                       "Delete the row, or add the village by hand.")
                                % {"name": event.data.get("name"), "into": event.data.get("into_name"),
                                   "date": formats.date_format(event.at, "DATE_FORMAT")})
        if parent is not None or parent_code is None:
            allowed = self.actor is None or can_add_region(self.actor, parent)
        elif parent_code not in self.addable:
            return self._refuse(row, _("Its parent's row (line %(line)d) is refused.")
                                % {"line": self.file[parent_code].line})
        else:
            allowed = self.addable[parent_code]
        self.addable[row.code] = allowed
        if not allowed:
            return self._outside(row)
        under = parent.name if parent else (self.file[parent_code].name if parent_code else "")
        detail = _("New %(level)s under %(parent)s") % {"level": level_label(level), "parent": under} if under \
            else _("New %(level)s at the top of the tree") % {"level": level_label(level)}
        return Step(row, CREATE, parent=parent, parent_code=parent_code, level=level, kinds=[CREATE], detail=detail)

    def _change(self, row: Row, region: Region, parent: Region | None, parent_code: str | None) -> Step:
        if self.scope is not None and not self.scope.sees_region_path(region.path):
            return self._outside(row)
        step = Step(row, CHANGE, region=region, parent=parent, parent_code=parent_code)
        notes = []
        if region.name != row.name:
            step.fields["name"] = row.name
            step.kinds.append(RENAME)
            notes.append(_("Renamed from %(old)s") % {"old": region.name})
        if row.level is not None and row.level != region.level:
            step.fields["level"] = row.level
            step.kinds.append(RELEVEL)
            notes.append(_("%(old)s becomes %(new)s") % {"old": region.get_level_display(),
                                                         "new": level_label(row.level)})
        if row.latitude is not None and (row.latitude, row.longitude) != (region.latitude, region.longitude):
            step.fields.update(latitude=row.latitude, longitude=row.longitude)
            step.kinds.append(LOCATE)
            notes.append(_("New position %(lat)s, %(lng)s") % {"lat": row.latitude, "lng": row.longitude})
        current = self.by_path.get(region.path[:-Region.steplen]) if region.depth > 1 else None
        if (current.pk if current else None) != (parent.pk if parent else None) or (parent is None and parent_code):
            step.kinds.append(MOVE)
            notes.append(_("Moved from %(old)s to %(new)s") % {
                "old": current.name if current else "—",
                "new": parent.name if parent else self.file[parent_code].name})
        if not step.kinds:
            return Step(row, UNCHANGED, region=region)
        if not self._may_change(region, step):
            return self._outside(row)
        step.detail = "; ".join(notes)
        return step

    def _may_change(self, region: Region, step: Step) -> bool:
        if self.actor is None:
            return True
        if step.kinds == [LOCATE]:
            return can_place_region(self.actor, region)
        if not can_change_region(self.actor, region):
            return False
        if MOVE in step.kinds:
            return can_add_region(self.actor, step.parent) if step.parent else self.addable.get(step.parent_code, False)
        return True


def _regions_by_code(wanted: set[str]) -> tuple[dict[str, Region], dict[str, list[str]]]:
    """Regions by canonical code (a code may be stored without its trailing zeros), and the codes the tree
    holds twice in different forms."""
    forms = sorted({form for code in wanted for form in codes.short_forms(code)})
    by_code, twins = {}, {}
    for start in range(0, len(forms), 500):
        for region in Region.objects.filter(code__in=forms[start:start + 500]):
            code = codes.canonical(region.code)
            if code in by_code:
                twins[code] = [by_code[code].name, region.name]
            by_code[code] = region
    return by_code, twins
