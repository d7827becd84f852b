from reports.models import ReportJob
from reports.registry import REPORTS, job_formats, report_of_job_kind


def test_every_job_kind_is_prepared_by_exactly_one_report():
    kinds = [file.kind for report in REPORTS.values() for file in report.files]
    assert sorted(kinds) == sorted(ReportJob.Kind.values)


def test_a_page_offers_only_buttons_for_formats_its_report_accepts():
    for report in REPORTS.values():
        assert report.job_params is not None or not report.files, report.name
        for value, _label in report.job_buttons():
            kind, _sep, fmt = value.partition(":")
            assert report_of_job_kind(kind) is report and fmt in job_formats(kind)


def test_an_unknown_kind_belongs_to_no_report_and_comes_in_no_format():
    assert report_of_job_kind("no_such_report") is None and job_formats("no_such_report") == frozenset()
