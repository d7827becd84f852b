from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from django.conf import settings
        from PIL import Image

        from core import checks  # noqa: F401  registers the system checks

        # Every Pillow in the process (Oscar's thumbnails, Wagtail's renditions, the QR reader) refuses
        # an image of more than twice this many pixels; our own upload checks refuse more than this.
        Image.MAX_IMAGE_PIXELS = settings.UPLOAD_MAX_IMAGE_PIXELS
