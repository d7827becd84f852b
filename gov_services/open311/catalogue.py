"""Our catalogue as GeoReport v2 services, and e-forms as service definitions (reads; no writes).

Services of a county (its jurisdiction_id is its division code):
* one per appeal category (诉求): service_code "appeal-<category>", e.g. appeal-help — a problem
  described in words, routed by the county's routing rules;
* one per catalogue item residents may apply for online, handled by a department of the county (or
  above it), that is not a parent of sub-items: service_code = the item's code.

Every service has metadata (a definition): the applicant's ID card number is always asked (the
department must know who reports, even where the public never does); appeals also ask whether the
problem may be shown publicly; an item's e-form fields (gov_services/catalogue/eforms/) follow, in order.
"""

from dataclasses import dataclass

from django.db.models import Q
from django.utils.translation import gettext as _

from gov_services.catalogue import eforms
from gov_services.models import ServiceItem, ServiceRequest
from stations.models import Region

APPEAL_PREFIX = "appeal-"
ID_NUMBER_CODE = "applicant_id_number"
PUBLIC_CODE = "is_public"
DATATYPES = {
    eforms.TEXT: "string", eforms.TEXTAREA: "text", eforms.INTEGER: "number", eforms.DECIMAL: "number",
    eforms.DATE: "datetime", eforms.CHOICE: "singlevaluelist", eforms.MULTICHOICE: "multivaluelist",
    eforms.BOOLEAN: "singlevaluelist", eforms.ID_NUMBER: "string", eforms.PHONE: "string",
}


@dataclass(frozen=True)
class Service:
    code: str
    name: str
    description: str
    group: str
    keywords: str
    item: ServiceItem | None = None
    appeal_category: str = ""

    @property
    def kind(self) -> str:
        return ServiceRequest.Kind.APPLICATION if self.item is not None else ServiceRequest.Kind.APPEAL


def _enclosing_paths(path: str) -> list[str]:
    return [path[:end] for end in range(Region.steplen, len(path) + 1, Region.steplen)]


def _items_of(county: Region):
    return (ServiceItem.objects.select_related("department")
            .filter(is_active=True, online_allowed=True)
            .filter(Q(department__region__path__startswith=county.path)
                    | Q(department__region__path__in=_enclosing_paths(county.path)))
            .exclude(sub_items__is_active=True)
            .distinct().order_by("code"))


def _appeal_service(category: str, label: str) -> Service:
    return Service(code=f"{APPEAL_PREFIX}{category}", name=str(label),
                   description=_("A problem or request described in your own words (%(category)s); the county "
                                 "routes it to the department responsible.") % {"category": label},
                   group=_("Appeals"), keywords=str(label), appeal_category=category)


def _item_service(item: ServiceItem) -> Service:
    return Service(code=item.code, name=item.name, description=item.description or item.name,
                   group=item.department.name, keywords=item.pinyin_initials, item=item)


def open311_services(*, county: Region) -> list[Service]:
    appeals = [_appeal_service(value, label) for value, label in ServiceRequest.AppealCategory.choices]
    return appeals + [_item_service(item) for item in _items_of(county)]


def open311_service(*, county: Region, code: str) -> Service | None:
    if code.startswith(APPEAL_PREFIX):
        category = code[len(APPEAL_PREFIX):]
        labels = dict(ServiceRequest.AppealCategory.choices)
        return _appeal_service(category, labels[category]) if category in labels else None
    item = _items_of(county).filter(code=code).first()
    return _item_service(item) if item is not None else None


def _attribute(order: int, code: str, datatype: str, required: bool, description: str, *,
               datatype_description: str = "", values: list | None = None) -> dict:
    return {"variable": True, "code": code, "datatype": datatype, "required": required,
            "datatype_description": datatype_description, "order": order, "description": description,
            "values": values or []}


def service_definition(service: Service) -> dict:
    attributes = [_attribute(1, ID_NUMBER_CODE, "string", True,
                             _("The ID card number of the person reporting (never shown to the public)."),
                             datatype_description=_("18 characters, the last may be X"))]
    if service.item is None:
        attributes.append(_attribute(2, PUBLIC_CODE, "singlevaluelist", False,
                                     _("May the problem (never who reported it) be shown on the public list "
                                       "and map?"),
                                     values=[{"key": "true", "name": _("Yes")}, {"key": "false", "name": _("No")}]))
    else:
        for field in service.item.form_schema:
            attributes.append(_eform_attribute(len(attributes) + 1, field))
    return {"service_code": service.code, "attributes": attributes}


def _eform_attribute(order: int, field: dict) -> dict:
    kind = field["type"]
    values = None
    if kind in (eforms.CHOICE, eforms.MULTICHOICE):
        values = [{"key": str(value), "name": str(label)} for value, label in field.get("choices", [])]
    elif kind == eforms.BOOLEAN:
        values = [{"key": "true", "name": _("Yes")}, {"key": "false", "name": _("No")}]
    help_text = eforms.field_help(field)
    return _attribute(order, field["name"], DATATYPES[kind], bool(field.get("required")), eforms.field_label(field),
                      datatype_description=help_text or str(eforms.TYPE_LABELS[kind]), values=values)


def form_data_from_attributes(service: Service, attributes: dict[str, list[str]]) -> tuple[dict, list[str]]:
    """An item's e-form data from attribute[code] values, and the codes no field of its form has."""
    if service.item is None:
        return {}, [code for code in attributes if code not in (ID_NUMBER_CODE, PUBLIC_CODE)]
    fields = {field["name"]: field for field in service.item.form_schema}
    data, unknown = {}, []
    for code, values in attributes.items():
        if code == ID_NUMBER_CODE:
            continue
        field = fields.get(code)
        if field is None:
            unknown.append(code)
        elif field["type"] == eforms.MULTICHOICE:
            data[code] = values
        elif field["type"] == eforms.DATE:
            data[code] = values[0][:10] if values else ""
        else:
            data[code] = values[0] if values else ""
    return data, unknown
