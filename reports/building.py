"""What every report job's builder shares: the progress callback's type, the common progress steps
(stored untranslated, shown in the reader's language) and the time stamp in file names."""

from __future__ import annotations

from collections.abc import Callable

from django.utils import timezone
from django.utils.translation import gettext_noop

Progress = Callable[[int, str], None]

STEP_CHARTS = gettext_noop("Drawing charts")
STEP_PDF = gettext_noop("Typesetting the PDF")
STEP_WRITING = gettext_noop("Writing the file")


def file_stamp() -> str:
    """When the file was made, local time, as file names carry it: 20261206-1430."""
    return timezone.localtime().strftime("%Y%m%d-%H%M")
