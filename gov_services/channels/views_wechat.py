"""The WeChat official account's server address (/channels/wechat/<code>/): WeChat checks it with a GET
and pushes residents' messages with POSTs; both are signed by WeChat (gov_services/channels/wechat.py).
No session, no CSRF token: the signature is the authentication. A push that is not WeChat's is a 403
and writes nothing."""

import logging

from django.http import HttpResponse, HttpResponseForbidden
from django.shortcuts import get_object_or_404
from django.utils import translation
from django.views.decorators.csrf import csrf_exempt
from django_ratelimit.core import is_ratelimited

from gov_services.channels import wechat
from gov_services.channels.models import WeChatAccount
from gov_services.channels.wechat_dialogue import push_handle

logger = logging.getLogger(__name__)
MAX_PUSH_BYTES = 64 * 1024  # a text, a location or a photo's address: a few hundred bytes


def push_answer(*, account: WeChatAccount, query, body: bytes) -> tuple[int, str]:
    """(HTTP status, body) for one push; what the endpoint sends back and what the simulator reads."""
    params = wechat.PushParams.from_query(query)
    if len(body) > MAX_PUSH_BYTES:
        return 413, ""
    try:
        message = wechat.message_open(account, params, body)
    except wechat.WeChatRefused as refused:
        logger.warning("WeChat push to %s refused: %s", account.app_id, refused)
        return 403, ""
    with translation.override("zh-hans"):  # residents read Chinese, whatever the phone sends
        text = push_handle(account=account, message=message)
    return 200, wechat.reply_seal(account, message, text)


@csrf_exempt
def wechat_server(request, code: str):
    account = get_object_or_404(WeChatAccount.objects.select_related("channel__jurisdiction", "acting_user"),
                                channel__code=code, channel__is_active=True)
    if is_ratelimited(request, group="gov_services.wechat", key="ip", rate="600/m", increment=True):
        return HttpResponse(status=429)
    if request.method == "GET":
        try:
            echo = wechat.url_check_answer(account, wechat.PushParams.from_query(request.GET))
        except wechat.WeChatRefused:
            return HttpResponseForbidden()
        return HttpResponse(echo, content_type="text/plain")
    if request.method != "POST":
        return HttpResponse(status=405, headers={"Allow": "GET, POST"})
    status, body = push_answer(account=account, query=request.GET, body=request.body)
    return HttpResponse(body, status=status, content_type="application/xml; charset=utf-8")
