"""The county map's writes: a station's position, and township outlines uploaded as GeoJSON.

Township outlines: a check that says, feature by feature, which township each outline is for and what
saving it would change, then a save that checks again and writes all or nothing, with one audit event per
township whose outline changed. Saving the same file again changes nothing.

stations/geo.py reads the file (size, JSON, geometry types, coordinates) and makes each outline light.
A feature names its township by the division code in its properties (12 digits, or the township's nine),
else by its name. Which townships a user may outline is stations/scope's rule (can_change_region: a
county admin their county's townships, a superuser any); `actor=None` is the system (the demo seed).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from core.audit import audit_event_record
from stations import geo
from stations.models import Region, Station
from stations.regions import codes
from stations.scope import can_edit_station, require
from stations.selectors_map import outline_townships
from stations.services import station_position_check

ADDED, CHANGED, UNCHANGED, REFUSED = "added", "changed", "unchanged", "refused"
OUTLINE_SET = "region.outline_set"


@dataclass
class OutlineRow:
    feature: geo.Feature
    township: Region | None = None
    outcome: str = REFUSED
    problems: list[str] = field(default_factory=list)


@dataclass
class OutlineCheck:
    rows: list[OutlineRow]
    missing: list[Region]  # townships the user may outline that the file leaves as they are
    sha256: str

    @property
    def ok(self) -> bool:
        return all(row.outcome != REFUSED for row in self.rows)

    def count(self, outcome: str) -> int:
        return sum(row.outcome == outcome for row in self.rows)

    @property
    def counts(self) -> dict[str, int]:
        return {outcome: self.count(outcome) for outcome in (ADDED, CHANGED, UNCHANGED, REFUSED)}

    @property
    def changes(self) -> int:
        return self.count(ADDED) + self.count(CHANGED)

    def as_geojson(self) -> str:
        """The outlines as they will be stored, one feature per township (what the save button sends)."""
        return json.dumps({"type": "FeatureCollection", "features": [
            {"type": "Feature", "properties": {"code": row.township.code, "name": row.township.name},
             "geometry": row.feature.geometry} for row in self.rows if row.township is not None]},
            ensure_ascii=False, separators=(",", ":"))


def township_outlines_check(*, actor: User | None, data: bytes) -> OutlineCheck:
    """What saving `data` would do; nothing is written. A file that cannot be read at all: ValidationError
    keyed "file"."""
    return _check(data=data, townships=outline_townships(user=actor))


@transaction.atomic
def township_outlines_save(*, actor: User | None, data: bytes) -> OutlineCheck:
    """Check `data` again and store every outline in it, or none: one refused feature and nothing is
    written (ValidationError keyed "file"). Returns the check, whose outcomes say what was saved."""
    check = _check(data=data, townships=outline_townships(user=actor).select_for_update())
    if not check.ok:
        raise ValidationError({"file": _("%(count)d of the file's features were refused; nothing was saved.")
                                       % {"count": check.count(REFUSED)}})
    for row in check.rows:
        if row.outcome in (ADDED, CHANGED):
            township, before = row.township, geo.polygons(row.township.boundary)
            township.boundary = row.feature.geometry
            township.save(update_fields=["boundary"])
            audit_event_record(actor=actor, action=OUTLINE_SET, target=township, data={
                "points": row.feature.points_out, "points_before": geo.count_points(before),
                "points_in_file": row.feature.points_in, "file_sha256": check.sha256})
    return check


def _check(*, data: bytes, townships) -> OutlineCheck:
    features = geo.read_features(data)
    townships = list(townships)
    by_code = {codes.canonical(t.code): t for t in townships}
    by_name: dict[str, list[Region]] = {}
    for township in townships:
        by_name.setdefault(township.name, []).append(township)
    rows, seen = [], {}
    for feature in features:
        row = OutlineRow(feature, problems=list(feature.problems))
        row.township = _match(feature, by_code, by_name, row.problems)
        if row.township is not None:
            first = seen.setdefault(row.township.pk, feature.number)
            if first != feature.number:
                row.problems.append(_("%(township)s is outlined already by feature %(number)d.")
                                    % {"township": row.township.name, "number": first})
        row.outcome = REFUSED if row.problems else _outcome(row.township, feature.geometry)
        rows.append(row)
    missing = [t for t in townships if t.pk not in seen]
    return OutlineCheck(rows=rows, missing=missing, sha256=hashlib.sha256(data).hexdigest())


def _match(feature: geo.Feature, by_code: dict, by_name: dict, problems: list[str]) -> Region | None:
    """The township the feature names, or None with the reason added to `problems`."""
    if feature.code:
        try:
            code = codes.canonical(feature.code)
        except ValidationError as error:
            problems.extend(error.messages)
            return None
        township = by_code.get(code)
        if township is None:
            problems.append(_("No township with the code %(code)s is yours to outline.") % {"code": code})
        return township
    if not feature.name:
        problems.append(_("Its properties give neither a division code (“code”) nor a name (“name”)."))
        return None
    found = by_name.get(feature.name, [])
    if len(found) == 1:
        return found[0]
    problems.append(_("No township named %(name)s is yours to outline; give its division code (“code”).")
                    % {"name": feature.name} if not found else
                    _("Several townships are named %(name)s; give the division code (“code”).")
                    % {"name": feature.name})
    return None


def _outcome(township: Region, geometry: dict) -> str:
    stored = geo.geometry(township.boundary)
    if stored is None:
        return ADDED
    return UNCHANGED if stored == geometry else CHANGED


@transaction.atomic
def station_location_set(*, station: Station, latitude, longitude, actor: User | None) -> dict:
    """Put `station` at `latitude`/`longitude` (Decimals; both None: position unknown). Returns what changed
    ({} when nothing did), recorded as the station's details are ("station.updated")."""
    if actor is not None:
        require(can_edit_station(actor, station), _("Only the admins of %(station)s's region may edit it.")
                % {"station": station.name})
    station = Station.objects.select_for_update().select_related("village").get(pk=station.pk)
    changes = {name: [_text(getattr(station, name)), _text(value)]
               for name, value in (("latitude", latitude), ("longitude", longitude)) if getattr(station, name) != value}
    if changes:
        station.latitude, station.longitude = latitude, longitude
        station.full_clean()
        station_position_check(village=station.village, latitude=latitude, longitude=longitude)
        station.save(update_fields=["latitude", "longitude"])
        audit_event_record(actor=actor, action="station.updated", target=station, data={"changes": changes})
    return changes


def _text(value) -> str | None:
    return None if value is None else str(value)
