"""The bench worlds' region tree (in a process where Django is set up): a region found by its code, or made
under its parent, so that a bench's world is built once and reused by the next run."""

from __future__ import annotations


def region_node(code: str, name: str, level: str, parent=None):
    from stations.models import Region

    found = Region.objects.filter(code=code).first()
    return found or (parent.add_child if parent else Region.add_root)(code=code, name=name, level=level)
