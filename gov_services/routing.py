"""Which department an appeal (诉求) goes to: pure rules, no ORM (the adapter is
selectors/routing.py).

A county edits a table of rules: appeal category, optionally a region the appeal comes from,
optionally a keyword its text must contain, and the department. For one appeal:

1. A rule applies only if its category equals the appeal's; if it names a region, the appeal's
   village lies in that region (the village's materialised path starts with the region's); if it
   has a keyword, the keyword occurs in the appeal's text (case-insensitively, after trimming).
2. Among the rules that apply, the most specific wins, compared in this order:
   a. region depth: a deeper region (longer path) beats a shallower one, which beats no region;
   b. a keyword rule beats a rule without a keyword;
   c. a longer keyword beats a shorter one ("水泥路" is more specific than "水");
   d. the rule that comes first in the sequence given (the adapter passes rules in creation
      order, so the older rule wins an exact tie).
3. No rule applies: the county's dispatch desk gets it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Rule:
    department_id: int
    category: str
    region_path: str | None  # None (or ""): anywhere in the county
    keyword: str  # "": any text


def _specificity(rule: Rule) -> tuple[int, bool, int]:
    keyword = rule.keyword.strip()
    return (len(rule.region_path) if rule.region_path else -1, bool(keyword), len(keyword))


def _applies(rule: Rule, *, category: str, village_path: str | None, folded_text: str) -> bool:
    if rule.category != category:
        return False
    if rule.region_path and not (village_path and village_path.startswith(rule.region_path)):
        return False
    keyword = rule.keyword.strip()
    return not keyword or keyword.casefold() in folded_text


def choose_rule(rules: Sequence[Rule], *, category: str, village_path: str | None, text: str) -> Rule | None:
    """The most specific rule that applies to the appeal (see the module docstring), or None."""
    folded = text.casefold()
    best: Rule | None = None
    for rule in rules:
        # Strictly greater: on an exact tie the earlier rule stays.
        if _applies(rule, category=category, village_path=village_path, folded_text=folded) and (
                best is None or _specificity(rule) > _specificity(best)):
            best = rule
    return best


def choose_department(rules: Sequence[Rule], *, category: str, village_path: str | None, text: str,
                      dispatch_desk_id: int) -> int:
    """The id of the department the appeal goes to: the most specific rule's, else the desk's."""
    rule = choose_rule(rules, category=category, village_path=village_path, text=text)
    return dispatch_desk_id if rule is None else rule.department_id
