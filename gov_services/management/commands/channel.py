"""Channels (other systems that file requests) on the command line:

    manage.py channel create <code> "<name>" <county division code> [--as phone|wechat|api]
                             [--rate 60/m] [--webhook https://…]     prints the webhook secret
    manage.py channel key <code> <username>                          prints a new key, shown this once
    manage.py channel list

A channel's key acts as the user named (their posts decide which villages it may file for), only for
the channel's county; `manage.py api_key revoke <prefix>` revokes it like any key."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from gov_services.channels.models import Channel
from gov_services.channels.services import channel_create, channel_key_issue
from stations.models import Region


class Command(BaseCommand):
    help = "Make channels for Open311 and other systems, issue their keys, list them."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="verb", required=True)
        create = sub.add_parser("create")
        create.add_argument("code")
        create.add_argument("name")
        create.add_argument("county")
        create.add_argument("--as", dest="intake_channel", default="api", choices=["api", "phone", "wechat"])
        create.add_argument("--rate", default="60/m")
        create.add_argument("--webhook", default="")
        key = sub.add_parser("key")
        key.add_argument("code")
        key.add_argument("username")
        sub.add_parser("list")

    def handle(self, *args, verb, **options):
        getattr(self, f"handle_{verb}")(**options)

    def handle_create(self, *, code, name, county, intake_channel, rate, webhook, **_options):
        region = Region.objects.filter(code=county, level=Region.Level.COUNTY).first()
        if region is None:
            raise CommandError(f"No county with division code {county!r}.")
        try:
            channel = channel_create(actor=None, name=name, code=code, jurisdiction=region,
                                     intake_channel=intake_channel, rate_limit=rate, webhook_url=webhook)
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from None
        self.stdout.write(f"Channel {channel.code} for {region.name} ({region.code}).\n"
                          f"Webhook secret (X-Cunzhan-Signature is HMAC-SHA256 with it): {channel.webhook_secret}")

    def handle_key(self, *, code, username, **_options):
        channel = Channel.objects.filter(code=code).first()
        user = User.objects.filter(username=username).first()
        if channel is None or user is None:
            raise CommandError(f"No channel {code!r}." if channel is None else f"No user {username!r}.")
        _token, key = channel_key_issue(actor=None, channel=channel, user=user)
        self.stdout.write(f"Key of channel {channel.code} (acts as {user.username}); shown this once:\n{key}")

    def handle_list(self, **_options):
        for channel in Channel.objects.select_related("jurisdiction").prefetch_related("keys__api_key"):
            keys = ", ".join(k.api_key.prefix for k in channel.keys.all() if k.api_key.revoked_at is None) or "-"
            self.stdout.write(f"{channel.code}  {channel.name}  {channel.jurisdiction.code}  "
                              f"{channel.rate_limit}  webhook={channel.webhook_url or '-'}  keys={keys}")
