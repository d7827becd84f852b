"""GeoReport v2 bodies in its two formats (pure): JSON, and schemaless XML without a namespace, UTF-8 with
the XML declaration. One structure renders to both (the spec's "Spark convention"): a list becomes a
root element holding one element per item; a list inside an item becomes a container of singular
elements (attributes → attribute, values → value, formats → format, errors → error)."""

import json
from xml.etree import ElementTree

JSON, XML = "json", "xml"
CONTENT_TYPES = {JSON: "application/json; charset=utf-8", XML: "text/xml; charset=utf-8"}
SINGULAR = {"attributes": "attribute", "values": "value", "formats": "format", "endpoints": "endpoint",
            "errors": "error", "service_requests": "request", "services": "service"}


def render(data, fmt: str, *, root: str) -> bytes:
    """`data` (a list or a dict) as JSON, or as XML under `root` (a list's items get SINGULAR[root])."""
    if fmt == JSON:
        return json.dumps(data, ensure_ascii=False).encode()
    element = ElementTree.Element(root)
    _fill(element, data, root)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ElementTree.tostring(element, encoding="unicode").encode()


def _fill(element: ElementTree.Element, value, name: str) -> None:
    if isinstance(value, dict):
        for key, inner in value.items():
            _fill(ElementTree.SubElement(element, key), inner, key)
    elif isinstance(value, list | tuple):
        for inner in value:
            _fill(ElementTree.SubElement(element, SINGULAR.get(name, "item")), inner, "")
    elif value is None:
        return
    elif isinstance(value, bool):
        element.text = "true" if value else "false"
    else:
        element.text = str(value)


def errors_body(errors: list[tuple[int, str]], fmt: str) -> bytes:
    """The standard's error list: [{"code": 400, "description": "…"}] / <errors><error>…</error></errors>."""
    return render([{"code": code, "description": description} for code, description in errors], fmt, root="errors")
