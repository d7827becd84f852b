"""A request's files behind access checks: attachments, their PDF pages as images, and the signature."""


from django.http import Http404
from django.utils.translation import gettext as _
from django.views import View

from core.http import int_or_none, private_image_response, user_file_response
from core.pdf_pages import PAGE_WIDTHS, PdfPageError, stored_pdf_page_jpeg
from gov_services.requests.selectors import requests as request_selectors
from stations.mixins import RequestFilesMixin


class AttachmentDownloadView(RequestFilesMixin, View):
    """A request's scan, for whoever may see the request: a sound image opens in the browser, anything
    else (a PDF too) and ?download=1 download (core.http.user_file_response)."""

    def get(self, request, pk):
        attachment = request_selectors.attachment_for_download(user=request.user, attachment_id=pk)
        return user_file_response(attachment.file, filename=attachment.original_name,
                                  preview=request.GET.get("download") != "1")


class AttachmentPageView(RequestFilesMixin, View):
    """One page of a PDF scan as a JPEG (`?page=` from 1, `?size=thumb|view`), drawn on the server for the
    scan viewer, for whoever may see the request; 404 for a page the PDF does not have or a scan that is not
    a PDF."""

    def get(self, request, pk):
        attachment = request_selectors.attachment_for_download(user=request.user, attachment_id=pk)
        page = int_or_none(request.GET.get("page"), low=1) or 1
        size = request.GET.get("size") if request.GET.get("size") in PAGE_WIDTHS else "view"
        if attachment.content_type != "application/pdf":
            raise Http404(_("This scan is not a PDF."))
        try:
            picture = stored_pdf_page_jpeg(attachment.file, page=page, size=size)
        except (PdfPageError, FileNotFoundError) as error:
            raise Http404(_("This page of the scan cannot be shown; download the file instead.")) from error
        return private_image_response(picture, content_type="image/jpeg")


class RequestSignatureView(RequestFilesMixin, View):
    """The resident's signature from the pad (PNG), for whoever may see the request."""

    def get(self, request, pk):
        service_request = request_selectors.access_service_request_by_id(user=request.user, request_id=pk)
        if not service_request.signature:
            raise Http404(_("This request has no signature."))
        return user_file_response(service_request.signature, filename=f"signature-{service_request.tracking_code}",
                                  preview=True)
