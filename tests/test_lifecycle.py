"""mlbook.lifecycle: S3 Lifecycle validation with S3's error codes, and the day-by-day simulation."""

import copy
from datetime import date, datetime, timezone

import pytest

from mlbook import lifecycle
from mlbook.data import load_yaml
from mlbook.lifecycle import LifecycleConfigurationError

UTC = timezone.utc
GOOD = {
    "Rules": [
        {
            "ID": "raw-to-archive",
            "Filter": {"Prefix": "raw/"},
            "Status": "Enabled",
            "Transitions": [
                {"Days": 30, "StorageClass": "STANDARD_IA"},
                {"Days": 90, "StorageClass": "GLACIER_IR"},
                {"Days": 180, "StorageClass": "DEEP_ARCHIVE"},
            ],
            "Expiration": {"Days": 730},
            "NoncurrentVersionTransitions": [{"NoncurrentDays": 30, "StorageClass": "GLACIER"}],
            "NoncurrentVersionExpiration": {"NoncurrentDays": 90},
            "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 7},
        }
    ]
}
BIG = 1024 * 1024


def _with(**changes):
    config = copy.deepcopy(GOOD)
    config["Rules"][0].update(changes)
    return config


def _rejects(config, code, text):
    with pytest.raises(LifecycleConfigurationError) as info:
        lifecycle.validate(config)
    assert info.value.code == code
    assert text in info.value.message
    assert str(info.value).startswith(
        f"An error occurred ({code}) when calling the PutBucketLifecycleConfiguration"
    )


def test_valid_configuration_passes():
    lifecycle.validate(GOOD)


def test_standard_ia_before_30_days_is_invalid_argument():
    config = _with(Transitions=[{"Days": 10, "StorageClass": "STANDARD_IA"}])
    _rejects(
        config,
        "InvalidArgument",
        "'Days' in Transition action must be greater than or equal to 30 for storageClass 'STANDARD_IA'",
    )


def test_onezone_ia_before_30_days_is_invalid_argument():
    _rejects(
        _with(Transitions=[{"Days": 29, "StorageClass": "ONEZONE_IA"}]),
        "InvalidArgument",
        "'ONEZONE_IA'",
    )


def test_glacier_on_day_zero_is_allowed():
    lifecycle.validate(
        _with(Transitions=[{"Days": 0, "StorageClass": "GLACIER"}], Expiration={"Days": 1})
    )


def test_negative_transition_days():
    _rejects(
        _with(Transitions=[{"Days": -1, "StorageClass": "GLACIER"}]),
        "InvalidArgument",
        "nonnegative",
    )


def test_duplicate_class_in_rule():
    config = _with(
        Transitions=[
            {"Days": 30, "StorageClass": "GLACIER"},
            {"Days": 60, "StorageClass": "GLACIER"},
        ]
    )
    _rejects(config, "InvalidRequest", "'StorageClass' must be different")


def test_unknown_class_is_malformed():
    _rejects(
        _with(Transitions=[{"Days": 30, "StorageClass": "STANDARD"}]),
        "MalformedXML",
        "not well-formed",
    )


def test_transition_against_the_waterfall():
    config = _with(
        Transitions=[
            {"Days": 60, "StorageClass": "GLACIER"},
            {"Days": 90, "StorageClass": "STANDARD_IA"},
        ]
    )
    _rejects(config, "InvalidArgument", "no lifecycle transition from GLACIER to STANDARD_IA")


def test_onezone_ia_cannot_go_to_glacier_ir():
    config = _with(
        Transitions=[
            {"Days": 30, "StorageClass": "ONEZONE_IA"},
            {"Days": 90, "StorageClass": "GLACIER_IR"},
        ]
    )
    _rejects(config, "InvalidArgument", "from ONEZONE_IA to GLACIER_IR")


def test_expiration_not_after_last_transition():
    _rejects(
        _with(Expiration={"Days": 180}),
        "InvalidArgument",
        "'Days' in the Expiration action for filter '(prefix=raw/)' must be greater than 'Days' in the Transition action",
    )


def test_expiration_days_must_be_positive():
    _rejects(
        _with(Transitions=[], Expiration={"Days": 0}),
        "InvalidArgument",
        "must be a positive integer",
    )


def test_noncurrent_and_abort_days():
    _rejects(
        _with(NoncurrentVersionExpiration={"NoncurrentDays": 0}),
        "InvalidArgument",
        "NoncurrentDays",
    )
    _rejects(
        _with(AbortIncompleteMultipartUpload={"DaysAfterInitiation": 0}),
        "InvalidArgument",
        "DaysAfterInitiation",
    )
    bad = _with(NoncurrentVersionTransitions=[{"NoncurrentDays": -2, "StorageClass": "GLACIER"}])
    _rejects(bad, "InvalidArgument", "nonnegative")
    bad = _with(NoncurrentVersionTransitions=[{"NoncurrentDays": 2, "StorageClass": "TAPE"}])
    _rejects(bad, "MalformedXML", "not well-formed")


def test_rule_shape_problems():
    _rejects({"Rules": []}, "MalformedXML", "not well-formed")
    _rejects(_with(Status="On"), "MalformedXML", "not well-formed")
    no_scope = copy.deepcopy(GOOD)
    del no_scope["Rules"][0]["Filter"]
    _rejects(no_scope, "MalformedXML", "not well-formed")
    empty = {"Rules": [{"ID": "x", "Filter": {}, "Status": "Enabled"}]}
    _rejects(empty, "InvalidRequest", "At least one action")
    _rejects(_with(Expiration={"Days": "ten"}, Transitions=[]), "MalformedXML", "not well-formed")


