"""Environment reading that stops start-up with one clear line on bad input.

django-environ raises deep inside settings import with a long traceback; a station
technician editing `.env` needs to see which variable is wrong and why, nothing else.
"""

import sys
from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)


def fail(name: str, why: str) -> None:
    sys.exit(f"Cunzhan configuration error: {name} {why}")


def read(name: str, reader, default, example: str):
    """Read `name` with the environ `reader` (env.str, env.bool, env.db_url …)."""
    try:
        return reader(name, default=default)
    except Exception as exc:  # django-environ raises ValueError, ImproperlyConfigured, KeyError …
        fail(name, f"is malformed ({exc.__class__.__name__}: {exc}); expected something like {example}")


def required(name: str, example: str) -> str:
    value = env.str(name, default="")
    if not value:
        fail(name, f"must be set in production; e.g. {name}={example}")
    return value
