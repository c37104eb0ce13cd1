"""mlbook.firehose delivers to S3 as Firehose does: buffering, transform, GZIP, Parquet, keys, errors."""

import base64
import gzip
import io
import json

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from mlbook import aws
from mlbook import firehose as fs
from mlbook.data import load_yaml

pytestmark = pytest.mark.usefixtures("clean_aws")
ROLE = "arn:aws:iam::123456789012:role/book-firehose"
LAMBDA = "arn:aws:lambda:us-east-1:123456789012:function:book-filter"
COLUMNS = [
    {"Name": "event_id", "Type": "string"},
    {"Name": "clicks", "Type": "bigint"},
    {"Name": "price", "Type": "double"},
]


@pytest.fixture
def env():
    env = aws.start(quiet=True)
    env.client("s3").create_bucket(Bucket="book-firehose")
    return env


def _stream(env, name="book-stream", **config):
    base = {"RoleARN": ROLE, "BucketARN": "arn:aws:s3:::book-firehose"}
    firehose = env.client("firehose")
    firehose.create_delivery_stream(
        DeliveryStreamName=name,
        DeliveryStreamType="DirectPut",
        ExtendedS3DestinationConfiguration={**base, **config},
    )
    return firehose.describe_delivery_stream(DeliveryStreamName=name)["DeliveryStreamDescription"]


def _sim(env, transform=None, **config):
    return fs.DeliverySimulation.from_description(
        _stream(env, **config), env.client("s3"), transform=transform
    )


def _body(env, key):
    return env.client("s3").get_object(Bucket="book-firehose", Key=key)["Body"].read()


def _records(n, size=100, start=0):
    return [
        {"Data": json.dumps({"i": start + i, "pad": "x" * size}).encode() + b"\n"} for i in range(n)
    ]


def test_limits_come_from_the_data_file():
    rows = {row["id"]: row for row in load_yaml("service_limits.yaml")}
    assert fs.MAX_RECORDS_PER_BATCH == rows["firehose-batch-max-records"]["value"] == 500
    assert fs.MAX_RECORD_BYTES == rows["firehose-record-max-size"]["value"] == 1_024_000
    assert fs.SIZE_RANGE == (1, 128) and fs.INTERVAL_RANGE == (0, 900)
    assert fs.DEFAULT_HINTS == {"SizeInMBs": 5, "IntervalInSeconds": 300}
    assert fs.TRANSFORM_RESULTS == ("Ok", "Dropped", "ProcessingFailed")


# --- rejections ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "hints,field",
    [
        ({"SizeInMBs": 129, "IntervalInSeconds": 60}, "sizeInMBs"),
        ({"SizeInMBs": 5, "IntervalInSeconds": 901}, "intervalInSeconds"),
    ],
)
def test_buffering_hints_out_of_range_are_rejected(env, hints, field):
    # moto stores any value; CreateDeliveryStream in AWS rejects it
    description = _stream(env, BufferingHints=hints)
    with pytest.raises(fs.ValidationException, match=field) as raised:
        fs.DeliverySimulation.from_description(description, env.client("s3"))
    assert raised.value.code == "ValidationException"


def test_hints_below_the_minimum_and_half_given_hints_are_rejected():
    config = {
        "BucketARN": "arn:aws:s3:::b",
        "BufferingHints": {"SizeInMBs": 0, "IntervalInSeconds": 0},
    }
    with pytest.raises(fs.ValidationException, match="greater than or equal to 1"):
        fs.check_extended_s3_configuration(config)
    with pytest.raises(fs.InvalidArgumentException, match="give both or neither"):
        fs.check_extended_s3_configuration(
            {"BucketARN": "arn:aws:s3:::b", "BufferingHints": {"SizeInMBs": 5}}
        )


def test_zero_interval_is_allowed_and_delivers_each_call_at_once(env):
    sim = _sim(env, BufferingHints={"SizeInMBs": 1, "IntervalInSeconds": 0})
    sim.put_record_batch(_records(3), at=1)
    sim.put_record_batch(_records(2, start=3), at=2)
    assert [(d.records, d.delivered_at) for d in sim.deliveries] == [(3, 1), (2, 2)]


def test_more_than_500_records_is_a_validation_exception(env):
    sim = _sim(env)
    with pytest.raises(fs.ValidationException, match="less than or equal to 500"):
        sim.put_record_batch(_records(501, size=1), at=0)
    sim.put_record_batch(_records(500, size=1), at=0)  # the limit itself is fine


