"""Supervision: the sweep that issues cards, escalates and closes stale returned requests, and what staff
record on it. Import from the module that does the thing:

- sweep.py: open and run a sweep, region by region (supervision_sweep_open, supervision_sweep_region_run,
  supervision_sweep_run, sweep_stage_count);
- county_settings.py: a county's settings and escalation chain;
- casework.py: an escalation's outcome, a follow-up call back, a rating appeal and its decision;
- cards.py, escalations.py, notices.py: the sweep's parts; region_plan.py: what it loads per region;
  batches.py: how it writes (batches, or set-based SQL on PostgreSQL).

The sweep is set-based and swept region by region (a county, or a city with departments of its own):
`supervision_sweep_open` records the sweep, `supervision_sweep_region_run` sweeps one region — in turn
in this process (`supervision_sweep_run`: the command, the demo) or one Celery task per region in
parallel (the beat's task). For each region it asks the database, with one indexed query per card
level and per step, for the requests that need something *now*, and only those ever reach Python; on
PostgreSQL one INSERT … SELECT … ON CONFLICT per level and step writes the rows and their RequestEvents.
Every other event goes on the request's timeline through requests' public service
(`request_events_record_many` for the sweep's batches, `request_event_record` for casework).

A region's cards, escalations, events, texts and counts are one transaction. The texts are one per
person per region and sweep: the officer or head concerned by several new cards and escalations gets a
digest counting them with a link to the department queue (one request: the text about it), queued in
the outbox with bulk INSERTs and sent after commit by one Celery task per batch (core.sms).

A late approval step (a step card, on the step's own limit) takes the county's escalation chain like a late
request: each link, after its working days on the step's card, once per approval step.

Idempotency: the unique keys (request, level), (request, step) and (request step, step) let only one sweep
insert a row; each row carries its sweep's id, so a sweep knows which rows are its own and writes events and
texts for those alone. A second run at the same moment — or a concurrent one — issues nothing new and texts
nobody. Stale returned requests are closed under row locks taken with SKIP LOCKED, so two sweeps never
close the same request twice.
"""
