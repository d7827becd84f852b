"""care/ranking.py: who is offered a call, in which order, and why the others are not."""

from datetime import date, datetime, time

import pytest

from care.ranking import Ask, Candidate, is_open, rank

NOON = datetime(2026, 12, 6, 12, 0)


def candidate(id=1, name="A", **fields) -> Candidate:
    values = {"active": True, "contract_starts_on": date(2026, 1, 1), "contract_ends_on": date(2026, 12, 31),
              "services": frozenset({"medicine"}), "village_ids": frozenset({7}), "opens_at": time(8),
              "closes_at": time(20), "capacity": 2, "open_calls": 0}
    values.update(fields)
    return Candidate(id=id, name=name, **values)


def ask(**fields) -> Ask:
    return Ask(**{"service": "medicine", "village_id": 7, "at": NOON, **fields})


@pytest.mark.parametrize(("fields", "reason"), [
    ({"active": False}, "suspended"),
    ({"contract_ends_on": date(2026, 12, 5)}, "contract"),
    ({"contract_starts_on": date(2026, 12, 7)}, "contract"),
    ({"services": frozenset({"groceries"})}, "service"),
    ({"village_ids": frozenset({8})}, "area"),
    ({"opens_at": time(13), "closes_at": time(20)}, "hours"),
    ({"open_calls": 2}, "capacity"),
    ({"capacity": 0}, "capacity"),
])
def test_each_rule_leaves_a_responder_out_with_its_reason(fields, reason):
    chosen, left_out = rank([candidate(**fields)], ask())
    assert chosen == [] and [r for _c, r in left_out] == [reason]


def test_a_responder_already_offered_the_call_is_not_offered_it_again():
    chosen, left_out = rank([candidate(id=1)], ask(already_offered=frozenset({1})))
    assert chosen == [] and left_out[0][1] == "offered"


def test_the_last_day_of_the_contract_still_counts():
    chosen, _ = rank([candidate(contract_ends_on=date(2026, 12, 6))], ask())
    assert len(chosen) == 1


def test_the_least_busy_come_first_by_share_of_capacity_then_open_calls_then_name():
    busy = candidate(id=1, name="A", capacity=2, open_calls=1)       # 1/2
    idle_big = candidate(id=2, name="B", capacity=4, open_calls=1)   # 1/4
    idle = candidate(id=3, name="C", capacity=2, open_calls=0)       # 0
    also_idle = candidate(id=4, name="B2", capacity=5, open_calls=0)  # 0, name before C
    chosen, _ = rank([busy, idle_big, idle, also_idle], ask())
    assert [c.id for c in chosen] == [4, 3, 2, 1]


def test_the_same_facts_always_give_the_same_order():
    pool = [candidate(id=i, name=f"R{i % 3}") for i in range(6)]
    assert rank(pool, ask())[0] == rank(list(reversed(pool)), ask())[0]


@pytest.mark.parametrize(("opens", "closes", "at", "open_"), [
    (time(8), time(20), time(8), True),
    (time(8), time(20), time(20), False),
    (time(8), time(20), time(7, 59), False),
    (time(22), time(6), time(23), True),     # across midnight
    (time(22), time(6), time(5, 59), True),
    (time(22), time(6), time(12), False),
    (time(0), time(0), time(3), True),       # round the clock
])
def test_opening_hours(opens, closes, at, open_):
    assert is_open(opens, closes, at) is open_