def test_a_record_over_1000_kib_is_a_validation_exception(env):
    sim = _sim(env)
    sim.put_record_batch([{"Data": b"a" * 1_024_000}], at=0)
    with pytest.raises(fs.ValidationException, match="1024000"):
        sim.put_record_batch([{"Data": b"a" * 1_024_001}], at=0)


def test_a_batch_over_4_mib_is_an_invalid_argument(env):
    sim = _sim(env)
    with pytest.raises(fs.InvalidArgumentException, match="4 MB"):
        sim.put_record_batch([{"Data": b"a" * 1_000_000}] * 5, at=0)


def test_empty_or_malformed_batches_are_rejected(env):
    sim = _sim(env)
    with pytest.raises(fs.ValidationException, match="greater than or equal to 1"):
        sim.put_record_batch([], at=0)
    with pytest.raises(fs.ValidationException, match="'Data'"):
        sim.put_record_batch([{"data": b"x"}], at=0)
    with pytest.raises(fs.ValidationException, match="bytes"):
        sim.put_record_batch([{"Data": 5}], at=0)


def test_the_clock_cannot_go_back(env):
    sim = _sim(env)
    sim.put_record_batch(_records(1), at=10)
    with pytest.raises(ValueError, match="cannot go back"):
        sim.put_record_batch(_records(1), at=5)


def test_conversion_with_s3_compression_or_a_small_buffer_is_rejected():
    conversion = {
        "Enabled": True,
        "SchemaConfiguration": {"DatabaseName": "db", "TableName": "t", "RoleARN": ROLE},
        "InputFormatConfiguration": {"Deserializer": {"OpenXJsonSerDe": {}}},
        "OutputFormatConfiguration": {"Serializer": {"ParquetSerDe": {}}},
    }
    config = {
        "BucketARN": "arn:aws:s3:::b",
        "BufferingHints": {"SizeInMBs": 64, "IntervalInSeconds": 60},
        "DataFormatConversionConfiguration": conversion,
    }
    assert fs.check_extended_s3_configuration(config)["SizeInMBs"] == 64
    with pytest.raises(fs.InvalidArgumentException, match="must be set to UNCOMPRESSED"):
        fs.check_extended_s3_configuration({**config, "CompressionFormat": "GZIP"})
    small = {**config, "BufferingHints": {"SizeInMBs": 5, "IntervalInSeconds": 60}}
    with pytest.raises(fs.InvalidArgumentException, match="at least 64"):
        fs.check_extended_s3_configuration(small)
    broken = {**config, "DataFormatConversionConfiguration": {"Enabled": True}}
    with pytest.raises(fs.InvalidArgumentException, match="lacks SchemaConfiguration"):
        fs.check_extended_s3_configuration(broken)


def test_unsimulated_settings_say_so(env):
    with pytest.raises(fs.NotSimulatedError, match="ZIP"):
        _sim(env, CompressionFormat="ZIP")


def test_transform_and_lambda_configuration_must_match(env):
    with pytest.raises(ValueError, match="no enabled Lambda processor"):
        _sim(env, transform=lambda event, context: event)
    processing = {
        "Enabled": True,
        "Processors": [
            {
                "Type": "Lambda",
                "Parameters": [{"ParameterName": "LambdaArn", "ParameterValue": LAMBDA}],
            }
        ],
    }
    with pytest.raises(ValueError, match="pass transform="):
        _sim(env, name="with-lambda", ProcessingConfiguration=processing)


# --- buffering ------------------------------------------------------------------------------------


def test_size_reached_first_delivers_before_the_interval(env):
    sim = _sim(env, BufferingHints={"SizeInMBs": 1, "IntervalInSeconds": 900})
    record = [{"Data": b"a" * 100_000}]
    for second in range(12):
        sim.put_record_batch(record, at=second)
    # 11 records of 100,000 bytes reach 1 MiB (1,048,576) at second 10, long before 900 s
    assert [(d.trigger, d.records, d.delivered_at) for d in sim.deliveries] == [("size", 11, 10)]
    assert sim.deliveries[0].raw_bytes >= fs.MIB
    sim.flush()
    assert [(d.trigger, d.records, d.delivered_at) for d in sim.deliveries[1:]] == [
        ("interval", 1, 911)
    ]


