"""Helpers of the counter-screen tests (test_counter_*.py, test_application_*.py and others): the
workspace's addresses, and the scans and signature a counter browser posts."""

import base64
import io

from django.urls import reverse
from PIL import Image


def url(name, *args):
    return reverse(f"gov_services:{name}", args=args)


def scan_png(size=(60, 40), colour=(230, 225, 210)) -> bytes:
    """A small real PNG, as a scanner would send it."""
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, format="PNG")
    return buffer.getvalue()


def signature_data_url() -> str:
    """What the signature pad puts in its hidden input: a PNG data URL."""
    buffer = io.BytesIO()
    image = Image.new("RGBA", (300, 100), (255, 255, 255, 255))
    for x in range(40, 260):
        image.putpixel((x, 50 + (x % 7)), (17, 17, 17, 255))
    image.save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()
