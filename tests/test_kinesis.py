"""mlbook.kinesis: the per-shard limits of a provisioned stream, and AWS's rejections of bad input."""

import pytest
from botocore.exceptions import ClientError, ParamValidationError

from mlbook import kinesis
from mlbook.data import load_yaml

MIB = kinesis.MIB


def _code(raised):
    return raised.value.response["Error"]["Code"]


def _records(n, size=10, key="k"):
    return [{"Data": b"x" * size, "PartitionKey": key} for _ in range(n)]


def test_default_limits_match_the_service_limits_file():
    rows = {row["id"]: row for row in load_yaml("service_limits.yaml")}
    limits = kinesis.ShardLimits()
    assert rows["kinesis-shard-write-records"]["value"] == limits.write_records_per_second
    assert rows["kinesis-shard-write-mib"]["value"] * MIB == limits.write_bytes_per_second
    assert rows["kinesis-shard-read-mib"]["value"] * MIB == limits.read_bytes_per_second
    assert rows["kinesis-shard-read-calls"]["value"] == limits.read_calls_per_second
    assert rows["kinesis-record-max-default-mib"]["value"] * MIB == limits.max_record_bytes
    assert rows["kinesis-partition-key-max"]["value"] == limits.max_partition_key_length
    assert rows["kinesis-put-records-max-records"]["value"] == limits.max_records_per_put_records
    assert rows["kinesis-put-records-max-mib"]["value"] * MIB == limits.max_bytes_per_put_records
    assert rows["kinesis-get-records-max-mib"]["value"] * MIB == limits.max_bytes_per_get_records
    assert rows["kinesis-get-records-max-records"]["value"] == limits.max_records_per_get_records


def test_routing_follows_md5_of_the_partition_key():
    stream = kinesis.ProvisionedStream("s", shard_count=4)
    ranges = kinesis.uniform_hash_ranges(4)
    assert ranges[0][0] == 0 and ranges[-1][1] == 2**128 - 1
    assert all(a[1] + 1 == b[0] for a, b in zip(ranges, ranges[1:]))
    for key in ("alice", "bob", "sensor-17"):
        index = next(i for i, (lo, hi) in enumerate(ranges) if lo <= kinesis.hash_key(key) <= hi)
        assert stream.put_record(Data=b"x", PartitionKey=key)["ShardId"] == f"shardId-{index:012d}"
    assert stream.shard_for("any", explicit_hash_key=str(2**128 - 1)) == "shardId-000000000003"


def test_one_thousand_records_in_a_second_pass_and_the_next_fails():
    stream = kinesis.ProvisionedStream("s")
    for _ in range(2):
        assert stream.put_records(Records=_records(500))["FailedRecordCount"] == 0
    with pytest.raises(ClientError) as raised:
        stream.put_record(Data=b"x", PartitionKey="k")
    assert _code(raised) == "ProvisionedThroughputExceededException"
    assert raised.value.operation_name == "PutRecord"
    assert "Rate exceeded for shard shardId-000000000000 in stream s" in str(raised.value)


def test_budget_refills_in_the_next_second():
    stream = kinesis.ProvisionedStream("s")
    stream.put_records(Records=_records(500))
    stream.put_records(Records=_records(500))
    stream.clock.sleep(0.999)  # still second 0
    assert stream.put_records(Records=_records(1))["FailedRecordCount"] == 1
    stream.clock.sleep(0.001)  # second 1
    assert stream.put_records(Records=_records(500))["FailedRecordCount"] == 0


def test_one_mib_per_second_by_bytes():
    stream = kinesis.ProvisionedStream("s")
    key = "k"
    chunk = MIB // 4 - len(key)  # four records of exactly 1/4 MiB each
    for _ in range(4):
        stream.put_record(Data=b"a" * chunk, PartitionKey=key)
    with pytest.raises(ClientError) as raised:
        stream.put_record(Data=b"a", PartitionKey=key)
    assert _code(raised) == "ProvisionedThroughputExceededException"
    stream.clock.sleep(1)
    assert stream.put_record(Data=b"a", PartitionKey=key)["ShardId"] == "shardId-000000000000"


