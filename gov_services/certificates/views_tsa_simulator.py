"""The demo TSA's HTTP face (404 unless settings.ENABLE_SIMULATORS), as a real RFC 3161 TSA over HTTP:

* POST /sim/tsa/          application/timestamp-query → application/timestamp-reply (RFC 3161 § 3.4)
* GET  /sim/tsa/root.crt  the root to trust for its timestamps
* GET  /sim/tsa/crl       the root's CRL (the TSA certificate's distribution point)
"""

from django.conf import settings
from django.http import Http404, HttpResponse
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.csrf import csrf_exempt

from gov_services.certificates import tsa_simulator

MAX_QUERY_BYTES = 4096


class _SimulatorOnly(View):
    def dispatch(self, request, *args, **kwargs):
        if not settings.ENABLE_SIMULATORS:
            raise Http404
        return super().dispatch(request, *args, **kwargs)


@method_decorator(csrf_exempt, name="dispatch")  # a protocol endpoint: the query is the whole request
class TimestampView(_SimulatorOnly):
    http_method_names = ["post"]

    def post(self, request):
        if request.content_type != "application/timestamp-query":
            return HttpResponse("application/timestamp-query expected", status=415, content_type="text/plain")
        if len(request.body) > MAX_QUERY_BYTES:
            return HttpResponse("query too large", status=413, content_type="text/plain")
        try:
            reply = tsa_simulator.timestamp_reply(request.body)
        except ValueError:
            return HttpResponse("not a TimeStampReq", status=400, content_type="text/plain")
        return HttpResponse(reply, content_type="application/timestamp-reply")


class RootCertificateView(_SimulatorOnly):
    http_method_names = ["get"]

    def get(self, request):
        return HttpResponse(tsa_simulator.root_pem(), content_type="application/x-pem-file")


class RevocationListView(_SimulatorOnly):
    http_method_names = ["get"]

    def get(self, request):
        return HttpResponse(tsa_simulator.crl(), content_type="application/pkix-crl")
