"""Check an S3 Lifecycle configuration and work out what it does to objects on a given day.

The local stand-in (moto) stores a lifecycle configuration as it is given: it accepts rules that
S3 refuses and it never moves or deletes an object. This module fills both gaps for the data-lake
chapter, from the rules themselves, the way the Amazon S3 User Guide describes them:

    from mlbook import lifecycle
    lifecycle.validate(configuration)         # raises LifecycleConfigurationError as S3 would
    lifecycle.evaluate(configuration, objects, on=date(2026, 6, 1))   # one row per object

The boto3 call (``put_bucket_lifecycle_configuration``) stays in the notebook; this module only
validates and simulates. It understands prefix filters (``Filter: {"Prefix": ...}`` or an empty
filter) and day-based actions, which is what the chapter uses; other filters and date-based
actions are refused with a message that says so.

Sources (Amazon S3 User Guide and API Reference):
- day counting: https://docs.aws.amazon.com/AmazonS3/latest/userguide/intro-lifecycle-rules.html
- transitions and their constraints:
  https://docs.aws.amazon.com/AmazonS3/latest/userguide/lifecycle-transition-general-considerations.html
- minimum storage durations: https://docs.aws.amazon.com/AmazonS3/latest/userguide/storage-class-intro.html
- Transition.Days: https://docs.aws.amazon.com/AmazonS3/latest/API/API_Transition.html
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

OPERATION = "PutBucketLifecycleConfiguration"

# Storage classes a Transition can name (the S3 API's TransitionStorageClass enumeration).
TRANSITION_CLASSES = (
    "STANDARD_IA",
    "INTELLIGENT_TIERING",
    "ONEZONE_IA",
    "GLACIER_IR",
    "GLACIER",
    "DEEP_ARCHIVE",
)
# Classes S3 will not transition an object into before it is 30 days old.
INFREQUENT_ACCESS = ("STANDARD_IA", "ONEZONE_IA")
MIN_DAYS_BEFORE_IA = 30

# Which class a lifecycle transition may move an object to, from each class (the "waterfall").
ALLOWED_TRANSITIONS = {
    "STANDARD": set(TRANSITION_CLASSES),
    "STANDARD_IA": {"INTELLIGENT_TIERING", "ONEZONE_IA", "GLACIER_IR", "GLACIER", "DEEP_ARCHIVE"},
    "INTELLIGENT_TIERING": {"ONEZONE_IA", "GLACIER_IR", "GLACIER", "DEEP_ARCHIVE"},
    "ONEZONE_IA": {"GLACIER", "DEEP_ARCHIVE"},
    "GLACIER_IR": {"GLACIER", "DEEP_ARCHIVE"},
    "GLACIER": {"DEEP_ARCHIVE"},
    "DEEP_ARCHIVE": set(),
}

# Minimum storage duration in days: an object removed or moved on earlier is billed for the rest.
MIN_STORAGE_DAYS = {
    "STANDARD": 0,
    "INTELLIGENT_TIERING": 0,
    "STANDARD_IA": 30,
    "ONEZONE_IA": 30,
    "GLACIER_IR": 90,
    "GLACIER": 90,
    "DEEP_ARCHIVE": 180,
}

# Since September 2024 a new configuration by default transitions no object under 128 KB
# (TransitionDefaultMinimumObjectSize = all_storage_classes_128K).
DEFAULT_MIN_TRANSITION_BYTES = 128 * 1024

_MALFORMED = (
    "The XML you provided was not well-formed or did not validate against our published schema"
)


class LifecycleConfigurationError(ValueError):
    """A lifecycle configuration S3 would refuse; ``code`` is the error code S3 answers with."""

    def __init__(self, code: str, message: str):
        self.code = code
        self.message = message
        super().__init__(
            f"An error occurred ({code}) when calling the {OPERATION} operation: {message}"
        )


def _prefix(rule: dict) -> str:
    """The rule's key prefix ('' for every object); refuses filters the helper does not model."""
    if "Prefix" in rule and "Filter" not in rule:
        return rule["Prefix"]
    scope = rule.get("Filter")
    if scope is None:
        raise LifecycleConfigurationError("MalformedXML", _MALFORMED)
    if set(scope) - {"Prefix"}:
        raise NotImplementedError(
            f"Rule {rule.get('ID', '?')!r} filters on {sorted(set(scope) - {'Prefix'})}: this "
            "helper models prefix filters only. Use Filter={'Prefix': ...} or an empty Filter."
        )
    return scope.get("Prefix", "")