def test_unsupported_filters_and_dates_are_named():
    with pytest.raises(NotImplementedError, match="prefix filters only"):
        lifecycle.validate(_with(Filter={"Tag": {"Key": "a", "Value": "b"}}))
    with pytest.raises(NotImplementedError, match="day-based actions only"):
        lifecycle.validate(_with(Expiration={"Date": datetime(2030, 1, 1, tzinfo=UTC)}))


def test_due_date_matches_the_user_guide_example():
    created = datetime(2014, 1, 15, 10, 30, tzinfo=UTC)
    assert lifecycle.due_date(created, 3) == datetime(2014, 1, 19, tzinfo=UTC)


def test_due_date_rejects_naive_and_bad_days():
    with pytest.raises(ValueError, match="no time zone"):
        lifecycle.due_date(datetime(2014, 1, 15), 3)
    with pytest.raises(ValueError, match="whole number"):
        lifecycle.due_date(date(2014, 1, 15), -1)
    with pytest.raises(TypeError, match="date or datetime"):
        lifecycle.due_date("2014-01-15", 1)


def _obj(key, created, size=BIG, **extra):
    return {"Key": key, "Size": size, "LastModified": created, **extra}


def test_evaluate_walks_down_the_waterfall_and_expires():
    created = datetime(2026, 1, 10, 12, tzinfo=UTC)
    obj = [_obj("raw/a.csv", created)]

    def state(day):
        return lifecycle.evaluate(GOOD, obj, on=day)[0]

    assert state(date(2026, 2, 9))["StorageClass"] == "STANDARD"  # day 30 is due 2026-02-10
    assert state(date(2026, 2, 10))["StorageClass"] == "STANDARD_IA"
    assert state(date(2026, 4, 11))["StorageClass"] == "GLACIER_IR"
    assert state(date(2026, 7, 10))["StorageClass"] == "DEEP_ARCHIVE"
    gone = state(date(2028, 1, 11))
    assert gone["Expired"] and gone["Rule"] == "raw-to-archive"


def test_evaluate_respects_prefix_size_and_status():
    created = datetime(2026, 1, 1, tzinfo=UTC)
    later = date(2026, 6, 1)
    rows = lifecycle.evaluate(
        GOOD,
        [_obj("curated/a.parquet", created), _obj("raw/small.json", created, size=1000)],
        on=later,
    )
    assert [r["StorageClass"] for r in rows] == ["STANDARD", "STANDARD"]
    assert rows[0]["Rule"] is None and rows[0]["AgeDays"] == 151
    disabled = _with(Status="Disabled")
    assert (
        lifecycle.evaluate(disabled, [_obj("raw/a", created)], on=later)[0]["StorageClass"]
        == "STANDARD"
    )


def test_evaluate_noncurrent_versions_count_from_when_they_became_noncurrent():
    created = datetime(2025, 1, 1, tzinfo=UTC)
    replaced = datetime(2026, 1, 1, 8, tzinfo=UTC)
    old = _obj("raw/a.csv", created, NoncurrentSince=replaced)
    assert lifecycle.evaluate(GOOD, [old], on=date(2026, 2, 1))[0]["StorageClass"] == "GLACIER"
    assert lifecycle.evaluate(GOOD, [old], on=date(2026, 4, 2))[0]["Expired"]


def test_evaluate_needs_list_objects_fields():
    with pytest.raises(KeyError, match="LastModified"):
        lifecycle.evaluate(GOOD, [{"Key": "raw/a", "Size": 1}], on=date(2026, 1, 1))


def test_billed_days_applies_minimum_storage_duration():
    assert lifecycle.billed_days("GLACIER", 10) == 90
    assert lifecycle.billed_days("DEEP_ARCHIVE", 200) == 200
    assert lifecycle.billed_days("STANDARD", 1) == 1
    with pytest.raises(ValueError, match="Unknown storage class"):
        lifecycle.billed_days("TAPE", 1)
    with pytest.raises(ValueError, match="whole number"):
        lifecycle.billed_days("GLACIER", -3)


def test_constants_agree_with_the_service_limits_file():
    limits = {row["id"]: row for row in load_yaml("service_limits.yaml")}
    ids = {
        "STANDARD_IA": "s3-standard-ia-min-storage-duration",
        "ONEZONE_IA": "s3-onezone-ia-min-storage-duration",
        "GLACIER_IR": "s3-glacier-ir-min-storage-duration",
        "GLACIER": "s3-glacier-flexible-min-storage-duration",
        "DEEP_ARCHIVE": "s3-deep-archive-min-storage-duration",
    }
    for storage_class, row_id in ids.items():
        assert limits[row_id]["value"] == lifecycle.MIN_STORAGE_DAYS[storage_class], row_id
    assert limits["s3-lifecycle-ia-min-transition-days"]["value"] == lifecycle.MIN_DAYS_BEFORE_IA
    assert (
        limits["s3-lifecycle-min-transition-object-size"]["value"] * 1024
        == lifecycle.DEFAULT_MIN_TRANSITION_BYTES
    )


def test_transition_classes_match_the_s3_api():
    import boto3

    shape = boto3.session.Session(region_name="us-east-1").client("s3").meta.service_model
    assert set(shape.shape_for("TransitionStorageClass").enum) == set(lifecycle.TRANSITION_CLASSES)
