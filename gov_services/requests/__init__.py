"""Requests: a service request's life. An application for a catalogue item or an appeal (诉求) is filed at a
station's counter (also while the network is down, synced later), online by the resident, by staff for a call
or a WeChat message, by another system (the API, channels, Open311) or reported by a resident with photos and
a point on the map; it runs through the workflow (accept, return for supplement, review, approve or refuse,
complete, rate, close) on the working-day clock and its item's approval steps, in a department's queue; the
resident follows it on their own pages or by tracking code, and rates it. Around it: drafts of an application,
its government fee and the errands of a counter visit, its scans and signature, its timeline (hash-chained),
the retention of its personal data and the resident's copy of it.

Layout:
* pure rules: workflow.py (the transition table), deadlines.py (the working-day clock), steps.py (the action
  that does each approval step); display.py (what every request page shows: deadline, timeline, checklist);
* models/ (Django finds them through gov_services/models/__init__.py; the app label, tables and migrations are
  gov_services'): requests.py, steps.py, drafts.py, fees.py, reports.py (followers of a resident's report);
* services/ (writes; `from gov_services.requests import services` for submit and the moves) and selectors/
  (reads, scoped: requests, drafts, reports, the counter's ranking by a station's filings);
* the counter: forms_counter.py, views_counter_common.py, views_counter_filing.py, views_counter_requests.py,
  views_drafts.py, views_visit.py, views_offline.py with offline.py (the sync handler), ledger_export.py,
  urls_counter.py;
* the department and the admins: views_dept/ (queue, a request's page and its moves, files, the admins'
  list, the fee statement), forms_dept.py, filters_dept.py, views_intake.py (calls and WeChat messages
  logged by staff), urls_dept.py;
* the resident: forms_resident.py, views_resident_common.py, views_resident_apply.py,
  views_resident_requests.py, views_track.py (public tracking), urls_resident.py; residents' own reports:
  forms_reports.py, views_reports.py, urls_reports.py;
* api.py (/api/requests/), event_chain.py (the timeline's hash chain), retention.py and personal_data.py
  (registered in GovServicesConfig.ready).
The url confs are included by gov_services/urls.py; the templates stay in gov_services/templates/gov_services/,
the Celery task for expired drafts in gov_services/tasks/drafts.py (its name is stored in the beat schedule).

What it may import: the catalogue, below it (items, materials, steps, e-forms, departments), and gov_services'
shared modules and county set-up at the app's top level, which sit below it too (import-linter: they read of
requests only its models, workflow and clock): identifiers.py, notifications.py (the SMS purposes), the
working-day calendar (gov_services/selectors/calendar.py), appeal routing (gov_services/selectors/routing.py) and
departments (gov_services/selectors/departments.py); and channels (every status move tells the channel that
filed the request). Who builds on it: supervision (cards, escalations, follow-up calls, assessment) and
certificates, which it never imports (import-linter, pyproject.toml) but on the department's request page
(views_dept/request_page.py, request_actions.py): it shows the certificate panel and the rating appeal, and
approving there issues the item's automatic certificate in the same transaction; channels and open311, which
file through `service_request_submit`. Other features write a request's timeline only through
`request_event_record` / `request_events_record_many`.
"""