def test_interval_reached_first_delivers_small_objects(env):
    sim = _sim(env, BufferingHints={"SizeInMBs": 128, "IntervalInSeconds": 60})
    for second in range(0, 300, 10):
        sim.put_record_batch(_records(2, start=second), at=second)
    sim.flush()
    # the interval counts from the first record in each buffer: 0, 60, 120, 180, 240
    assert [d.first_arrival for d in sim.deliveries] == [0, 60, 120, 180, 240]
    assert [d.delivered_at for d in sim.deliveries] == [60, 120, 180, 240, 300]
    assert all(d.trigger == "interval" and d.records == 12 for d in sim.deliveries)


def test_advance_to_delivers_only_what_is_due(env):
    sim = _sim(env, BufferingHints={"SizeInMBs": 5, "IntervalInSeconds": 120})
    sim.put_record_batch(_records(1), at=30)
    assert sim.advance_to(149) == []
    assert [d.delivered_at for d in sim.advance_to(150)] == [150]


def test_uncompressed_objects_concatenate_records_without_delimiters(env):
    sim = _sim(env, BufferingHints={"SizeInMBs": 1, "IntervalInSeconds": 60})
    sim.put_record_batch([{"Data": b"ab"}, {"Data": "cd"}], at=0)
    sim.flush()
    assert _body(env, sim.deliveries[0].key) == b"abcd"


# --- compression, conversion, keys ---------------------------------------------------------------


def test_gzip_round_trip_is_exact_and_reproducible(env):
    sent = _records(300, size=200)
    sizes = []
    for name in ("gzip-a", "gzip-b"):
        sim = fs.DeliverySimulation.from_description(
            _stream(env, name=name, CompressionFormat="GZIP", FileExtension=".json.gz"),
            env.client("s3"),
        )
        sim.put_record_batch(sent, at=0)
        sim.flush()
        (delivery,) = sim.deliveries
        body = _body(env, delivery.key)
        assert gzip.decompress(body) == b"".join(r["Data"] for r in sent)
        assert delivery.size == len(body) < delivery.raw_bytes
        assert delivery.key.endswith(".json.gz")
        sizes.append(delivery.size)
    assert sizes[0] == sizes[1]


def test_parquet_conversion_uses_the_glue_schema(env):
    glue = env.client("glue")
    glue.create_database(DatabaseInput={"Name": "book_db"})
    glue.create_table(
        DatabaseName="book_db",
        TableInput={"Name": "clicks", "StorageDescriptor": {"Columns": COLUMNS}},
    )
    description = _stream(
        env,
        BufferingHints={"SizeInMBs": 64, "IntervalInSeconds": 300},
        DataFormatConversionConfiguration={
            "Enabled": True,
            "SchemaConfiguration": {
                "DatabaseName": "book_db",
                "TableName": "clicks",
                "RoleARN": ROLE,
            },
            "InputFormatConfiguration": {"Deserializer": {"OpenXJsonSerDe": {}}},
            "OutputFormatConfiguration": {"Serializer": {"ParquetSerDe": {}}},
        },
    )
    with pytest.raises(ValueError, match="glue_client="):
        fs.DeliverySimulation.from_description(description, env.client("s3"))
    sim = fs.DeliverySimulation.from_description(description, env.client("s3"), glue_client=glue)
    sim.put_record_batch(
        [
            {"Data": b'{"event_id": "a", "clicks": 1, "price": 2.5, "extra": true}'},
            {"Data": b'{"event_id": "b", "clicks": 2}{"event_id": "c", "clicks": 3, "price": 1}'},
            {"Data": b"not json"},
        ],
        at=0,
    )
    sim.flush()
    data, failed = sim.deliveries
    table = pq.read_table(io.BytesIO(_body(env, data.key)))
    assert table.schema == pa.schema(
        [("event_id", pa.string()), ("clicks", pa.int64()), ("price", pa.float64())]
    )
    assert table.to_pylist() == [
        {"event_id": "a", "clicks": 1, "price": 2.5},
        {"event_id": "b", "clicks": 2, "price": None},
        {"event_id": "c", "clicks": 3, "price": 1.0},
    ]
    assert data.records == 3
    assert (
        pq.ParquetFile(io.BytesIO(_body(env, data.key))).metadata.row_group(0).column(0).compression
        == "SNAPPY"
    )
    assert failed.kind == "format-conversion-failed" and "format-conversion-failed/" in failed.key
    document = json.loads(_body(env, failed.key))
    assert base64.b64decode(document["rawData"]) == b"not json"