def test_put_records_reports_partial_failures_and_keeps_the_successes():
    stream = kinesis.ProvisionedStream("s", shard_count=1)
    for _ in range(2):
        assert stream.put_records(Records=_records(500))["FailedRecordCount"] == 0
    response = stream.put_records(Records=_records(3))
    assert response["FailedRecordCount"] == 3
    stream.clock.sleep(1)
    for _ in range(2):
        assert stream.put_records(Records=_records(400))["FailedRecordCount"] == 0
    mixed = stream.put_records(Records=_records(300))
    assert mixed["FailedRecordCount"] == 100
    ok = [r for r in mixed["Records"] if "ErrorCode" not in r]
    bad = [r for r in mixed["Records"] if "ErrorCode" in r]
    assert len(ok) == 200 and all({"ShardId", "SequenceNumber"} == set(r) for r in ok)
    assert all(r["ErrorCode"] == "ProvisionedThroughputExceededException" for r in bad)
    assert all(r["ErrorMessage"].startswith("Rate exceeded for shard") for r in bad)
    assert len(mixed["Records"]) == 300, "one result per request record, in order"


def test_throttling_is_per_shard():
    stream = kinesis.ProvisionedStream("s", shard_count=2)
    keys = {}
    i = 0
    while len(keys) < 2:  # one partition key for each shard
        keys.setdefault(stream.shard_for(f"key-{i}"), f"key-{i}")
        i += 1
    hot, cold = keys.values()
    for _ in range(2):
        stream.put_records(Records=_records(500, key=hot))
    assert stream.put_records(Records=_records(1, key=hot))["FailedRecordCount"] == 1
    assert stream.put_records(Records=_records(500, key=cold))["FailedRecordCount"] == 0


def test_record_over_one_mib_is_rejected():
    stream = kinesis.ProvisionedStream("s")
    stream.put_record(Data=b"a" * (MIB - 1), PartitionKey="k")
    stream.clock.sleep(1)
    with pytest.raises(ClientError) as raised:
        stream.put_record(Data=b"a" * MIB, PartitionKey="k")  # MiB + 1 byte with the key
    assert _code(raised) == "ValidationException"
    assert "less than or equal to 1048576" in str(raised.value)
    with pytest.raises(ClientError) as raised:
        stream.put_records(Records=[{"Data": b"a" * MIB, "PartitionKey": "k"}])
    assert _code(raised) == "ValidationException" and "records.1.member.data" in str(raised.value)


def test_partition_key_longer_than_256_characters_is_rejected():
    stream = kinesis.ProvisionedStream("s")
    stream.put_record(Data=b"x", PartitionKey="p" * 256)
    with pytest.raises(ClientError) as raised:
        stream.put_record(Data=b"x", PartitionKey="p" * 257)
    assert _code(raised) == "ValidationException"
    assert "partitionKey" in str(raised.value) and "256" in str(raised.value)


@pytest.mark.parametrize("key", ["", None])
def test_empty_partition_key_is_rejected_by_the_sdk(key):
    stream = kinesis.ProvisionedStream("s")
    with pytest.raises(ParamValidationError, match="PartitionKey.*valid min length: 1"):
        stream.put_record(Data=b"x", PartitionKey=key)


def test_more_than_500_records_in_one_call_is_rejected():
    stream = kinesis.ProvisionedStream("s", shard_count=2)
    with pytest.raises(ClientError) as raised:
        stream.put_records(Records=_records(501))
    assert _code(raised) == "ValidationException"
    assert "less than or equal to 500" in str(raised.value)
    with pytest.raises(ParamValidationError, match="Records"):
        stream.put_records(Records=[])


def test_put_records_over_ten_mib_in_total_is_rejected():
    stream = kinesis.ProvisionedStream("s", shard_count=20)
    records = [{"Data": b"a" * (MIB - 8), "PartitionKey": f"k{i}"} for i in range(11)]
    with pytest.raises(ClientError) as raised:
        stream.put_records(Records=records)
    assert _code(raised) == "InvalidArgumentException" and "10 MiB" in str(raised.value)
    assert stream.put_records(Records=records[:10])["FailedRecordCount"] >= 0


def test_merging_shards_that_are_not_adjacent_is_rejected():
    stream = kinesis.ProvisionedStream("s", shard_count=3)
    with pytest.raises(ClientError) as raised:
        stream.merge_shards(
            ShardToMerge="shardId-000000000000", AdjacentShardToMerge="shardId-000000000002"
        )
    assert _code(raised) == "InvalidArgumentException" and "not adjacent" in str(raised.value)
    with pytest.raises(ClientError) as raised:
        stream.merge_shards(
            ShardToMerge="shardId-000000000000", AdjacentShardToMerge="shardId-000000000009"
        )
    assert _code(raised) == "ResourceNotFoundException"
    stream.merge_shards(
        ShardToMerge="shardId-000000000001", AdjacentShardToMerge="shardId-000000000002"
    )
    assert stream.open_shards() == ["shardId-000000000000", "shardId-000000000003"]
    child = stream.list_shards()[-1]
    assert child["ParentShardId"] == "shardId-000000000001"
    assert child["AdjacentParentShardId"] == "shardId-000000000002"
    assert int(child["HashKeyRange"]["EndingHashKey"]) == 2**128 - 1
    with pytest.raises(ClientError, match="closed"):
        stream.merge_shards(
            ShardToMerge="shardId-000000000001", AdjacentShardToMerge="shardId-000000000000"
        )


