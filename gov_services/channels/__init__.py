"""Channels: other systems that hand the county requests (the 12345 hotline's software, a WeChat service
account's backend, an Open311 client). A channel holds API keys (accounts.ApiKey, scoped here to the
channel and its county), a rate limit, and an outgoing webhook on which it hears of every status change
of the requests it filed: signed, kept in an outbox with a delivery log, retried by Celery, replayable.

Modules: models.py, signing.py (pure: the HMAC-SHA256 signature), transport.py (the HTTP adapter),
services.py (writes), selectors.py (reads, scoped), tasks.py (Celery), views.py + urls.py (the outbox
screen for county admins), admin.py (the Django admin: channels, keys, the replay action).
"""
