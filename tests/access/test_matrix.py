"""The generated access matrix: every URL pattern the resolver knows, asked by every role, about their own
objects and about objects of another station, department, township, county, merchant or resident.

The expectations are the table in tests/access/table/ (one module of rows per app or area); the policy
behind it is in tests/access/policy.py; the world the questions are asked about is tests/access/world/.
A new URL pattern without a row in the table fails here, saying how to add one.

Set ACCESS_MATRIX_RESULTS=path to collect every failing cell as JSON lines
(`python -m tests.access.report path` turns them into a report grouped by cause).
"""

import pytest

from tests.access.patterns import all_patterns
from tests.access.runner import record, run_row
from tests.access.table import case_for, stale_keys

PATTERNS = all_patterns()

HOW_TO_ADD = """No row in the access matrix for {key} ({route}).
Add one to the ROWS of its app's module under tests/access/table/ (they make up EXPECTATIONS), keyed "{key}":
who has the page's workspace, the object its URL names and how a permitted POST looks, e.g.

    "{key}": Case(REGION, Obj("station", pk="pk"), post=Post({{"field": "value"}}, control="county_admin")),
"""


@pytest.mark.parametrize("pattern", PATTERNS, ids=[p.key for p in PATTERNS])
def test_every_url_answers_every_role_as_the_access_policy_says(pattern, in_world):
    case = case_for(pattern)
    if case is None:
        pytest.fail(HOW_TO_ADD.format(key=pattern.key, route=pattern.route))
    outcome = run_row(pattern, case, in_world)
    record(outcome)
    if outcome.failures:
        pytest.fail(f"{len(outcome.failures)} of {outcome.requests} cells differ from the policy:\n"
                    + "\n".join(outcome.lines()), pytrace=False)


def test_every_row_of_the_table_still_names_a_url():
    assert stale_keys(PATTERNS) == []
