"""Check IAM-style policy documents and decide requests the way AWS does, for what moto skips.

The local stand-in enforces identity-based policies (once its IAM enforcement is switched on) but
ignores bucket-policy conditions and resource-based grants. This module validates policy documents
and evaluates a request against identity-based and resource-based policies with the rules in the
IAM User Guide (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html):

1. An explicit ``Deny`` in any applicable statement wins.
2. Otherwise an ``Allow`` is needed. In the same account either an identity-based policy or a
   resource-based policy naming the principal is enough; across accounts both are needed.
   Role trust policies (``sts:AssumeRole*``) and KMS key policies must allow even in the same
   account; a grant to a whole account delegates to that account's identity-based policies.
3. Otherwise the request is implicitly denied (the default).

    from mlbook import policy
    doc = policy.validate({"Version": "2012-10-17", "Statement": [...]})
    decision = policy.evaluate("s3:GetObject", "arn:aws:s3:::bucket/key",
                               principal="arn:aws:iam::123456789012:user/ana",
                               identity_policies=[doc], context={"aws:SecureTransport": True})
    decision.allowed, decision.kind, decision.reason

Out of scope: service control policies, permissions boundaries, session policies, policy variables,
``NotPrincipal``, set operators (``ForAnyValue:``/``ForAllValues:``) and Date/Binary conditions.
Documents using them are rejected with a message that says so, never silently mis-evaluated. A
principal matches a resource-based statement by its exact ARN, its account, ``"*"`` or, for a
service, its service name; an assumed-role session is not matched through its role's ARN.
"""

from __future__ import annotations

import difflib
import ipaddress
import json
import re
from dataclasses import dataclass
from typing import Any

VERSIONS = ("2012-10-17", "2008-10-17")
KINDS = ("identity", "resource")
_TOP_KEYS = {"Version", "Id", "Statement"}
_STATEMENT_KEYS = {
    "Sid",
    "Effect",
    "Principal",
    "NotPrincipal",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Condition",
}
_PRINCIPAL_TYPES = {"AWS", "Service", "Federated", "CanonicalUser"}
# Operators this module evaluates: name -> (family, negated).
_OPERATORS = {
    "StringEquals": ("string", False),
    "StringNotEquals": ("string", True),
    "StringEqualsIgnoreCase": ("string-ci", False),
    "StringNotEqualsIgnoreCase": ("string-ci", True),
    "StringLike": ("like", False),
    "StringNotLike": ("like", True),
    "NumericEquals": ("==", False),
    "NumericNotEquals": ("==", True),
    "NumericLessThan": ("<", False),
    "NumericLessThanEquals": ("<=", False),
    "NumericGreaterThan": (">", False),
    "NumericGreaterThanEquals": (">=", False),
    "Bool": ("bool", False),
    "IpAddress": ("ip", False),
    "NotIpAddress": ("ip", True),
    "ArnEquals": ("like", False),
    "ArnLike": ("like", False),
    "ArnNotEquals": ("like", True),
    "ArnNotLike": ("like", True),
    "Null": ("null", False),
}
# Valid in AWS policies but not evaluated here.
_NOT_EVALUATED = {
    "DateEquals",
    "DateNotEquals",
    "DateLessThan",
    "DateLessThanEquals",
    "DateGreaterThan",
    "DateGreaterThanEquals",
    "BinaryEquals",
}
_ACTION = re.compile(r"^[A-Za-z0-9-]+:[A-Za-z0-9*?]+$")  # names are case-insensitive
_REQUEST_ACTION = re.compile(r"^[a-z0-9-]+:[A-Za-z0-9]+$")
_IAM_ARN = re.compile(r"^arn:aws[a-z-]*:(iam|sts)::(\d{12}):.+$")
_SERVICE = re.compile(r"^[a-z0-9-]+(\.[a-z0-9-]+)*\.amazonaws\.com$")
_ACCOUNT = re.compile(r"^\d{12}$")


class PolicyError(ValueError):
    """A policy document or a request is malformed, or uses something this module cannot decide."""


@dataclass(frozen=True)
class Decision:
    """The outcome of :func:`evaluate`.

    ``kind`` is ``"allow"``, ``"explicit-deny"`` or ``"implicit-deny"``; ``statements`` names the
    statements that decided it (their ``Sid``, or ``<policy>[<index>]`` when they have none).
    """

    allowed: bool
    kind: str
    reason: str
    statements: tuple[str, ...] = ()

    @property
    def effect(self) -> str:
        return "Allow" if self.allowed else "Deny"

    def __str__(self) -> str:
        return f"{self.effect} ({self.reason})"


