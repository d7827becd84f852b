from oscar.apps.shipping.admin import *  # noqa: F403  (Oscar fork)
