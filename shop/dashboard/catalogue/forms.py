"""Oscar's catalogue dashboard forms, with pictures checked by content (core/uploads.py): a merchant's
product photo or a category picture is a JPEG, PNG, GIF or WebP image within the pixel limit and
without hidden web-page code. Everything else is Oscar's."""

from oscar.apps.dashboard.catalogue import forms as oscar_forms
from oscar.apps.dashboard.catalogue.forms import *  # noqa: F403  Oscar's documented way to fork a forms module

from core.uploads import CheckedImageField


class ProductImageForm(oscar_forms.ProductImageForm):
    class Meta(oscar_forms.ProductImageForm.Meta):
        field_classes = {"original": CheckedImageField}


class CategoryForm(oscar_forms.CategoryForm):
    class Meta(oscar_forms.CategoryForm.Meta):
        field_classes = {"image": CheckedImageField}
