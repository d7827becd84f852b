"""Handing work that is already durable in the database to Celery.

An outbox row (a text message) or a queued report job is written in the caller's transaction; the Celery
message only says "do it now". When the broker is down, publishing it is not worth making the person at
the counter wait for: Celery's default publish retries (task_publish_retry_policy) and kombu's connection
retries hold the request about a second per message (several seconds with retry=False alone, which leaves
the connection's own retries in place). `hand_off` publishes once, with one immediate reconnect (a pooled
connection gone stale after a broker restart), and never raises: a refused hand-off is logged and the row
stays queued for its beat redispatch task (core.tasks.sms_outbox_redispatch_stale,
reports.tasks.report_jobs_redispatch_stale). docs/faults.md."""

import logging
from collections.abc import Sequence

logger = logging.getLogger("cunzhan.handoff")

# One reconnect at once, then give up: a broker that is down answers "connection refused" in milliseconds.
HANDOFF_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0, "interval_max": 0}


def hand_off(task, *, args: Sequence, what: str) -> bool:
    """Publish `task(*args)` without waiting for a broker that is down; False (logged) when it was refused."""
    try:
        task.apply_async(args=tuple(args), retry_policy=HANDOFF_RETRY_POLICY)
    except Exception as error:  # never let a broker failure reach the request that did the work
        # One line, no traceback: during an outage every request that queues work says this.
        logger.warning("%s could not be handed to Celery (%s: %s); it stays queued for the redispatch",
                       what, type(error).__name__, error)
        return False
    return True