# ----------------------------------------------------------------------------------------------
# Validation


def _as_list(value) -> list:
    return value if isinstance(value, list) else [value]


def _strings(value, where: str, what: str) -> list[str]:
    values = _as_list(value)
    if not values or not all(isinstance(v, str) and v for v in values):
        raise PolicyError(
            f"{where}: {what} must be a non-empty string or a non-empty list of strings, "
            f"got {value!r}."
        )
    return values


def _split_operator(name: str, where: str) -> tuple[str, bool]:
    """Return (base operator, if_exists) or raise for an unknown or unsupported operator."""
    if not isinstance(name, str):
        raise PolicyError(f"{where}: condition operator {name!r} must be a string.")
    if name.startswith(("ForAnyValue:", "ForAllValues:")):
        raise PolicyError(
            f"{where}: the set operator in {name!r} is valid in AWS but mlbook.policy does not "
            "evaluate multivalued conditions; test such a policy with the IAM policy simulator."
        )
    base = name[: -len("IfExists")] if name.endswith("IfExists") and name != "Null" else name
    if base in _OPERATORS:
        if base == "Null" and name != "Null":
            raise PolicyError(f"{where}: Null has no IfExists form; use Null on its own.")
        return base, base != name
    if base in _NOT_EVALUATED:
        raise PolicyError(
            f"{where}: {name!r} is a valid AWS condition operator that mlbook.policy does not "
            "evaluate (Date and Binary operators are out of scope)."
        )
    close = difflib.get_close_matches(base, list(_OPERATORS), n=1)
    hint = f" Did you mean {close[0]!r}?" if close else ""
    raise PolicyError(
        f"{where}: unknown condition operator {name!r}.{hint} Operators are case-sensitive; "
        "see https://docs.aws.amazon.com/IAM/latest/UserGuide/"
        "reference_policies_elements_condition_operators.html"
    )


def _condition_values(value, base: str, where: str) -> list[str]:
    values = _as_list(value)
    if not values:
        raise PolicyError(f"{where}: give at least one value to compare with.")
    out = []
    for v in values:
        if isinstance(v, bool):
            out.append("true" if v else "false")
        elif isinstance(v, (int, float)):
            out.append(str(v))
        elif isinstance(v, str):
            out.append(v)
        else:
            raise PolicyError(f"{where}: condition values must be strings, numbers or booleans.")
    family = _OPERATORS[base][0]
    for v in out:
        if family in ("bool", "null") and v.lower() not in ("true", "false"):
            raise PolicyError(f'{where}: {base} compares with "true" or "false", got {v!r}.')
        if family in ("==", "<", "<=", ">", ">="):
            try:
                float(v)
            except ValueError:
                raise PolicyError(f"{where}: {base} needs a number, got {v!r}.") from None
        if family == "ip":
            try:
                ipaddress.ip_network(v, strict=False)
            except ValueError:
                raise PolicyError(
                    f"{where}: {base} needs an IP address or CIDR block such as "
                    f'"203.0.113.0/24", got {v!r}.'
                ) from None
    return out


def _check_principal(principal, where: str) -> None:
    if principal == "*":
        return
    if not isinstance(principal, dict) or not principal:
        raise PolicyError(
            f'{where}: Principal must be "*" or an object such as '
            '{"AWS": "arn:aws:iam::123456789012:role/name"} or '
            '{"Service": "sagemaker.amazonaws.com"}, got ' + repr(principal) + "."
        )
    for kind, value in principal.items():
        if kind not in _PRINCIPAL_TYPES:
            raise PolicyError(
                f"{where}: unknown principal type {kind!r}; use one of "
                f"{', '.join(sorted(_PRINCIPAL_TYPES))}."
            )
        for v in _strings(value, where, f"Principal {kind}"):
            if kind == "AWS" and not (v == "*" or _ACCOUNT.match(v) or _IAM_ARN.match(v)):
                raise PolicyError(
                    f"{where}: AWS principal {v!r} is neither an account ID (12 digits), "
                    'an IAM ARN such as "arn:aws:iam::123456789012:user/name", nor "*".'
                )
            if kind == "Service" and not _SERVICE.match(v):
                raise PolicyError(
                    f"{where}: service principal {v!r} should look like "
                    '"sagemaker.amazonaws.com".'
                )


