"""Environment reading that stops start-up with one clear line on bad input.

django-environ raises deep inside settings import with a long traceback; a station
technician editing `.env` needs to see which variable is wrong and why, nothing else.
"""

import ipaddress
import sys
import warnings
from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)


def fail(name: str, why: str) -> None:
    sys.exit(f"Cunzhan configuration error: {name} {why}")


_BOOLEANS = {"true": True, "1": True, "yes": True, "on": True, "false": False, "0": False, "no": False, "off": False}


def strict_bool(name: str, default: bool) -> bool:
    """Like env.bool, but "DEBUG=maybe" is an error instead of a silent False."""
    raw = env.str(name, default="")
    if raw == "":
        return default
    if raw.strip().lower() not in _BOOLEANS:
        raise ValueError(f"{raw!r} is not one of true/false/yes/no/on/off/1/0")
    return _BOOLEANS[raw.strip().lower()]


def networks(name: str, default: list[str]) -> list[str]:
    """A comma-separated list of addresses or networks (10.0.0.5, 10.0.0.0/24, ::1); a typo is an error."""
    return [str(ipaddress.ip_network(value.strip(), strict=False)) for value in env.list(name, default=default)]


def strict_db_url(name: str, default: str) -> dict:
    """Like env.db_url, but "nonsense://x" is an error instead of ENGINE="nonsense"."""
    raw = env.str(name, default=default)
    if not raw.strip():
        raise ValueError("it is empty; leave it out for the SQLite default")
    with warnings.catch_warnings():  # environ warns (a second, confusing line) before returning {}
        warnings.simplefilter("ignore")
        config = env.db_url(name, default=default)
    if config.get("ENGINE") not in set(environ.Env.DB_SCHEMES.values()):
        raise ValueError(f"unknown database scheme {raw.partition(':')[0]!r}")
    return config


def read(name: str, reader, default, example: str):
    """Read `name` with the environ `reader` (env.str, env.bool, env.db_url …)."""
    if reader == env.bool:
        reader = strict_bool
    elif reader == env.db_url:
        reader = strict_db_url
    try:
        return reader(name, default=default)
    except Exception as exc:  # django-environ raises ValueError, ImproperlyConfigured, KeyError …
        fail(name, f"is malformed ({exc.__class__.__name__}: {exc}); expected something like {example}")


def required(name: str, example: str) -> str:
    value = env.str(name, default="")
    if not value:
        fail(name, f"must be set in production; e.g. {name}={example}")
    return value
