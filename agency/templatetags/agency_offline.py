"""The offline counter's words for its scripts (zh-hans first), as one JSON object: {% offline_texts %}."""

from django import template
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

register = template.Library()


@register.simple_tag
def offline_texts() -> dict:
    return {
        "online": pgettext("network status", "Online"),
        "offline": pgettext("network status", "Offline"),
        "waiting": _("%(n)s waiting"),
        "none_waiting": _("Nothing waiting"),
        "conflicts": _("%(n)s to resolve"),
        "last_sync": _("last sync %(time)s"),
        "never_synced": _("not synced yet"),
        "syncing": _("Sending…"),
        "sign_in": _("Sign in again to send the waiting items."),
        "provisional": _("Provisional"),
        "queued": _("Saved in the outbox; it is sent when the network returns."),
        "sent": _("Sent"),
        "state_waiting": _("Waiting to be sent"),
        "state_done": _("Synced"),
        "state_conflict": _("Conflict"),
        "state_error": _("Error"),
        "state_discarded": _("Discarded"),
        "no_code": _("No parcel waits here with this code."),
        "code_ok": _("Code matches. Hand the parcel over and take the cash due."),
        "payment_refused": _("Bill payments and top-ups need the provider's answer: they cannot be done while the "
                             "network is down. Ask the resident to come back, or try again when the status says "
                             "online."),
        "reason_needed": _("Say why this item is discarded; the reason is kept."),
        "saved_failed": _("The outbox could not be written (browser storage is full or blocked)."),
        "close_blocked": _("%(n)s items captured offline are not synced yet. Send them (or resolve their "
                           "conflicts) before closing the day: the drawer holds their cash, the ledger does not "
                           "yet."),
        "choose_item": _("Choose a service."),
        "fill_required": _("Fill in the fields marked *."),
        "no_data": _("The station's data is not on this computer yet: open the counter once while online."),
        "total": _("Total"),
        "add": _("Add"),
    }
