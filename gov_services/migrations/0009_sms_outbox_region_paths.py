"""Stamp the outbox rows queued before messages carried their region: a request's message gets the
request's place (its village, else its station's village, else its department's region), a mailed
certificate's message its request's place. Rows whose request is gone keep an empty region (superusers
only see them)."""

from django.db import migrations

REQUEST_PURPOSES = ("request_submitted", "request_returned", "request_completed", "request_assigned",
                    "card_yellow", "card_red", "escalation")
BATCH = 1000


def _place(request) -> str:
    if request.village_id:
        return request.village.path
    if request.station_id:
        return request.station.village.path
    return request.department.region.path


def _stamp(outbox, *, purposes, paths_by_reference) -> None:
    by_path: dict[str, list[str]] = {}
    for reference, path in paths_by_reference.items():
        by_path.setdefault(path, []).append(reference)
    for path, references in by_path.items():
        for start in range(0, len(references), BATCH):
            outbox.objects.filter(region_path="", purpose__in=purposes,
                                  reference__in=references[start:start + BATCH]).update(region_path=path)


def forward(apps, schema_editor):
    outbox = apps.get_model("core", "SmsOutboxMessage")
    service_request = apps.get_model("gov_services", "ServiceRequest")
    certificate = apps.get_model("gov_services", "Certificate")
    related = ("village", "station__village", "department__region")

    codes = set(outbox.objects.filter(region_path="", purpose__in=REQUEST_PURPOSES)
                .values_list("reference", flat=True))
    requests = service_request.objects.filter(tracking_code__in=codes).select_related(*related)
    _stamp(outbox, purposes=REQUEST_PURPOSES,
           paths_by_reference={r.tracking_code: _place(r) for r in requests.iterator(chunk_size=BATCH)})

    serials = set(outbox.objects.filter(region_path="", purpose="certificate_mailed")
                  .values_list("reference", flat=True))
    certificates = certificate.objects.filter(serial__in=serials).select_related(
        *(f"request__{lookup}" for lookup in related))
    _stamp(outbox, purposes=("certificate_mailed",),
           paths_by_reference={c.serial: _place(c.request) for c in certificates.iterator(chunk_size=BATCH)})


class Migration(migrations.Migration):

    dependencies = [
        ("gov_services", "0008_rating_appeals"),
        ("core", "0005_sms_outbox_region_and_sealed_text"),
    ]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
