"""Which managed AWS AI service answers which problem, and checks of boto3 requests without AWS.

The decision table lives in ``data/ai_services.yaml`` (one row per problem: service, input,
output, boto3 client and operation, an example request, documentation URL). Requests are checked
against botocore's service model, the JSON description of every operation that ships with boto3,
so nothing is sent to AWS:

    from mlbook import ai_services
    rows = ai_services.load_table()                     # every row, validated
    ai_services.rows_for("Amazon Rekognition")          # the rows of one service
    ai_services.validate_request("comprehend", "DetectSentiment",
                                 {"Text": "Great service", "LanguageCode": "en"})

``validate_request`` runs botocore's own ``ParamValidator`` (required members, types, minimum
lengths and values) and then checks enum values, which botocore leaves to the service.
"""

from __future__ import annotations

import difflib
from functools import lru_cache

import botocore.session
from botocore import xform_name
from botocore.validate import ParamValidator

from .data import check_schema, load_yaml

TABLE_FILE = "ai_services.yaml"
SCHEMA_FILE = "ai_services.schema.json"
CLOSED = "closed-to-new-customers"


class AiServicesError(ValueError):
    """The decision table or a request does not match what the services accept."""


class UnknownServiceError(AiServicesError):
    """A service, boto3 client or operation name that does not exist."""


class RequestShapeError(AiServicesError):
    """A request that the operation's input shape in botocore's service model rejects."""


def _suggest(name: str, known) -> str:
    close = difflib.get_close_matches(name, list(known), n=3, cutoff=0.6)
    return f" Did you mean {', '.join(repr(c) for c in close)}?" if close else ""


@lru_cache(maxsize=1)
def _session():
    return botocore.session.get_session()


@lru_cache(maxsize=None)
def service_model(client: str):
    """botocore's service model for a boto3 client name such as ``'rekognition'``."""
    if not isinstance(client, str) or not client.strip():
        raise UnknownServiceError(
            f"A boto3 client name must be a non-empty string such as 'comprehend', got {client!r}."
        )
    available = _session().get_available_services()
    if client not in available:
        raise UnknownServiceError(
            f"'{client}' is not a boto3 client name this botocore knows.{_suggest(client, available)}"
            " Use the name you would pass to boto3.client(), for example 'comprehendmedical' "
            "or 'lexv2-models'."
        )
    return _session().get_service_model(client)


def operation_model(client: str, operation: str):
    """botocore's model of one operation, for example ``('textract', 'AnalyzeDocument')``."""
    model = service_model(client)
    names = model.operation_names
    if operation not in names:
        by_method = {xform_name(n): n for n in names}
        if isinstance(operation, str) and operation in by_method:
            hint = (
                f" '{operation}' is the boto3 method name; the operation is "
                f"'{by_method[operation]}'."
            )
        else:
            hint = _suggest(str(operation), names)
        raise UnknownServiceError(
            f"The {client} service model has no operation {operation!r}.{hint} "
            f"Use the API operation name, as in client.meta.service_model.operation_names."
        )
    return model.operation_model(operation)


def _enum_problems(value, shape, path: str):
    """Values outside a string shape's enum, which botocore's ParamValidator does not check."""
    kind = shape.type_name
    if kind == "structure" and isinstance(value, dict):
        for key, item in value.items():
            if key in shape.members:
                yield from _enum_problems(item, shape.members[key], f"{path}.{key}" if path else key)
    elif kind == "list" and isinstance(value, (list, tuple)):
        for i, item in enumerate(value):
            yield from _enum_problems(item, shape.member, f"{path}[{i}]")
    elif kind == "map" and isinstance(value, dict):
        for key, item in value.items():
            yield from _enum_problems(item, shape.value, f"{path}.{key}")
    elif kind == "string" and getattr(shape, "enum", None) and isinstance(value, str):
        if value not in shape.enum:
            yield (
                f"Invalid value for parameter {path}: {value!r}; the service model allows "
                f"{', '.join(shape.enum)}"
            )


def validate_request(client: str, operation: str, request) -> None:
    """Raise RequestShapeError if ``request`` breaks the operation's input shape; return None."""
    model = operation_model(client, operation)
    if not isinstance(request, dict):
        raise RequestShapeError(
            f"A {client}.{operation} request must be a dict of parameters, got "
            f"{type(request).__name__}."
        )
    shape = model.input_shape
    report = ParamValidator().validate(request, shape)
    required = ", ".join(shape.required_members) or "(none)"
    if report.has_errors():
        raise RequestShapeError(
            f"{client}.{operation} request breaks botocore's service model:\n"
            f"{report.generate_report()}\n"
            f"Fix the parameters to match the input shape (required: {required})."
        )
    problems = list(_enum_problems(request, shape, ""))
    if problems:
        raise RequestShapeError(
            f"{client}.{operation} request uses values the service model does not allow:\n"
            + "\n".join(problems)
            + "\nbotocore would send it and the service would answer with a validation error."
        )


def check_rows(rows, source: str = f"data/{TABLE_FILE}") -> list[dict]:
    """Validate decision-table rows (schema, unique ids, availability notes, example requests)."""
    check_schema(rows, SCHEMA_FILE, source, AiServicesError)
    seen: set[str] = set()
    for i, row in enumerate(rows):
        where = f"{source}: row [{i}] '{row['id']}'"
        if row["id"] in seen:
            raise AiServicesError(f"{where}: the id is used twice; give each row its own id.")
        seen.add(row["id"])
        closed = row["availability"] == CLOSED
        notes = [k for k in ("availability_note", "availability_source") if k in row]
        if closed and len(notes) < 2:
            raise AiServicesError(
                f"{where}: a service that is {CLOSED} needs availability_note and "
                "availability_source (the AWS page that announces the change)."
            )
        if not closed and notes:
            raise AiServicesError(
                f"{where}: {', '.join(notes)} only belong to rows whose availability is {CLOSED}."
            )
        try:
            validate_request(row["client"], row["operation"], row["request"])
        except AiServicesError as err:
            raise type(err)(f"{where}: {err}") from None
    return rows


@lru_cache(maxsize=1)
def _table() -> tuple:
    return tuple(check_rows(load_yaml(TABLE_FILE)))


def load_table() -> list[dict]:
    """Every row of data/ai_services.yaml, validated (a fresh list; the file is read once)."""
    return [dict(row) for row in _table()]


def _key(name: str) -> str:
    key = " ".join(str(name).lower().split())
    return key.removeprefix("amazon ").strip()


def services(rows=None) -> list[str]:
    """The service names in the table, sorted."""
    return sorted({row["service"] for row in (rows if rows is not None else load_table())})


def rows_for(service: str, rows=None) -> list[dict]:
    """The rows of one service: 'Amazon Rekognition', 'rekognition' and 'Rekognition' all match."""
    rows = rows if rows is not None else load_table()
    if not isinstance(service, str) or not service.strip():
        raise UnknownServiceError(
            f"Name a service such as 'Amazon Comprehend', got {service!r}."
        )
    found = [row for row in rows if _key(row["service"]) == _key(service)]
    if not found:
        names = services(rows)
        hint = _suggest(_key(service), [_key(n) for n in names])
        raise UnknownServiceError(
            f"No service called {service!r} in data/{TABLE_FILE}.{hint} Known services: "
            f"{', '.join(names)}."
        )
    return found