def _days(action: dict, field: str, rule_id: str) -> int:
    if "Date" in action:
        raise NotImplementedError(
            f"Rule {rule_id!r} uses a Date: this helper models day-based actions only "
            f"('{field}'). Express the action in days."
        )
    if field not in action:
        raise LifecycleConfigurationError("MalformedXML", _MALFORMED)
    value = action[field]
    if isinstance(value, bool) or not isinstance(value, int):
        raise LifecycleConfigurationError("MalformedXML", _MALFORMED)
    return value


def validate(configuration: dict) -> None:
    """Raise LifecycleConfigurationError for a configuration S3 refuses, with S3's code and text.

    ``configuration`` is the ``LifecycleConfiguration`` argument of boto3's
    ``put_bucket_lifecycle_configuration``. Checked: every rule has a Status, a scope and an
    action; transition classes exist; STANDARD_IA and ONEZONE_IA transitions wait at least 30
    days; no class appears twice in one rule; transitions follow the supported order; expiration
    days are positive and later than every transition.
    """
    if not isinstance(configuration, dict) or not configuration.get("Rules"):
        raise LifecycleConfigurationError("MalformedXML", _MALFORMED)
    for rule in configuration["Rules"]:
        rule_id = rule.get("ID", "")
        if rule.get("Status") not in ("Enabled", "Disabled"):
            raise LifecycleConfigurationError("MalformedXML", _MALFORMED)
        prefix = _prefix(rule)
        actions = (
            "Transitions",
            "Expiration",
            "NoncurrentVersionTransitions",
            "NoncurrentVersionExpiration",
            "AbortIncompleteMultipartUpload",
        )
        if not any(rule.get(a) for a in actions):
            raise LifecycleConfigurationError(
                "InvalidRequest", "At least one action needs to be specified in a rule"
            )
        steps = []
        seen = set()
        for transition in rule.get("Transitions", []):
            target = transition.get("StorageClass")
            if target not in TRANSITION_CLASSES:
                raise LifecycleConfigurationError("MalformedXML", _MALFORMED)
            days = _days(transition, "Days", rule_id)
            if days < 0:
                raise LifecycleConfigurationError(
                    "InvalidArgument", "'Days' in Transition action must be nonnegative"
                )
            if target in INFREQUENT_ACCESS and days < MIN_DAYS_BEFORE_IA:
                raise LifecycleConfigurationError(
                    "InvalidArgument",
                    f"'Days' in Transition action must be greater than or equal to "
                    f"{MIN_DAYS_BEFORE_IA} for storageClass '{target}'",
                )
            if target in seen:
                raise LifecycleConfigurationError(
                    "InvalidRequest",
                    "'StorageClass' must be different for 'Transition' actions in same 'Rule'",
                )
            seen.add(target)
            steps.append((days, target))
        current = "STANDARD"
        for days, target in sorted(steps):
            if target not in ALLOWED_TRANSITIONS[current]:
                # S3 refuses this too; the wording of this message is the helper's own.
                raise LifecycleConfigurationError(
                    "InvalidArgument",
                    f"Rule '{rule_id}': no lifecycle transition from {current} to {target} "
                    f"(day {days}); order the transitions down the storage-class waterfall",
                )
            current = target
        expiration = rule.get("Expiration")
        if expiration and "ExpiredObjectDeleteMarker" not in expiration:
            exp_days = _days(expiration, "Days", rule_id)
            if exp_days <= 0:
                raise LifecycleConfigurationError(
                    "InvalidArgument", "'Days' for Expiration action must be a positive integer"
                )
            if steps and exp_days <= max(d for d, _ in steps):
                raise LifecycleConfigurationError(
                    "InvalidArgument",
                    f"'Days' in the Expiration action for filter '(prefix={prefix})' must be "
                    "greater than 'Days' in the Transition action",
                )
        for transition in rule.get("NoncurrentVersionTransitions", []):
            if transition.get("StorageClass") not in TRANSITION_CLASSES:
                raise LifecycleConfigurationError("MalformedXML", _MALFORMED)
            if _days(transition, "NoncurrentDays", rule_id) < 0:
                raise LifecycleConfigurationError(
                    "InvalidArgument",
                    "'NoncurrentDays' in NoncurrentVersionTransition action must be nonnegative",
                )
        noncurrent = rule.get("NoncurrentVersionExpiration")
        if noncurrent and _days(noncurrent, "NoncurrentDays", rule_id) <= 0:
            raise LifecycleConfigurationError(
                "InvalidArgument",
                "'NoncurrentDays' for NoncurrentVersionExpiration action must be a positive integer",
            )
        abort = rule.get("AbortIncompleteMultipartUpload")
        if abort and _days(abort, "DaysAfterInitiation", rule_id) <= 0:
            raise LifecycleConfigurationError(
                "InvalidArgument",
                "'DaysAfterInitiation' for AbortIncompleteMultipartUpload action must be a "
                "positive integer",
            )


