"""The texts of one region's sweep: one per person, about the request itself when there is one, else a
digest counting the new cards and escalations by purpose, linking to the department's queue."""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Sequence

from accounts.models import User
from core.sms import OutgoingSms
from gov_services.models import Card, EscalationStep, ServiceRequest, SupervisionSweep
from gov_services.notifications import (
    CARD_RED,
    CARD_YELLOW,
    DIGEST,
    ESCALATION,
    digest_params,
    message_params,
)
from gov_services.supervision.services.region_plan import CountyPlan

CARD_PURPOSES = {Card.YELLOW: CARD_YELLOW, Card.RED: CARD_RED}


ESCALATION_PURPOSE = ESCALATION


logger = logging.getLogger("cunzhan.supervision")


class SweepNotices:
    """Who is to be told what by this county's sweep: user id → purpose (yellow card, red card,
    escalation) → {request id: step label}. Filled step by step from the escalations the sweep itself
    inserted, so a second sweep at the same moment, which inserts none, tells nobody anything."""

    def __init__(self, plan: CountyPlan) -> None:
        self.plan = plan
        self.by_user: dict[int, dict[str, dict[int, str]]] = defaultdict(lambda: defaultdict(dict))

    def add(self, step: EscalationStep, issued: Sequence[tuple[int, int, int | None]]) -> None:
        """`issued`: (request id, department id, officer handling it) of each escalation the step took.
        The officer is told (the department heads while nobody holds the request), the heads, or both."""
        if step.notify == EscalationStep.Notify.NOBODY:
            return
        purpose = CARD_PURPOSES[step.card] if step.task == EscalationStep.Task.NONE else ESCALATION_PURPOSE
        to_officer = step.notify in (EscalationStep.Notify.ASSIGNEE, EscalationStep.Notify.BOTH)
        to_heads = step.notify in (EscalationStep.Notify.HEAD, EscalationStep.Notify.BOTH)
        label = str(step.label)
        for request_id, department_id, responsible_id in issued:
            heads = [head.pk for head in self.plan.heads.get(department_id, [])]
            people = set(heads) if to_heads else set()
            if to_officer:
                people.update([responsible_id] if responsible_id else heads)
            for person in people:
                self.by_user[person][purpose].setdefault(request_id, label)

    def messages(self, sweep: SupervisionSweep) -> list[OutgoingSms]:
        """One text per person with a phone: about the request itself when there is one, else a digest
        counting them by purpose, linking to the department's queue."""
        if not self.by_user:
            return []
        phones = {pk: phone.strip() for pk, phone in User.objects.filter(pk__in=list(self.by_user))
                  .exclude(phone="").values_list("pk", "phone") if phone.strip()}
        singles: dict[int, tuple[str, str, str]] = {}  # user → (purpose, request id, step label)
        messages = []
        reference = f"S{sweep.pk}-{self.plan.county.pk}"
        for person, by_purpose in self.by_user.items():
            if person not in phones:
                continue
            if sum(len(requests) for requests in by_purpose.values()) == 1:
                [(purpose, requests)] = [(p, r) for p, r in by_purpose.items() if r]
                [(request_id, label)] = requests.items()
                singles[person] = (purpose, request_id, label)
                continue
            try:
                params = digest_params({purpose: len(requests) for purpose, requests in by_purpose.items()})
            except Exception:
                logger.exception("The supervision digest for user %s could not be rendered", person)
                continue
            messages.append(OutgoingSms(phone=phones[person], purpose=DIGEST, params=params, reference=reference,
                                        region_path=self.plan.county.path))
        requests = ServiceRequest.objects.select_related("item").in_bulk({r for _p, r, _l in singles.values()})
        for person, (purpose, request_id, label) in singles.items():
            request = requests[request_id]
            try:
                params = message_params(purpose, request, step=label)
            except Exception:
                logger.exception("SMS %s for request %s could not be rendered", purpose, request_id)
                continue
            messages.append(OutgoingSms(phone=phones[person], purpose=purpose, params=params,
                                        reference=request.tracking_code, region_path=request.place_path))
        return messages
