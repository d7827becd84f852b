"""What concerns a resident at this counter, read from every app's selectors (the visit screen): open
requests and what they still need, certificates ready to hand over, parcels waiting, recent payments.
Each app answers through its own selector with the user's scope; this module only puts them together."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from agency import selectors as till
from gov_services.certificates.selectors import station_certificate_list
from gov_services.requests.selectors.requests import resident_requests_at_station
from gov_services.requests.services.fees import fee_due_fen
from shop.selectors.orders import resident_parcels_waiting
from visits.lookup import Who


@dataclass
class Candidate:
    """A resident the search found (from a request or a parcel), to start a visit for."""

    name: str
    phone: str
    id_number: str = ""
    source: str = ""
    key: uuid.UUID = field(default_factory=uuid.uuid4)  # the start button's idempotency key


@dataclass
class Summary:
    requests: list = field(default_factory=list)
    certificates: list = field(default_factory=list)
    parcels: list = field(default_factory=list)
    payments: list = field(default_factory=list)

    @property
    def open_requests(self) -> list:
        return [r for r in self.requests if r.is_open]

    @property
    def is_empty(self) -> bool:
        return not (self.open_requests or self.certificates or self.parcels or self.payments)


def resident_summary(*, user, station, who: Who) -> Summary:
    requests = resident_requests_at_station(user=user, station_id=station.pk, phone=who.phone,
                                            id_number=who.id_number, name=who.name,
                                            tracking_code=who.tracking_code)
    for row in requests:
        row.fee_due_fen = fee_due_fen(row) if row.is_open else 0
    request_ids = [r.pk for r in requests]
    certificates = list(station_certificate_list(user=user).filter(request_id__in=request_ids, status="valid",
                                                                   prints__isnull=True).distinct()[:20])
    phone = who.phone or next((r.applicant_phone for r in requests), "")
    name = who.name or next((r.applicant_name for r in requests), "")
    return Summary(
        requests=requests, certificates=certificates,
        parcels=resident_parcels_waiting(user=user, phone=phone, name=name),
        payments=till.resident_recent_payments(user=user, station_id=station.pk, phone=phone, name=name))


def candidates(*, user, station, who: Who) -> list[Candidate]:
    """The residents the search matches, one per (name, phone): from requests filed here, then parcels."""
    found: dict[tuple[str, str], Candidate] = {}
    for row in resident_requests_at_station(user=user, station_id=station.pk, phone=who.phone,
                                            id_number=who.id_number, name=who.name, tracking_code=who.tracking_code):
        found.setdefault((row.applicant_name, row.applicant_phone),
                         Candidate(row.applicant_name, row.applicant_phone, row.applicant_id_number, "request"))
    for part in resident_parcels_waiting(user=user, phone=who.phone, name=who.name):
        fulfilment = part.order.fulfilment
        found.setdefault((fulfilment.recipient, fulfilment.phone),
                         Candidate(fulfilment.recipient, fulfilment.phone, "", "parcel"))
    return list(found.values())[:10]