def test_get_records_allows_five_calls_per_second_per_shard():
    stream = kinesis.ProvisionedStream("s")
    stream.put_record(Data=b"x", PartitionKey="k")
    iterator = stream.get_shard_iterator(ShardId="shardId-000000000000")["ShardIterator"]
    for _ in range(5):
        response = stream.get_records(ShardIterator=iterator)
        stream.clock.sleep(0.01)
    assert [r["Data"] for r in response["Records"]] == [b"x"]
    with pytest.raises(ClientError) as raised:
        stream.get_records(ShardIterator=iterator)
    assert _code(raised) == "ProvisionedThroughputExceededException"
    stream.clock.sleep(1)
    assert stream.get_records(ShardIterator=response["NextShardIterator"])["Records"] == []


def test_a_ten_mib_read_blocks_the_shard_for_five_seconds():
    stream = kinesis.ProvisionedStream(
        "s", limits=kinesis.ShardLimits(write_bytes_per_second=20 * MIB)
    )
    for _ in range(10):
        stream.put_record(Data=b"a" * (MIB - 1), PartitionKey="k")
    iterator = stream.get_shard_iterator(ShardId="shardId-000000000000")["ShardIterator"]
    response = stream.get_records(ShardIterator=iterator)
    assert len(response["Records"]) == 10
    stream.clock.sleep(4.99)
    with pytest.raises(ClientError) as raised:
        stream.get_records(ShardIterator=response["NextShardIterator"])
    assert _code(raised) == "ProvisionedThroughputExceededException"
    stream.clock.sleep(0.01)
    assert stream.get_records(ShardIterator=response["NextShardIterator"])["Records"] == []


def test_get_records_rejects_bad_iterator_and_limit():
    stream = kinesis.ProvisionedStream("s")
    with pytest.raises(ClientError) as raised:
        stream.get_records(ShardIterator="nonsense")
    assert _code(raised) == "InvalidArgumentException"
    iterator = stream.get_shard_iterator(ShardId="shardId-000000000000")["ShardIterator"]
    with pytest.raises(ClientError) as raised:
        stream.get_records(ShardIterator=iterator, Limit=10_001)
    assert _code(raised) == "ValidationException"
    with pytest.raises(ClientError) as raised:
        stream.get_shard_iterator(ShardId="shardId-000000000007")
    assert _code(raised) == "ResourceNotFoundException"


def test_shards_needed_takes_the_tightest_limit():
    # 2,500 small records/s: the records-per-second limit decides
    assert kinesis.shards_needed(2_500, 100)["shards"] == 3
    # 3 MiB/s of 10 KiB records read by 3 shared consumers: the read side decides
    need = kinesis.shards_needed(300, 10 * 1024 + 1, consumers=3)
    assert need["write bytes"] == 3 and need["read bytes"] == 5 and need["shards"] == 5
    assert (
        kinesis.shards_needed(300, 10 * 1024 + 1, consumers=3, enhanced_fan_out=True)["shards"] == 3
    )


@pytest.mark.parametrize(
    "kwargs",
    [
        {"records_per_second": 0, "record_bytes": 1},
        {"records_per_second": 1, "record_bytes": -1},
        {"records_per_second": 1, "record_bytes": 1, "consumers": 0},
    ],
)
def test_shards_needed_rejects_bad_workloads(kwargs):
    with pytest.raises(ValueError, match="must be a positive"):
        kinesis.shards_needed(**kwargs)


def test_bad_arguments_are_explained():
    with pytest.raises(ValueError, match="shard_count must be a positive integer"):
        kinesis.ProvisionedStream("s", shard_count=0)
    with pytest.raises(ValueError, match="non-empty name"):
        kinesis.ProvisionedStream("")
    with pytest.raises(ValueError, match="seconds >= 0"):
        kinesis.SimulatedClock().sleep(-1)
    with pytest.raises(ValueError, match="positive integer"):
        kinesis.ShardLimits(read_calls_per_second=0)
    with pytest.raises(ValueError, match="TRIM_HORIZON or LATEST"):
        kinesis.ProvisionedStream("s").get_shard_iterator("shardId-000000000000", "AT_TIMESTAMP")
