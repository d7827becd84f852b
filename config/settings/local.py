"""The embedded demo: DEBUG on, everything on this one machine."""

from .base import *  # noqa: F403
from .base import env, read

DEBUG = read("DEBUG", env.bool, True, "DEBUG=true")

# The demo's counter takes cards on the simulated reader (set AGENCY_CARD_TERMINAL=stripe for a real one).
AGENCY_CARD_TERMINAL = read("AGENCY_CARD_TERMINAL", env.str, "simulator", "AGENCY_CARD_TERMINAL=simulator")
