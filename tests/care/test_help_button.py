"""The resident's help button (/care/help/<signed token>/): the desk texts the link; one press makes one call
for the desk to ring back, with an alert and a text to the care operators; a new button stops the old link."""

import uuid

import pytest
from django.urls import reverse

from care.models import CareAlert, CareCall
from care.notifications import help_url
from care.services import calls as services
from core.audit import audit_events_for
from core.models import SmsOutboxMessage

pytestmark = pytest.mark.django_db


def give(client, world):
    client.force_login(world["operator"])
    answer = client.post(reverse("care:help-button-give", kwargs={"pk": world["resident"].pk}))
    assert answer.status_code == 302
    client.logout()
    world["resident"].refresh_from_db()
    return help_url(world["resident"]).split("cunzhan.test", 1)[1]


def test_the_desk_texts_the_link_and_one_press_makes_one_call_for_the_desk(client, world,
                                                                          django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        link = give(client, world)
    sms = SmsOutboxMessage.objects.get(purpose="care_help_link")
    assert sms.phone == world["resident"].phone and "/care/help/" in sms.text
    page = client.get(link).content.decode()
    assert "王*兰" in page and "13812345678" not in page  # her name masked, nothing more
    key = str(uuid.uuid4())
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(link, {"idempotency_key": key})
        client.post(link, {"idempotency_key": key})  # a double press
        client.post(link, {"idempotency_key": str(uuid.uuid4())})  # pressed again while the desk has it
    assert first.status_code == 302
    call = CareCall.objects.get()
    assert (call.channel, call.status, call.taken_by, call.service) == ("resident", "new", None, "company")
    assert CareAlert.objects.get(kind=CareAlert.Kind.HELP).call == call
    assert list(SmsOutboxMessage.objects.filter(purpose="care_help").values_list("phone", flat=True)) == [
        world["operator"].phone]
    assert call.reference in client.get(link).content.decode()
    assert audit_events_for(call).filter(action="care.call.taken").count() == 1


def test_a_new_button_stops_the_old_link_and_a_forged_one_opens_nothing(client, world):
    old = give(client, world)
    new = give(client, world)
    assert client.get(old).status_code == 404
    assert client.post(old, {"idempotency_key": str(uuid.uuid4())}).status_code == 404
    assert client.get(new).status_code == 200
    assert client.get(new[:-3] + "xx/").status_code == 404
    assert CareCall.objects.count() == 0


def test_only_the_desk_gives_a_help_button(client, world):
    client.force_login(world["liaison"])
    assert client.post(reverse("care:help-button-give", kwargs={"pk": world["resident"].pk})).status_code == 403
    with pytest.raises(Exception) as refused:
        services.care_help_button_give(actor=world["liaison"], resident=world["resident"])
    assert refused.typename == "PermissionDenied"
