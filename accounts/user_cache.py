"""The signed-in user of a request, from the cache: the row and its roles, kept USER_CACHE_SECONDS.

Every signed-in request asks for its user (Django's session authentication loads the row, and most pages
then read the roles: one more query). The sign-in backends (accounts/backends.py) keep that user in the
cache, keyed by id, so a signed-in page costs what an anonymous one does.

Its permissions are kept with it (Django's ModelBackend caches them on the object). Forgotten whenever
they may have changed, at once and again when the transaction commits (a request that read the old row
between the two would otherwise keep it): any save or delete of the user (a new password, a disabled
account, a sign-in's last_login), a change of their groups (roles) or their own permissions, a change of a
group's permissions (its members), and the services that update users in bulk (accounts/retention.py). The session's password hash is still checked against the
cached row on every request, and the cache keeps an entry at most USER_CACHE_SECONDS: an update that
bypasses all of this (raw SQL, a cache that was unreachable when it should have forgotten) lasts no longer.
Production's cache is Redis, shared by every process; a local-memory cache is per process (one process
in the demo), so there a change reaches another process's copy only when it expires.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from accounts.models import User

_generation = 0  # user_cache_clear() starts a new one (tests: a rolled-back user's id is used again)


def _key(user_id) -> str:
    return f"accounts:user:{_generation}:{user_id}"


def cached_user(user_id, load: Callable[[object], User | None]) -> User | None:
    """The user `user_id` from the cache, else `load(user_id)` (a backend's own get_user), kept for next
    time with its roles. None when `load` gives none (no such user, or one who may not sign in)."""
    seconds = settings.USER_CACHE_SECONDS
    if seconds <= 0:
        return load(user_id)
    user = cache.get(_key(user_id))
    if user is None:
        user = load(user_id)
        if user is not None:
            cache.set(_key(user_id), with_what_is_kept(user), seconds)
    return user


def with_what_is_kept(user: User) -> User:
    """`user` with what the cache keeps with the row read onto it: the roles, and the permissions
    (ModelBackend keeps them on the object; has_perm costs two queries a request otherwise, and Wagtail's
    admin and the permission-checked views ask on every page)."""
    user.roles  # noqa: B018
    ModelBackend().get_all_permissions(user)
    return user


def user_cache_forget(user_ids: Iterable) -> None:
    """Forget these users now and again when the current transaction commits."""
    keys = [_key(user_id) for user_id in user_ids]
    if not keys:
        return
    cache.delete_many(keys)
    transaction.on_commit(lambda: cache.delete_many(keys))


def user_cache_clear() -> None:
    """Forget every user this process cached (a new generation of keys; the old ones expire)."""
    global _generation
    _generation += 1


@receiver([post_save, post_delete], sender=User, dispatch_uid="accounts.user_cache.user_changed")
def _user_changed(sender, instance, **kwargs):
    user_cache_forget([instance.pk])


@receiver(m2m_changed, sender=User.groups.through, dispatch_uid="accounts.user_cache.groups_changed")
def _groups_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if not action.startswith("post_") and action != "pre_clear":
        return
    if not reverse:
        user_cache_forget([instance.pk])
    elif action == "pre_clear":  # a group emptied: its members are known only before
        user_cache_forget(instance.user_set.values_list("pk", flat=True))
    elif pk_set:
        user_cache_forget(pk_set)


@receiver(m2m_changed, sender=User.user_permissions.through, dispatch_uid="accounts.user_cache.perms_changed")
def _user_permissions_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if not action.startswith("post_") and action != "pre_clear":
        return
    if not reverse:
        user_cache_forget([instance.pk])
    else:  # a permission given to or taken from users (all of its users, when it is cleared)
        user_cache_forget(pk_set if pk_set else instance.user_set.values_list("pk", flat=True))


@receiver(m2m_changed, sender=Group.permissions.through, dispatch_uid="accounts.user_cache.group_perms_changed")
def _group_permissions_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if not action.startswith("post_") and action != "pre_clear":
        return
    groups = [instance.pk] if not reverse else list(pk_set or instance.group_set.values_list("pk", flat=True))
    user_cache_forget(User.objects.filter(groups__in=groups).values_list("pk", flat=True).distinct())
