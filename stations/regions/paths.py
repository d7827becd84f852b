"""Keeping what is stamped with a region's path pointing at that region when paths change.

A region's path is its place in the tree (treebeard's materialised path). It changes when the region
moves, and when a sibling is added before it: treebeard keeps children in code order (`node_order_by`)
and shifts the later siblings, with everything under them, to make room. Rows that refer to a region by
foreign key do not notice; rows stamped with a path do — the text messages' `region_path`, by which
admins see the messages of their region. Every write that may change paths runs inside
`paths_followed(under)`, which re-stamps them.
"""

from __future__ import annotations

from collections import defaultdict
from contextlib import contextmanager

from core.models import SmsOutboxMessage
from stations.models import Region

CHUNK = 500


@contextmanager
def paths_followed(under: str):
    """Re-stamp, after the block, the messages of regions under `under` ("" for the whole tree) whose
    paths the block changed. Costs one query when no message is stamped there."""
    if not SmsOutboxMessage.objects.filter(region_path__startswith=under).exists():
        yield
        return
    before = dict(Region.objects.filter(path__startswith=under).values_list("pk", "path"))
    yield
    after = dict(Region.objects.filter(path__startswith=under).values_list("pk", "path"))
    paths_restamp({old: after[pk] for pk, old in before.items() if pk in after and after[pk] != old})


def paths_restamp(moved: dict[str, str]) -> None:
    """Messages stamped with a path in `moved` get its new path. Read first, then written by id, so that a
    path that is both old and new (siblings shifting along) is changed once."""
    if not moved:
        return
    olds = list(moved)
    ids_by_new: dict[str, list[int]] = defaultdict(list)
    for start in range(0, len(olds), CHUNK):
        rows = SmsOutboxMessage.objects.filter(region_path__in=olds[start:start + CHUNK])
        for pk, path in rows.values_list("pk", "region_path"):
            ids_by_new[moved[path]].append(pk)
    for new, ids in ids_by_new.items():
        for start in range(0, len(ids), CHUNK):
            SmsOutboxMessage.objects.filter(pk__in=ids[start:start + CHUNK]).update(region_path=new)
