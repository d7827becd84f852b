"""Private files (scans, signatures, certificates) live outside MEDIA_ROOT and have no URL:
they are served only by views that check access first."""

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils.functional import LazyObject


class PrivateStorage(LazyObject):
    def _setup(self):
        self._wrapped = FileSystemStorage(location=settings.PRIVATE_MEDIA_ROOT, base_url=None)


private_storage = PrivateStorage()


def private_storage_callable():
    # A callable keeps the settings path out of migrations.
    return private_storage
