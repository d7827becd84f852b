"""The CMS's upload forms (WAGTAILIMAGES_IMAGE_FORM_BASE, WAGTAILDOCS_DOCUMENT_FORM_BASE): an editor's
file passes the same content checks as everyone's (core/uploads.py). Wagtail itself checks the
extension, the image format and WAGTAILIMAGES_MAX_IMAGE_PIXELS."""

from django.core.files.uploadedfile import UploadedFile
from wagtail.documents.forms import BaseDocumentForm
from wagtail.images.forms import BaseImageForm

from core.uploads import validate_document, validate_image


class CheckedImageForm(BaseImageForm):
    def clean_file(self):
        file = self.cleaned_data.get("file")
        if isinstance(file, UploadedFile):  # a new upload, not the stored file of an edit
            validate_image(file, formats=None)
        return file


class CheckedDocumentForm(BaseDocumentForm):
    def clean_file(self):
        file = self.cleaned_data.get("file")
        if isinstance(file, UploadedFile):
            validate_document(file)
        return file
