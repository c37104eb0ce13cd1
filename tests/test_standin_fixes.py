"""The stand-in's Kinesis routes and limits records as AWS does (see mlbook/standin_fixes.py)."""

import hashlib

import pytest
from botocore.exceptions import ClientError

from mlbook import aws

pytestmark = pytest.mark.usefixtures("clean_aws")


def _open_shard_for(stream, key):
    hashed = int(hashlib.md5(key.encode()).hexdigest(), 16)
    shards = [s for s in stream["Shards"] if "EndingSequenceNumber" not in s["SequenceNumberRange"]]
    return next(
        s["ShardId"]
        for s in shards
        if int(s["HashKeyRange"]["StartingHashKey"]) <= hashed <= int(s["HashKeyRange"]["EndingHashKey"])
    )


@pytest.mark.parametrize("server", [False, True])
def test_records_go_to_open_child_shards_after_a_split_and_a_merge(server):
    kinesis = aws.start(server=server, quiet=True).client("kinesis")
    kinesis.create_stream(StreamName="book-routing", ShardCount=2)
    first = kinesis.describe_stream(StreamName="book-routing")["StreamDescription"]["Shards"][0]
    low, high = (int(first["HashKeyRange"][k]) for k in ("StartingHashKey", "EndingHashKey"))
    kinesis.split_shard(
        StreamName="book-routing", ShardToSplit=first["ShardId"], NewStartingHashKey=str((low + high) // 2)
    )
    keys = [f"sensor-{i}" for i in range(40)]

    def check_routing():
        stream = kinesis.describe_stream(StreamName="book-routing")["StreamDescription"]
        for key in keys:
            shard = kinesis.put_record(StreamName="book-routing", Data=b"x", PartitionKey=key)["ShardId"]
            assert shard == _open_shard_for(stream, key), key
        return stream

    stream = check_routing()
    children = [s["ShardId"] for s in stream["Shards"] if s.get("ParentShardId") == first["ShardId"]]
    assert len(children) == 2
    kinesis.merge_shards(StreamName="book-routing", ShardToMerge=children[0], AdjacentShardToMerge=children[1])
    stream = check_routing()
    assert sum("EndingSequenceNumber" not in s["SequenceNumberRange"] for s in stream["Shards"]) == 2


def test_the_last_key_of_each_range_belongs_to_that_shard():
    kinesis = aws.start(quiet=True).client("kinesis")
    kinesis.create_stream(StreamName="book-ends", ShardCount=2)
    shards = kinesis.describe_stream(StreamName="book-ends")["StreamDescription"]["Shards"]
    for shard in shards:
        for edge in ("StartingHashKey", "EndingHashKey"):
            sent = kinesis.put_record(
                StreamName="book-ends", Data=b"x", PartitionKey="k", ExplicitHashKey=shard["HashKeyRange"][edge]
            )
            assert sent["ShardId"] == shard["ShardId"], (edge, shard["HashKeyRange"])
    assert shards[-1]["HashKeyRange"]["EndingHashKey"] == str(2**128 - 1)


def test_put_record_over_one_mib_is_rejected_like_put_records():
    kinesis = aws.start(quiet=True).client("kinesis")
    kinesis.create_stream(StreamName="book-size", ShardCount=1)
    key = "k"
    kinesis.put_record(StreamName="book-size", Data=b"a" * (1_048_576 - len(key)), PartitionKey=key)
    with pytest.raises(ClientError) as raised:
        kinesis.put_record(StreamName="book-size", Data=b"a" * (1_048_576 - len(key) + 1), PartitionKey=key)
    error = raised.value.response["Error"]
    assert error["Code"] == "ValidationException" and "less than or equal to 1048576" in error["Message"]
