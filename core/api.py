"""What every JSON endpoint shares: one error body, strings a database can store, and the errors
any operation may answer — returned by the same handlers and documented in /api/openapi.json.

django-ninja answers its own errors as {"detail": …} and documents none of them; this API answers
{"message": "…", "errors": {"field": ["…"]}} for 400, 401, 403, 404, 409 and 422 alike, in the
language of the request (zh-hans first).
"""

from __future__ import annotations

from typing import Annotated

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from pydantic import StringConstraints

# Text a database can store: no NUL character (PostgreSQL refuses it in text and JSON). Lone
# surrogates never get this far: pydantic refuses them as invalid Unicode.
Text = Annotated[str, StringConstraints(pattern=r"^[^\x00]*$")]


class ErrorOut(Schema):
    message: str
    errors: dict[str, list[str]] = {}


ERROR_RESPONSES = {
    "400": "The request body is not JSON, or holds text no database stores (NUL, lone surrogates).",
    "422": "A parameter or field is missing or malformed; `errors` names each one.",
}
AUTH_ERROR_RESPONSES = {"401": "No valid API key (send `Authorization: Bearer <key>`)."}


class CunzhanAPI(NinjaAPI):
    """NinjaAPI with our error bodies, and the errors every operation may answer in its schema."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.add_exception_handler(ValidationError, self._invalid)
        self.add_exception_handler(AuthenticationError, self._unauthenticated)
        self.add_exception_handler(HttpError, self._http_error)
        self.add_exception_handler(Http404, self._not_found)

    def _error(self, request, status: int, message: str, errors: dict | None = None, **headers):
        response = self.create_response(request, {"message": message, "errors": errors or {}}, status=status)
        for name, value in headers.items():
            response[name.replace("_", "-")] = value
        return response

    def _invalid(self, request, exc: ValidationError):
        errors: dict[str, list[str]] = {}
        for error in exc.errors:
            # loc: ("body", "payload", "field", …), ("query", "field") or ("path", "field")
            loc = [str(part) for part in error.get("loc", ())]
            field = ".".join(loc[2:] if loc[:1] == ["body"] else loc[1:]) or "__all__"
            errors.setdefault(field, []).append(error.get("msg", ""))
        return self._error(request, 422, _("Please correct the fields below."), errors)

    def _unauthenticated(self, request, exc: AuthenticationError):
        return self._error(request, 401, _("A valid API key is required: send it as Authorization: Bearer <key>."),
                           WWW_Authenticate="Bearer")

    def _http_error(self, request, exc: HttpError):
        message = _("The request body is not valid JSON.") if exc.status_code == 400 else str(exc)
        return self._error(request, exc.status_code, message)

    def _not_found(self, request, exc: Http404):
        return self._error(request, 404, _("Not found."))

    def get_openapi_schema(self, **kwargs):
        schema = super().get_openapi_schema(**kwargs)
        schema.setdefault("components", {}).setdefault("schemas", {}).setdefault(
            "ErrorOut", ErrorOut.model_json_schema(ref_template="#/components/schemas/{model}"))
        for operations in schema["paths"].values():
            for operation in operations.values():
                documented = {**ERROR_RESPONSES, **(AUTH_ERROR_RESPONSES if operation.get("security") else {})}
                for status, description in documented.items():
                    operation["responses"].setdefault(status, {
                        "description": description,
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}},
                    })
        return schema
