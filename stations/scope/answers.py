"""The answers a view gives outside the scope: 404 for a row beyond it, 403 without the post or role."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from accounts.roles import Role


def get_in_scope(queryset: QuerySet, **lookup) -> Model:
    """The one row of an already scoped `queryset` matching `lookup`, else Http404: the same answer for
    a row that does not exist and for one that is someone else's."""
    row = queryset.filter(**lookup).first()
    if row is None:
        raise Http404(_("Not found."))
    return row


def is_resident(user) -> bool:
    """Whether `user` holds the resident role: the applicant's side of request files and certificates
    (an editor's or a merchant's account has no such side). A role, not a post: asked only where needed,
    so that building a scope costs no query for it."""
    return user is not None and user.is_authenticated and user.has_role(Role.RESIDENT)


def require(allowed: bool, message: str) -> None:
    """PermissionDenied with `message` (which says why) unless `allowed`."""
    if not allowed:
        raise PermissionDenied(message)
