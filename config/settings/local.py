"""The embedded demo: DEBUG on, everything on this one machine."""

from .base import *  # noqa: F403
from .base import env, read

DEBUG = read("DEBUG", env.bool, True, "DEBUG=true")