def _as_utc(moment) -> datetime:
    if isinstance(moment, datetime):
        if moment.tzinfo is None:
            raise ValueError(
                f"{moment!r} has no time zone: S3 counts lifecycle days in UTC, so pass an aware "
                "datetime (for example datetime(..., tzinfo=timezone.utc))."
            )
        return moment.astimezone(timezone.utc)
    if isinstance(moment, date):
        return datetime.combine(moment, time(), timezone.utc)
    raise TypeError(f"Expected a date or datetime, got {type(moment).__name__}: {moment!r}.")


def due_date(start, days: int) -> datetime:
    """When a ``days``-day action falls due for an object created (or made noncurrent) at ``start``.

    S3 adds the days to the start time and rounds up to the next midnight UTC: an object created
    2014-01-15 10:30 UTC with a 3-day rule is acted on at 2014-01-19 00:00 UTC.
    """
    if isinstance(days, bool) or not isinstance(days, int) or days < 0:
        raise ValueError(f"days must be a whole number of days, 0 or more; got {days!r}.")
    moment = _as_utc(start) + timedelta(days=days)
    midnight = datetime.combine(moment.date(), time(), timezone.utc)
    return midnight + timedelta(days=1)


def evaluate(configuration: dict, objects, on) -> list[dict]:
    """What the configuration has done to each object by (midnight UTC at the start of) ``on``.

    ``objects``: dicts with ``Key``, ``Size`` (bytes) and ``LastModified`` (aware datetime), as
    ``list_objects_v2`` returns them, plus an optional ``NoncurrentSince`` for a noncurrent
    version. Returns one dict per object: Key, AgeDays, StorageClass, Expired, Rule (the rule
    that decided it, or None). Transitions skip objects under 128 KB (S3's default minimum).
    The configuration is validated first.
    """
    validate(configuration)
    when = _as_utc(on)
    rows = []
    for obj in objects:
        for field in ("Key", "Size", "LastModified"):
            if field not in obj:
                raise KeyError(
                    f"Object {obj!r} has no {field!r}: pass the Contents entries of "
                    "list_objects_v2 (Key, Size, LastModified)."
                )
        noncurrent_since = obj.get("NoncurrentSince")
        start = noncurrent_since if noncurrent_since is not None else obj["LastModified"]
        state = {
            "StorageClass": obj.get("StorageClass", "STANDARD"),
            "Expired": False,
            "Rule": None,
        }
        for rule in configuration["Rules"]:
            if rule["Status"] != "Enabled" or not obj["Key"].startswith(_prefix(rule)):
                continue
            if noncurrent_since is None:
                transitions = [(t["Days"], t["StorageClass"]) for t in rule.get("Transitions", [])]
                expiration = rule.get("Expiration", {}).get("Days")
            else:
                transitions = [
                    (t["NoncurrentDays"], t["StorageClass"])
                    for t in rule.get("NoncurrentVersionTransitions", [])
                ]
                expiration = rule.get("NoncurrentVersionExpiration", {}).get("NoncurrentDays")
            if expiration is not None and due_date(start, expiration) <= when:
                state = {
                    "StorageClass": state["StorageClass"],
                    "Expired": True,
                    "Rule": rule.get("ID"),
                }
                break
            if obj["Size"] < DEFAULT_MIN_TRANSITION_BYTES:
                continue
            for days, target in sorted(transitions):
                if due_date(start, days) <= when:
                    state = {"StorageClass": target, "Expired": False, "Rule": rule.get("ID")}
        age = (when - _as_utc(obj["LastModified"])).total_seconds() / 86400
        rows.append({"Key": obj["Key"], "AgeDays": int(age), **state})
    return rows


def billed_days(storage_class: str, days_stored: int) -> int:
    """Days of storage billed for an object kept ``days_stored`` days in ``storage_class``.

    Deleting, overwriting or transitioning an object before the class's minimum storage duration
    is billed as if it had stayed the minimum (a pro-rated early-deletion charge).
    """
    if storage_class not in MIN_STORAGE_DAYS:
        raise ValueError(
            f"Unknown storage class {storage_class!r}; expected one of {sorted(MIN_STORAGE_DAYS)}."
        )
    if isinstance(days_stored, bool) or not isinstance(days_stored, int) or days_stored < 0:
        raise ValueError(
            f"days_stored must be a whole number of days, 0 or more; got {days_stored!r}."
        )
    return max(days_stored, MIN_STORAGE_DAYS[storage_class])