def test_schema_can_be_passed_in_and_unknown_types_are_named():
    with pytest.raises(fs.NotSimulatedError, match="array<string>"):
        fs._arrow_schema([{"Name": "tags", "Type": "array<string>"}])
    assert fs._arrow_schema(COLUMNS).names == ["event_id", "clicks", "price"]


def test_keys_use_the_utc_hour_of_the_oldest_record(env):
    sim = _sim(env, BufferingHints={"SizeInMBs": 5, "IntervalInSeconds": 120}, Prefix="clicks/")
    sim.put_record_batch(_records(1), at=250)  # start is 09:55:00 UTC, so 09:59:10
    sim.put_record_batch(_records(1), at=320)  # 10:00:20, same buffer
    sim.flush()
    (delivery,) = sim.deliveries
    assert delivery.key == "clicks/2025/01/15/09/book-stream-1-2025-01-15-10-01-10-000001"


def test_custom_prefix_expressions_are_evaluated(env):
    sim = _sim(env, Prefix="year=!{timestamp:yyyy}/hour=!{timestamp:HH}/")
    sim.put_record_batch(_records(1), at=0)
    sim.flush()
    assert sim.deliveries[0].key.startswith("year=2025/hour=09/book-stream-1-")


# --- transform ------------------------------------------------------------------------------------


def _transform_stream(env, transform, **config):
    processing = {
        "Enabled": True,
        "Processors": [
            {
                "Type": "Lambda",
                "Parameters": [{"ParameterName": "LambdaArn", "ParameterValue": LAMBDA}],
            }
        ],
    }
    return _sim(
        env,
        transform=transform,
        ProcessingConfiguration=processing,
        ErrorOutputPrefix="errors/!{firehose:error-output-type}/",
        **config,
    )


def handler(event, context):
    out = []
    for record in event["records"]:
        doc = json.loads(base64.b64decode(record["data"]))
        if doc["i"] % 3 == 0:
            out.append({"recordId": record["recordId"], "result": "Dropped"})
        elif doc["i"] % 3 == 1:
            data = base64.b64encode(json.dumps({"i": doc["i"]}).encode() + b"\n").decode()
            out.append({"recordId": record["recordId"], "result": "Ok", "data": data})
        else:
            out.append({"recordId": record["recordId"], "result": "ProcessingFailed"})
    return {"records": out}


def test_dropped_records_vanish_and_failed_ones_go_to_the_error_prefix(env):
    sim = _transform_stream(env, handler)
    sim.put_record_batch(_records(9), at=0)
    sim.flush()
    data, failed = sim.deliveries
    assert [json.loads(line)["i"] for line in _body(env, data.key).splitlines()] == [1, 4, 7]
    assert failed.key.startswith("errors/processing-failed/") and failed.records == 3
    documents = [json.loads(line) for line in _body(env, failed.key).splitlines()]
    assert [json.loads(base64.b64decode(d["rawData"]))["i"] for d in documents] == [2, 5, 8]
    assert {d["lambdaArn"] for d in documents} == {LAMBDA}


@pytest.mark.parametrize(
    "answer,message",
    [
        (lambda r: {"result": "Ok", "data": r["data"]}, "no recordId"),
        (lambda r: {"recordId": r["recordId"], "result": "OK", "data": r["data"]}, "case matters"),
        (
            lambda r: {"recordId": "someone-else", "result": "Ok", "data": r["data"]},
            "not in the invocation",
        ),
        (lambda r: {"recordId": r["recordId"], "result": "Ok", "data": "%%%"}, "not base64"),
    ],
)
def test_transform_answers_that_break_the_contract_are_rejected(env, answer, message):
    sim = _transform_stream(
        env, lambda event, context: {"records": [answer(r) for r in event["records"]]}
    )
    with pytest.raises(fs.TransformContractError, match=message):
        sim.put_record_batch(_records(2), at=0)


def test_a_transform_must_return_every_record(env):
    sim = _transform_stream(
        env,
        lambda event, context: {
            "records": [{"recordId": event["records"][0]["recordId"], "result": "Dropped"}]
        },
    )
    with pytest.raises(fs.TransformContractError, match="not returned"):
        sim.put_record_batch(_records(2), at=0)