def _check_statement(st, where: str, kind: str) -> None:
    if not isinstance(st, dict):
        raise PolicyError(f"{where}: each statement must be a JSON object, got {st!r}.")
    unknown = set(st) - _STATEMENT_KEYS
    if unknown:
        raise PolicyError(
            f"{where}: unknown element(s) {sorted(unknown)}; a statement may have "
            f"{', '.join(sorted(_STATEMENT_KEYS))} (names are case-sensitive)."
        )
    if "Effect" not in st:
        raise PolicyError(f'{where}: missing "Effect"; add "Effect": "Allow" or "Effect": "Deny".')
    if st["Effect"] not in ("Allow", "Deny"):
        raise PolicyError(
            f'{where}: Effect must be "Allow" or "Deny" (case-sensitive), got {st["Effect"]!r}.'
        )
    if ("Action" in st) == ("NotAction" in st):
        raise PolicyError(f'{where}: give exactly one of "Action" or "NotAction".')
    element = "Action" if "Action" in st else "NotAction"
    for action in _strings(st[element], where, element):
        if action != "*" and not _ACTION.match(action):
            raise PolicyError(
                f"{where}: action {action!r} is not of the form service:Action "
                '(for example "s3:GetObject" or "s3:Get*").'
            )
    if "Resource" in st and "NotResource" in st:
        raise PolicyError(f'{where}: give "Resource" or "NotResource", not both.')
    for element in ("Resource", "NotResource"):
        for resource in _strings(st[element], where, element) if element in st else []:
            if resource != "*" and not resource.startswith("arn:"):
                raise PolicyError(
                    f"{where}: resource {resource!r} is not an ARN "
                    '(arn:partition:service:region:account:resource) or "*"; for a bucket '
                    'write "arn:aws:s3:::bucket-name/*".'
                )
            if "${" in resource:
                raise PolicyError(
                    f"{where}: policy variables such as {resource!r} are not evaluated by "
                    "mlbook.policy; write the value out."
                )
    if "NotPrincipal" in st:
        raise PolicyError(
            f"{where}: NotPrincipal is not evaluated by mlbook.policy (AWS advises against it); "
            "use Principal with a condition instead."
        )
    if kind == "identity":
        if "Principal" in st:
            raise PolicyError(
                f"{where}: an identity-based policy has no Principal (it applies to whoever it "
                "is attached to); remove it, or validate the document with kind='resource'."
            )
        if "Resource" not in st and "NotResource" not in st:
            raise PolicyError(
                f'{where}: an identity-based statement needs "Resource" (use "*" for all).'
            )
    else:
        if "Principal" not in st:
            raise PolicyError(
                f"{where}: a resource-based policy must say who it applies to: add "
                '"Principal" (for example {"AWS": "arn:aws:iam::123456789012:role/name"}).'
            )
        _check_principal(st["Principal"], where)
    condition = st.get("Condition", {})
    if not isinstance(condition, dict):
        raise PolicyError(f"{where}: Condition must be an object of operator -> {{key: value}}.")
    for operator, block in condition.items():
        base, _ = _split_operator(operator, where)
        if not isinstance(block, dict) or not block:
            raise PolicyError(
                f"{where}: {operator} must map condition keys to values, for example "
                '{"aws:SourceVpce": "vpce-1a2b3c4d"}.'
            )
        for key, value in block.items():
            _condition_values(value, base, f"{where}, {operator} {key}")


def validate(document, kind: str = "identity") -> dict:
    """Check a policy document (a dict or its JSON text) and return it as a dict.

    ``kind`` is ``"identity"`` (attached to a user, group or role: no Principal, Resource
    required) or ``"resource"`` (attached to a resource such as a bucket or a role's trust
    policy: Principal required). Raises :class:`PolicyError` saying what is wrong and how to fix it.
    """
    if kind not in KINDS:
        raise PolicyError(f"kind must be one of {KINDS}, got {kind!r}.")
    if isinstance(document, (str, bytes)):
        try:
            document = json.loads(document)
        except json.JSONDecodeError as err:
            raise PolicyError(f"the policy is not valid JSON: {err}.") from None
    if not isinstance(document, dict):
        raise PolicyError(
            f"a policy document must be a JSON object, got {type(document).__name__}."
        )
    unknown = set(document) - _TOP_KEYS
    if unknown:
        raise PolicyError(
            f"unknown top-level element(s) {sorted(unknown)}; a policy has Version, Id and "
            "Statement (names are case-sensitive)."
        )
    if "Version" not in document:
        raise PolicyError(
            'the policy has no "Version": add "Version": "2012-10-17", the current policy '
            "language version (without it, newer features such as policy variables fail)."
        )
    if document["Version"] not in VERSIONS:
        raise PolicyError(
            f'Version must be "2012-10-17" (or the older "2008-10-17"); it is a fixed '
            f"language version, not a date you choose. Got {document['Version']!r}."
        )
    if "Statement" not in document:
        raise PolicyError('the policy has no "Statement": add a list of statements.')
    statements = _as_list(document["Statement"])
    if not statements:
        raise PolicyError('"Statement" is empty: add at least one statement.')
    for i, st in enumerate(statements):
        sid = st.get("Sid") if isinstance(st, dict) else None
        _check_statement(st, f"statement {i}" + (f" ({sid})" if sid else ""), kind)
    return document


