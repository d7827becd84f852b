"""Certificate guarantees that need PostgreSQL: serial numbers stay unique when officers issue at the
same moment (the counter row lock), and a double click issues one certificate (the request row lock)."""


import pytest

from gov_services.certificates import services
from gov_services.models import Certificate
from tests.concurrency import run_together
from tests.factories import valid_id_number
from tests.gov_services.certificate_helpers import approved_request

pytestmark = [pytest.mark.postgres, pytest.mark.usefixtures("private_files")]


@pytest.fixture
def no_render(monkeypatch):
    """The PDF is not what these tests are about: skip the after-commit render."""
    from gov_services.certificates.services import issue

    monkeypatch.setattr(issue, "_render_after_commit", lambda certificate_id: None)


@pytest.mark.django_db(transaction=True)
def test_concurrent_issues_get_distinct_consecutive_serials(cert_item, seal, station, officer, no_render):
    requests = [approved_request(cert_item, station, officer, applicant_id_number=valid_id_number(n))
                for n in range(6)]
    results = run_together(*[lambda r=r: services.certificate_issue(request=r, actor=officer) for r in requests])
    assert all(isinstance(r, Certificate) for r in results), results
    numbers = sorted(c.number for c in results)
    assert numbers == [1, 2, 3, 4, 5, 6]
    assert len({c.serial for c in results}) == 6


@pytest.mark.django_db(transaction=True)
def test_a_concurrent_double_click_issues_one_certificate(cert_item, seal, station, officer, no_render):
    request = approved_request(cert_item, station, officer)
    results = run_together(*[lambda: services.certificate_issue(request=request, actor=officer)] * 2)
    assert all(isinstance(r, Certificate) for r in results), results
    assert results[0].pk == results[1].pk and Certificate.objects.count() == 1
