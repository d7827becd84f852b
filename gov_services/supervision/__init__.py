"""Supervision (电子监察): the county's watch over requests. The sweep issues yellow and red cards on a request's
deadline and on its approval steps' limits, takes the county's escalation chain and closes stale returned
requests; staff record the outcome of escalations, call back dissatisfied residents (回访) and decide the
departments' appeals of ratings (申诉); departments and officers are scored each month (人机考核).

Modules: rules.py (pure: card bounds, follow-up deadlines, assessment scores), models.py (settings, chain,
cards, escalations, sweeps, callbacks, appeals; Django finds them through gov_services/models/__init__.py),
selectors.py (reads, scoped: board, escalations, follow-ups, appeals), department_assessment.py and
officer_assessment.py (the monthly assessment), services/ (writes: the sweep, settings, casework),
forms.py, views.py, views_officers.py and urls.py (the screens; templates stay in
gov_services/templates/gov_services/supervision/). The Celery tasks stay in gov_services/tasks/supervision.py
(their names are stored in beat schedules).

What it may import: the requests and catalogue features below it (models, selectors, services, and the
requests' working-day clock and workflow, gov_services/requests/deadlines.py and workflow.py; a request's
timeline is written through `gov_services.requests.services.request_event_record` and
`request_events_record_many`), gov_services' shared modules (notifications, channels) and the layers below
gov_services. Never certificates; and nothing in requests imports it but the department's request page,
which shows the rating appeal (the re-rating rule and the handler of a request are requests' own:
gov_services/requests/selectors/requests.py).
"""
