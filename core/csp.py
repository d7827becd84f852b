"""Content-Security-Policy on every response (django-csp), with the additions some pages need.

The site-wide policy is settings.CONTENT_SECURITY_POLICY: scripts from our own origin and inline
scripts that carry the response's nonce (`<script nonce="{{ CSP_NONCE }}">`), nothing inline
otherwise. Pages whose JavaScript we do not write (Oscar's inline handlers, Wagtail's admin) get
directives of their own by URL prefix from settings.CSP_PATH_DIRECTIVES; a view that needs a third
party (Stripe's card element) adds it itself (`csp_update_when`).

Whole-page caches keep a placeholder in place of a stored page's nonce and put the visitor's own
nonce back when they serve it (as they do for the CSRF token), so every response has a fresh nonce
that matches its header.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable
from functools import wraps
from urllib.parse import urlsplit

from csp.decorators import csp_update
from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings

NONCE_PLACEHOLDER = b"__csp_nonce__"


class PathPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware; under a prefix of settings.CSP_PATH_DIRECTIVES, the directives named
    there replace the site-wide ones."""

    def get_policy_parts(self, request, response, report_only: bool = False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if report_only:
            return parts
        for prefix, directives in getattr(settings, "CSP_PATH_DIRECTIVES", {}).items():
            if request.path_info.startswith(prefix):
                parts.replace = {**(parts.replace or {}), **directives}
        return parts


def csp_update_when(condition: Callable[[], bool], additions: dict):
    """django-csp's `csp_update`, applied to a response only while `condition()` holds (checked on
    every request, so that a third party is allowed only while it is configured)."""

    def decorator(view):
        updated = csp_update(additions)(view)

        @wraps(view)
        def wrapped(*args, **kwargs):
            return (updated if condition() else view)(*args, **kwargs)

        return wrapped

    return decorator


def source_hash(source: str) -> str:
    """The CSP source expression that allows exactly this inline code ('sha256-…')."""
    digest = base64.b64encode(hashlib.sha256(source.encode()).digest()).decode()
    return f"'sha256-{digest}'"


def url_source(url: str) -> str | None:
    """The CSP source expression for the host of a URL template ("https://{s}.tiles.example/{z}/…" →
    "https://*.tiles.example"); None unless it is an http(s) URL."""
    parts = urlsplit(url.replace("{s}", "s-placeholder"))
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    return f"{parts.scheme}://{parts.netloc.replace('s-placeholder', '*')}"


def nonce_to_placeholder(request, body: bytes) -> bytes:
    """The body with this response's nonce replaced by a placeholder, for a page cache to keep."""
    nonce = getattr(request, "csp_nonce", None)
    if not nonce:  # never generated: the page has no nonce to hide (django-csp's lazy object is falsy)
        return body
    return body.replace(f'nonce="{nonce}"'.encode(), b'nonce="' + NONCE_PLACEHOLDER + b'"')


def placeholder_to_nonce(request, body: bytes) -> bytes:
    """A cached body with the visitor's own nonce (which also puts that nonce in the header)."""
    if NONCE_PLACEHOLDER not in body:
        return body
    return body.replace(NONCE_PLACEHOLDER, str(request.csp_nonce).encode())