# ----------------------------------------------------------------------------------------------
# Evaluation


def _wildcard(pattern: str, value: str, ignore_case: bool = False) -> bool:
    regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    flags = re.IGNORECASE | re.DOTALL if ignore_case else re.DOTALL
    return re.fullmatch(regex, value, flags) is not None


def _condition_holds(condition: dict, context: dict[str, list[str]]) -> bool:
    for operator, block in condition.items():
        base, if_exists = _split_operator(operator, "condition")
        family, negated = _OPERATORS[base]
        for key, raw in block.items():
            wanted = _condition_values(raw, base, "condition")
            present = context.get(key.lower())
            if family == "null":
                if (wanted[0].lower() == "true") != (present is None):
                    return False
                continue
            if present is None:
                if if_exists or negated:
                    continue
                return False
            if negated == any(_compare(family, have, w) for have in present for w in wanted):
                return False
    return True


def _compare(family: str, have: str, want: str) -> bool:
    if family == "string":
        return have == want
    if family == "string-ci":
        return have.casefold() == want.casefold()
    if family == "like":
        return _wildcard(want, have)
    if family == "bool":
        return have.lower() == want.lower()
    if family == "ip":
        try:
            return ipaddress.ip_address(have) in ipaddress.ip_network(want, strict=False)
        except ValueError:
            return False
    try:
        a, b = float(have), float(want)
    except ValueError:
        return False
    return {"==": a == b, "<": a < b, "<=": a <= b, ">": a > b, ">=": a >= b}[family]


def _principal_match(principal_element, principal: str, account: str | None) -> str | None:
    """'direct' when the statement names this principal, 'account' when it names its account."""
    if principal_element == "*":
        return "direct"
    match = None
    for kind, value in principal_element.items():
        for v in _as_list(value):
            if kind == "Service" and v == principal:
                return "direct"
            if kind != "AWS":
                continue
            if v == "*" or v == principal:
                return "direct"
            named = v if _ACCOUNT.match(v) else None
            if v.endswith(":root") and _IAM_ARN.match(v):
                named = _IAM_ARN.match(v).group(2)
            if named is not None and named == account:
                match = "account"
    return match


def _context(context) -> dict[str, list[str]]:
    if context is None:
        return {}
    if not isinstance(context, dict):
        raise PolicyError(
            'context must be a dict of condition keys, for example {"aws:SourceVpce": '
            f'"vpce-1a2b3c4d", "aws:SecureTransport": True}}, got {type(context).__name__}.'
        )
    out = {}
    for key, value in context.items():
        if not isinstance(key, str) or ":" not in key:
            raise PolicyError(
                f"context key {key!r} should look like a condition key such as " '"aws:SourceVpce".'
            )
        values = []
        for v in _as_list(value):
            if isinstance(v, bool):
                values.append("true" if v else "false")
            elif isinstance(v, (str, int, float)):
                values.append(str(v))
            else:
                raise PolicyError(f"context value for {key!r} must be a string, number or bool.")
        out[key.lower()] = values
    return out


def _account_of(arn: str) -> str | None:
    parts = arn.split(":")
    return parts[4] if len(parts) > 5 and _ACCOUNT.match(parts[4]) else None


