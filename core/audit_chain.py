"""The hash chains over the audit trail and the requests' timelines (等保 2.0: audit records protected
against change and deletion).

Audit events are written by every service in its own transaction (core/audit.py) and stay as they are;
a *sealer* (Celery beat every minute, `manage.py audit_chain_seal`) then links each committed event into
a chain of AuditSeal rows: link n holds H(link n-1's digest ‖ the event's canonical form), H being SHA-256 or
SM3 (国密): settings.DIGEST_ALGORITHM chooses it for new links, each link records its own (`algorithm`),
and verification recomputes every link with the algorithm it names, so a chain switched part-way verifies. The
seal is written after the event, not with it, so that no service transaction waits for a chain-wide lock
(every counter write records an audit event); the price is that an event is unsealed for a minute.

`audit_chain_verify` (the management command, and the restore drill once there is one) recomputes every
link from the events as they are now and reports:
* changed — the event's content no longer gives the link's digest (an edited row, or an edited link);
* missing — a link whose event is gone (a deleted row);
* gap — a link number missing from the sequence (a deleted link);
* unsealed — an event older than the settle time with no link (a row slipped in after the fact, or a
  sealer that has stopped).
Rewriting the whole chain from some point on would pass; that is what the head digest, printed by every
verify and logged by every seal, is kept outside the database for (the county's log archive).

Events and links are append-only in the database as well (triggers, docs/database-invariants.md); the
chain is what catches a change made by someone who could switch those off.

The same machinery chains any append-only event table with a seal table of its own (a `Chain`): core
registers the audit trail's (`AUDIT`); gov_services registers the requests' timelines (RequestEvent,
RequestEventSeal) in its AppConfig.ready. The sealer, `audit_chain_verify` and the restore drill go over
every registered chain.
"""

from __future__ import annotations

import datetime
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.utils import timezone

from core import digests
from core.models import AuditEvent, AuditSeal

logger = logging.getLogger(__name__)

ALGORITHM = digests.SHA256  # of links made before the algorithm was a setting (the column's default)
GENESIS = "0" * 64
# An event is sealed once it is this old: a transaction that wrote it has committed by then (or never will).
SETTLE = datetime.timedelta(seconds=30)
# How far before the last sealed event the sealer looks for events committed late (a long transaction).
LOOKBACK = datetime.timedelta(hours=1)
# verify: an event younger than this may wait for the sealer's next run (every minute) and is not reported.
VERIFY_GRACE = datetime.timedelta(minutes=5)
_BATCH = 2000


@dataclass(frozen=True)
class Chain:
    """An append-only event table (`events`: a pk and `at`) sealed into `seals` (core.models.ChainSeal's
    fields). `document` is what of an event the chain covers (a JSON-able dict); `lock_key` keeps one sealer
    per chain at a time on PostgreSQL."""

    name: str
    events: type
    seals: type
    document: Callable[[object], dict]
    lock_key: int


def _content_type_label(content_type_id: int) -> str:
    content_type = ContentType.objects.get_for_id(content_type_id)
    return f"{content_type.app_label}.{content_type.model}"


def _audit_document(event: AuditEvent) -> dict:
    """Every column of an audit event. The content type is named (app_label.model), not numbered, so that
    the chain survives a restore into a new database."""
    return {
        "id": event.pk,
        "at": event.at.astimezone(datetime.UTC).isoformat(timespec="microseconds"),
        "actor": event.actor_id,
        "action": event.action,
        "target_type": _content_type_label(event.target_type_id),
        "target_id": event.target_id,
        "target_repr": event.target_repr,
        "data": event.data,
    }


AUDIT = Chain("audit", AuditEvent, AuditSeal, _audit_document, lock_key=0x637A_6175_6474)  # "czaudt"
_CHAINS: dict[str, Chain] = {AUDIT.name: AUDIT}


def chain_register(chain: Chain) -> Chain:
    """Add a chain the sealer, the verify command and the restore drill go over (from AppConfig.ready)."""
    known = _CHAINS.get(chain.name)
    if known is not None and known != chain:
        raise ValueError(f"hash chain {chain.name!r} is registered twice, differently")
    _CHAINS[chain.name] = chain
    return chain


def chains() -> list[Chain]:
    return list(_CHAINS.values())


def canonical(event, chain: Chain = AUDIT) -> bytes:
    """The bytes of an event the chain covers: its document, keys sorted, UTF-8."""
    return json.dumps(chain.document(event), sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      cls=DjangoJSONEncoder).encode("utf-8")


def link_digest(previous: str, event, algorithm: str = ALGORITHM, chain: Chain = AUDIT) -> str:
    """H(previous ‖ "\n" ‖ canonical(event)); UnknownAlgorithm for a name that is neither sha256 nor sm3."""
    return digests.hexdigest(previous.encode("ascii") + b"\n" + canonical(event, chain), algorithm)


