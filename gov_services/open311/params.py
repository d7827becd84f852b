"""The parameters of POST requests.[format], parsed from the form (pure: no ORM).

attribute[code]=value, and attribute[code][]=value repeated for a multivaluelist, become
{"code": ["value", …]}. The result is JSON-ready, so a request accepted by token keeps it as it came."""

import re
from dataclasses import asdict, dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from gov_services.open311.errors import Open311Error

ATTRIBUTE = re.compile(r"^attribute\[([^\[\]]+)\](\[\])?$")
TEXT_FIELDS = ("service_code", "lat", "long", "address_string", "address_id", "email", "device_id", "account_id",
               "first_name", "last_name", "phone", "description", "media_url")
MAX_DESCRIPTION = 4000


@dataclass
class Open311Params:
    service_code: str = ""
    lat: str = ""
    long: str = ""
    address_string: str = ""
    address_id: str = ""
    email: str = ""
    device_id: str = ""
    account_id: str = ""
    first_name: str = ""
    last_name: str = ""
    phone: str = ""
    description: str = ""
    media_url: str = ""
    attributes: dict[str, list[str]] = field(default_factory=dict)
    # Not in the standard: a client's key for the same report sent twice (header Idempotency-Key).
    idempotency_key: str = ""

    def as_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> "Open311Params":
        return cls(**data)

    @property
    def applicant_name(self) -> str:
        # A Chinese name is written family name first: 王 + 秀英.
        return f"{self.last_name.strip()}{self.first_name.strip()}"

    def point(self) -> tuple[Decimal, Decimal] | None:
        """(latitude, longitude), None when neither is given; Open311Error(400) when malformed."""
        if not self.lat and not self.long:
            return None
        try:
            latitude, longitude = Decimal(self.lat), Decimal(self.long)
        except (InvalidOperation, ValueError):
            raise Open311Error(400, _("lat and long must both be numbers (WGS-84 degrees).")) from None
        if not (-90 <= latitude <= 90 and -180 <= longitude <= 180) or not latitude.is_finite():
            raise Open311Error(400, _("lat must lie between -90 and 90 and long between -180 and 180."))
        return latitude.quantize(Decimal("0.000001")), longitude.quantize(Decimal("0.000001"))


def parse_post(form, *, idempotency_key: str = "") -> Open311Params:
    """The parameters from a QueryDict (request.POST)."""
    values = {name: (form.get(name) or "").strip() for name in TEXT_FIELDS}
    attributes: dict[str, list[str]] = {}
    for key in form:
        match = ATTRIBUTE.match(key)
        if match:
            attributes.setdefault(match.group(1), []).extend(v.strip() for v in form.getlist(key))
    params = Open311Params(**values, attributes=attributes, idempotency_key=idempotency_key[:100])
    if "\x00" in "".join(values.values()) + "".join(v for vs in attributes.values() for v in vs):
        raise Open311Error(400, _("The request holds a NUL character, which no text may contain."))
    if len(params.description) > MAX_DESCRIPTION:
        raise Open311Error(400, _("description may be at most %(max)d characters.") % {"max": MAX_DESCRIPTION})
    if not params.service_code:
        raise Open311Error(400, _("service_code was not provided."))
    if not (params.lat or params.long or params.address_string or params.address_id):
        raise Open311Error(400, _("A location is required: lat and long, address_string or address_id."))
    params.point()
    return params