def evaluate(
    action: str,
    resource: str,
    *,
    principal: str,
    identity_policies=(),
    resource_policies=(),
    context: dict | None = None,
    resource_account: str | None = None,
) -> Decision:
    """Decide whether ``principal`` may perform ``action`` on ``resource``.

    ``principal`` is an IAM ARN (user, role, assumed role, or ``...:root``) or a service
    principal such as ``"sagemaker.amazonaws.com"``. ``identity_policies`` are the policies
    attached to that principal, ``resource_policies`` those attached to the resource (a bucket
    policy, a role's trust policy, a key policy). ``context`` holds the request's condition keys.
    The resource's account is read from its ARN, else ``resource_account``, else it is taken to
    be the principal's own account (S3 bucket ARNs carry no account).
    """
    if not isinstance(action, str) or not _REQUEST_ACTION.match(action):
        raise PolicyError(
            f"action {action!r} must be one concrete service:Action such as 's3:GetObject' "
            "(wildcards belong in policies, not in requests)."
        )
    if not isinstance(resource, str) or not resource.startswith("arn:"):
        raise PolicyError(f"resource {resource!r} must be an ARN such as 'arn:aws:s3:::b/k'.")
    if not isinstance(principal, str):
        raise PolicyError(f"principal must be a string, got {type(principal).__name__}.")
    iam_match = _IAM_ARN.match(principal)
    is_service = _SERVICE.match(principal) is not None
    if not (iam_match or is_service):
        raise PolicyError(
            f"principal {principal!r} must be an IAM ARN such as "
            "'arn:aws:iam::123456789012:user/name' or a service principal such as "
            "'sagemaker.amazonaws.com'."
        )
    if resource_account is not None and not _ACCOUNT.match(str(resource_account)):
        raise PolicyError(
            f"resource_account must be a 12-digit account ID, got {resource_account!r}."
        )
    for name, policies in (
        ("identity_policies", identity_policies),
        ("resource_policies", resource_policies),
    ):
        if isinstance(policies, (dict, str, bytes)):
            raise PolicyError(f"{name} must be a list of policy documents, not one document.")
    if is_service and identity_policies:
        raise PolicyError("a service principal has no identity-based policies; pass none.")
    ctx = _context(context)
    principal_account = iam_match.group(2) if iam_match else None
    owner = _account_of(resource) or resource_account or principal_account

    denies, id_allows, res_direct, res_account = [], [], [], []
    for label, kind, policies in (
        ("identity policy", "identity", identity_policies),
        ("resource policy", "resource", resource_policies),
    ):
        for p, document in enumerate(policies, 1):
            document = validate(document, kind)
            for i, st in enumerate(_as_list(document["Statement"])):
                name = st.get("Sid") or f"{label} {p}[{i}]"
                if "Action" in st:
                    hit = any(_wildcard(a, action, True) for a in _as_list(st["Action"]))
                else:
                    hit = not any(_wildcard(a, action, True) for a in _as_list(st["NotAction"]))
                if not hit:
                    continue
                if "Resource" in st:
                    hit = any(_wildcard(r, resource) for r in _as_list(st["Resource"]))
                elif "NotResource" in st:
                    hit = not any(_wildcard(r, resource) for r in _as_list(st["NotResource"]))
                if not hit:
                    continue
                how = "direct"
                if kind == "resource":
                    how = _principal_match(st["Principal"], principal, principal_account)
                    if how is None:
                        continue
                if not _condition_holds(st.get("Condition", {}), ctx):
                    continue
                if st["Effect"] == "Deny":
                    denies.append(name)
                elif kind == "identity":
                    id_allows.append(name)
                else:
                    (res_direct if how == "direct" else res_account).append(name)

    if denies:
        return Decision(
            False, "explicit-deny", f"explicitly denied by {', '.join(denies)}", tuple(denies)
        )
    cross = principal_account is not None and owner is not None and owner != principal_account
    needs_resource = action.lower().startswith(("sts:assumerole", "kms:"))
    if is_service:
        grants = res_direct + res_account
    elif cross:
        grants = (
            id_allows + res_direct + res_account
            if id_allows and (res_direct or res_account)
            else []
        )
    elif needs_resource:
        grants = res_direct or (res_account + id_allows if res_account and id_allows else [])
    else:
        grants = id_allows + res_direct
    if grants:
        return Decision(True, "allow", f"allowed by {', '.join(grants)}", tuple(grants))
    if cross and (id_allows or res_direct or res_account):
        missing = "resource-based" if id_allows else "identity-based"
        reason = f"implicitly denied: cross-account access also needs an {missing} policy allow"
    elif needs_resource and id_allows:
        reason = "implicitly denied: the role trust policy or key policy does not allow it"
    else:
        reason = f"implicitly denied: no statement allows {action} on {resource}"
    return Decision(False, "implicit-deny", reason)