def _lock(chain: Chain) -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [chain.lock_key])


def audit_chain_seal(*, now: datetime.datetime | None = None, limit: int = 50_000) -> int:
    """Seal every registered chain (chain_seal); the number of events linked in all."""
    return sum(chain_seal(chain, now=now, limit=limit) for chain in chains())


def chain_seal(chain: Chain, *, now: datetime.datetime | None = None, limit: int = 50_000) -> int:
    """Link every settled, unsealed event of `chain` into it, oldest id first; the number linked.
    Safe to run concurrently and repeatedly (one sealer at a time; a rerun links nothing twice)."""
    now = now or timezone.now()
    sealed = 0
    while sealed < limit:
        with transaction.atomic():
            _lock(chain)
            head = chain.seals.objects.order_by("-seq").first()
            since = (head.event_at - LOOKBACK) if head else None
            candidates = chain.events.objects.filter(at__lt=now - SETTLE)
            if since is not None:
                candidates = candidates.filter(at__gte=since)
            ids = list(candidates.order_by("pk").values_list("pk", flat=True)[: _BATCH * 4])
            taken = set(chain.seals.objects.filter(event_id__in=ids).values_list("event_id", flat=True))
            todo = [pk for pk in ids if pk not in taken][:_BATCH]
            if not todo:
                break
            previous, seq = (head.digest, head.seq) if head else (GENESIS, 0)
            algorithm = digests.current_algorithm()
            links = []
            for event in chain.events.objects.filter(pk__in=todo).order_by("pk"):
                seq += 1
                previous = link_digest(previous, event, algorithm, chain)
                links.append(chain.seals(seq=seq, event_id=event.pk, event_at=event.at, algorithm=algorithm,
                                         digest=previous))
            chain.seals.objects.bulk_create(links)
            sealed += len(links)
            logger.info(f"{chain.name} chain sealed",
                        extra={"linked": len(links), "head_seq": seq, "head_digest": previous})
            if len(todo) < _BATCH:
                break
    return sealed


def _link_holds(previous: str, event, link, chain: Chain) -> bool:
    try:
        return link_digest(previous, event, link.algorithm, chain) == link.digest
    except digests.UnknownAlgorithm:  # an algorithm column changed to something we never wrote
        return False


@dataclass
class ChainReport:
    links: int = 0
    head_seq: int = 0
    head_digest: str = GENESIS
    changed: list[int] = field(default_factory=list)   # link numbers whose event or digest was changed
    missing: list[int] = field(default_factory=list)   # link numbers whose event is gone
    gaps: list[int] = field(default_factory=list)      # link numbers missing from the sequence
    unsealed: list[int] = field(default_factory=list)  # ids of settled events with no link

    @property
    def intact(self) -> bool:
        return not (self.changed or self.missing or self.gaps or self.unsealed)


def audit_chain_verify(*, now: datetime.datetime | None = None, batch: int = _BATCH,
                       chain: Chain = AUDIT) -> ChainReport:
    """Recompute every link of `chain` from the events as they are now (module docstring). Reads in batches."""
    now = now or timezone.now()
    report = ChainReport()
    previous_digest, previous_seq = GENESIS, 0
    sealed_ids: set[int] = set()
    last_seq = 0
    while True:
        links = list(chain.seals.objects.filter(seq__gt=last_seq).order_by("seq")[:batch])
        if not links:
            break
        events = chain.events.objects.in_bulk([link.event_id for link in links])
        for link in links:
            if link.seq != previous_seq + 1:
                report.gaps.extend(range(previous_seq + 1, link.seq))
            event = events.get(link.event_id)
            if event is None:
                report.missing.append(link.seq)
            elif not _link_holds(previous_digest, event, link, chain):
                report.changed.append(link.seq)
            sealed_ids.add(link.event_id)
            previous_digest, previous_seq = link.digest, link.seq
            report.links += 1
        last_seq = links[-1].seq
    report.head_seq, report.head_digest = previous_seq, previous_digest
    settled = chain.events.objects.filter(at__lt=now - VERIFY_GRACE).order_by("pk").values_list("pk", flat=True)
    report.unsealed = [pk for pk in settled.iterator(chunk_size=10_000) if pk not in sealed_ids]
    return report


def audit_chain_restore_problems() -> list[str]:
    """Every chain as a restored backup must hold it (core/restore_checks.py): no changed, missing or skipped
    link. Events newer than the last seal are not a problem here: the backup may have been taken before
    the next minute's seal."""
    problems = []
    for chain in chains():
        report = audit_chain_verify(chain=chain)
        problems += ([f"{chain.name} link {n}: its event or digest was changed" for n in report.changed[:20]]
                     + [f"{chain.name} link {n}: its event is gone" for n in report.missing[:20]]
                     + [f"{chain.name} link {n}: missing from the sequence" for n in report.gaps[:20]])
    return problems
