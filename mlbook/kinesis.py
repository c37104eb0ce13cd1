"""A small simulator of a provisioned Kinesis data stream's per-shard limits, on a simulated clock.

The book's local stand-in (moto) runs the Kinesis API calls but enforces no per-shard throughput:
every PutRecord succeeds however fast it comes. This module models what Kinesis Data Streams
does on a provisioned stream, so a notebook can show throttling and the retry code it calls for:

    stream = kinesis.ProvisionedStream("clicks", shard_count=2)   # clock starts at 0 s
    stream.put_records(Records=[{"Data": b"...", "PartitionKey": "user-7"}, ...])
    stream.clock.sleep(0.2)                                      # no real sleeping

Responses and errors have the shapes boto3 gives for the same calls: a PutRecord over a shard's
budget raises botocore's ``ClientError`` with code ``ProvisionedThroughputExceededException``;
PutRecords returns ``FailedRecordCount`` and, per record, either ``ShardId``/``SequenceNumber``
or ``ErrorCode``/``ErrorMessage``. Requests that break a constraint are rejected with the error
names AWS uses. The limits are the documented ones, kept in ``data/service_limits.yaml``
(https://docs.aws.amazon.com/streams/latest/dev/service-sizes-and-limits.html):

- write, per shard: 1,000 records per second and 1 MiB per second (data blob + partition key);
- read, per shard: 5 GetRecords calls per second and 2 MiB per second shared by all readers; a
  call may return up to 10 MiB, after which the shard refuses reads until the 2 MiB/s rate has
  paid for them (a 10 MiB read blocks the next 5 seconds, as the quota page says);
- a record is at most 1 MiB (the default maximum record size), a partition key 1 to 256
  characters, a PutRecords call at most 500 records and 10 MiB in total.

Write budgets are counted in one-second windows of the simulated clock (second 0 is [0, 1)).
It is a model of the limits, not a replacement for moto: the notebook's API calls go to moto.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass, field

from botocore.exceptions import ClientError, ParamValidationError

MIB = 1_048_576
HASH_KEY_SPACE = 2**128  # MD5 gives a 128-bit integer; shards split [0, 2**128 - 1]
LOCAL_ACCOUNT_ID = "123456789012"


@dataclass(frozen=True)
class ShardLimits:
    """Per-shard limits of a provisioned stream (defaults: the documented values)."""

    write_records_per_second: int = 1_000
    write_bytes_per_second: int = MIB
    read_calls_per_second: int = 5
    read_bytes_per_second: int = 2 * MIB
    max_bytes_per_get_records: int = 10 * MIB
    max_records_per_get_records: int = 10_000
    max_record_bytes: int = MIB
    max_partition_key_length: int = 256
    max_records_per_put_records: int = 500
    max_bytes_per_put_records: int = 10 * MIB

    def __post_init__(self):
        for name, value in vars(self).items():
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise ValueError(f"ShardLimits.{name} must be a positive integer, got {value!r}.")


class SimulatedClock:
    """Seconds since the simulation started; ``sleep`` moves time forward without waiting."""

    def __init__(self, start: float = 0.0):
        self.now = float(start)

    def sleep(self, seconds: float) -> None:
        if not isinstance(seconds, (int, float)) or seconds < 0 or math.isnan(seconds):
            raise ValueError(f"sleep() needs a number of seconds >= 0, got {seconds!r}.")
        self.now += seconds


@dataclass
class _Shard:
    shard_id: str
    start: int
    end: int  # inclusive, as in HashKeyRange
    parent: str | None = None
    adjacent_parent: str | None = None
    is_open: bool = True
    records: list = field(default_factory=list)
    window: int = -1
    window_records: int = 0
    window_bytes: int = 0
    read_window: int = -1
    read_calls: int = 0
    reads_blocked_until: float = 0.0

    def description(self) -> dict:
        """The shard as DescribeStream / ListShards show it."""
        shard = {
            "ShardId": self.shard_id,
            "HashKeyRange": {"StartingHashKey": str(self.start), "EndingHashKey": str(self.end)},
        }
        if self.parent:
            shard["ParentShardId"] = self.parent
        if self.adjacent_parent:
            shard["AdjacentParentShardId"] = self.adjacent_parent
        return shard


def hash_key(partition_key: str) -> int:
    """The 128-bit integer Kinesis routes a partition key by: MD5 of its UTF-8 bytes."""
    return int(hashlib.md5(partition_key.encode("utf-8")).hexdigest(), 16)


def uniform_hash_ranges(shard_count: int) -> list[tuple[int, int]]:
    """(start, end) of each shard when the hash-key space is split evenly, as CreateStream does."""
    if not isinstance(shard_count, int) or isinstance(shard_count, bool) or shard_count < 1:
        raise ValueError(f"shard_count must be a positive integer, got {shard_count!r}.")
    bounds = [i * HASH_KEY_SPACE // shard_count for i in range(shard_count + 1)]
    return [(bounds[i], bounds[i + 1] - 1) for i in range(shard_count)]


def shards_needed(
    records_per_second: float,
    record_bytes: float,
    consumers: int = 1,
    enhanced_fan_out: bool = False,
    limits: ShardLimits | None = None,
) -> dict:
    """Shards a provisioned stream needs for a steady workload, by each per-shard limit.

    Writes need ``records/s / 1000`` and ``bytes/s / 1 MiB`` shards. Shared-throughput readers
    split 2 MiB/s per shard, so ``consumers`` readers need ``consumers * bytes/s / 2 MiB``; with
    enhanced fan-out each consumer has its own 2 MiB/s per shard, so the read side needs
    ``bytes/s / 2 MiB`` whatever the number of consumers. The answer is the largest, rounded up.
    """
    limits = limits or ShardLimits()
    for name, value in {
        "records_per_second": records_per_second,
        "record_bytes": record_bytes,
    }.items():
        if not isinstance(value, (int, float)) or value <= 0:
            raise ValueError(f"{name} must be a positive number, got {value!r}.")
    if not isinstance(consumers, int) or isinstance(consumers, bool) or consumers < 1:
        raise ValueError(f"consumers must be a positive integer, got {consumers!r}.")
    write_bytes = records_per_second * record_bytes
    read_bytes = write_bytes * (1 if enhanced_fan_out else consumers)
    need = {
        "write records": math.ceil(records_per_second / limits.write_records_per_second),
        "write bytes": math.ceil(write_bytes / limits.write_bytes_per_second),
        "read bytes": math.ceil(read_bytes / limits.read_bytes_per_second),
    }
    need["shards"] = max(need.values())
    return need


def _client_error(operation: str, code: str, message: str) -> ClientError:
    return ClientError(
        {"Error": {"Code": code, "Message": message}, "ResponseMetadata": {"HTTPStatusCode": 400}},
        operation,
    )


class ProvisionedStream:
    """A provisioned data stream whose shards enforce the per-shard limits on a simulated clock."""

    def __init__(
        self,
        name: str,
        shard_count: int = 1,
        clock: SimulatedClock | None = None,
        limits: ShardLimits | None = None,
        account_id: str = LOCAL_ACCOUNT_ID,
    ):
        if not isinstance(name, str) or not name:
            raise ValueError(f"A stream needs a non-empty name, got {name!r}.")
        self.name = name
        self.clock = clock or SimulatedClock()
        self.limits = limits or ShardLimits()
        self.account_id = account_id
        self._shards = {
            f"shardId-{i:012d}": _Shard(f"shardId-{i:012d}", start, end)
            for i, (start, end) in enumerate(uniform_hash_ranges(shard_count))
        }
        self._sequence = 0

    # -- shards ---------------------------------------------------------------------------
    def list_shards(self) -> list[dict]:
        return [s.description() for s in self._shards.values()]

    def open_shards(self) -> list[str]:
        return [s.shard_id for s in self._shards.values() if s.is_open]

    def shard_for(self, partition_key: str, explicit_hash_key: str | None = None) -> str:
        """The OPEN shard whose hash-key range holds the key (or the explicit hash key)."""
        key = int(explicit_hash_key) if explicit_hash_key is not None else hash_key(partition_key)
        return next(
            s.shard_id for s in self._shards.values() if s.is_open and s.start <= key <= s.end
        )

    def merge_shards(self, ShardToMerge: str, AdjacentShardToMerge: str) -> dict:
        """Merge two OPEN shards whose hash-key ranges touch; their child takes both ranges."""
        pair = []
        for shard_id in (ShardToMerge, AdjacentShardToMerge):
            shard = self._shards.get(shard_id)
            if shard is None:
                raise _client_error(
                    "MergeShards",
                    "ResourceNotFoundException",
                    f"Shard {shard_id} in stream {self.name} under account {self.account_id} "
                    f"does not exist. Open shards: {', '.join(self.open_shards())}.",
                )
            if not shard.is_open:
                raise _client_error(
                    "MergeShards",
                    "InvalidArgumentException",
                    f"Shard {shard_id} is closed (a parent of an earlier split or merge); "
                    "merge only OPEN shards.",
                )
            pair.append(shard)
        low, high = sorted(pair, key=lambda s: s.start)
        if low.shard_id == high.shard_id or low.end + 1 != high.start:
            raise _client_error(
                "MergeShards",
                "InvalidArgumentException",
                f"Shards {ShardToMerge} and {AdjacentShardToMerge} are not adjacent: their "
                "hash-key ranges must form one contiguous range with no gap "
                f"({low.start}..{low.end} and {high.start}..{high.end}). Merge a shard with "
                "the shard whose StartingHashKey is its EndingHashKey + 1.",
            )
        child_id = f"shardId-{len(self._shards):012d}"
        for shard in pair:
            shard.is_open = False
        self._shards[child_id] = _Shard(
            child_id, low.start, high.end, parent=ShardToMerge, adjacent_parent=AdjacentShardToMerge
        )
        return {}

    # -- writes ---------------------------------------------------------------------------
    def _validate_record(self, record: dict, index: int | None, operation: str) -> int:
        """Size of the record (data + partition key) after AWS's checks on it."""
        sdk_name = "" if index is None else f"Records[{index}]."  # how botocore names it
        wire_name = "" if index is None else f"records.{index + 1}.member."  # how AWS does
        key = record.get("PartitionKey")
        data = record.get("Data", b"")
        if isinstance(data, str):
            data = data.encode("utf-8")
        if not isinstance(key, str) or not key:
            # botocore checks the model's minimum length before anything is sent
            raise ParamValidationError(
                report=f"Invalid length for parameter {sdk_name}PartitionKey, value: "
                f"{len(key) if isinstance(key, str) else key!r}, valid min length: 1"
            )
        if len(key) > self.limits.max_partition_key_length:
            raise _client_error(
                operation,
                "ValidationException",
                f"1 validation error detected: Value at '{wire_name}partitionKey' failed to "
                f"satisfy constraint: Member must have length less than or equal to "
                f"{self.limits.max_partition_key_length} (got {len(key)} characters). Use a "
                "shorter key, for example a hash or an id of the entity.",
            )
        size = len(data) + len(key.encode("utf-8"))
        if size > self.limits.max_record_bytes:
            raise _client_error(
                operation,
                "ValidationException",
                f"1 validation error detected: Value at '{wire_name}data' failed to satisfy "
                f"constraint: Member must have length less than or equal to "
                f"{self.limits.max_record_bytes} (data + partition key is {size} bytes). Split "
                "the payload, store it in S3 and send a pointer, or raise the stream's maximum "
                "record size (UpdateMaxRecordSize, up to 10 MiB).",
            )
        return size

    def _try_write(self, record: dict, size: int) -> dict | None:
        """Store the record if its shard has budget left in this second; else None."""
        shard = self._shards[self.shard_for(record["PartitionKey"], record.get("ExplicitHashKey"))]
        second = math.floor(self.clock.now)
        if shard.window != second:
            shard.window, shard.window_records, shard.window_bytes = second, 0, 0
        if (
            shard.window_records + 1 > self.limits.write_records_per_second
            or shard.window_bytes + size > self.limits.write_bytes_per_second
        ):
            return {"ShardId": shard.shard_id}  # throttled
        shard.window_records += 1
        shard.window_bytes += size
        self._sequence += 1
        data = record.get("Data", b"")
        shard.records.append(
            {
                "SequenceNumber": str(self._sequence),
                "ApproximateArrivalTimestamp": self.clock.now,
                "Data": data.encode("utf-8") if isinstance(data, str) else bytes(data),
                "PartitionKey": record["PartitionKey"],
            }
        )
        return {"ShardId": shard.shard_id, "SequenceNumber": str(self._sequence)}

    def _rate_message(self, shard_id: str) -> str:
        return f"Rate exceeded for shard {shard_id} in stream {self.name} under account {self.account_id}."

    def put_record(self, Data, PartitionKey, ExplicitHashKey=None) -> dict:
        record = {"Data": Data, "PartitionKey": PartitionKey, "ExplicitHashKey": ExplicitHashKey}
        size = self._validate_record(record, None, "PutRecord")
        result = self._try_write(record, size)
        if "SequenceNumber" not in result:
            raise _client_error(
                "PutRecord",
                "ProvisionedThroughputExceededException",
                self._rate_message(result["ShardId"]),
            )
        return result

    def put_records(self, Records: list) -> dict:
        if not isinstance(Records, list) or not Records:
            raise ParamValidationError(
                report="Invalid length for parameter Records, value: 0, valid min length: 1"
            )
        if len(Records) > self.limits.max_records_per_put_records:
            raise _client_error(
                "PutRecords",
                "ValidationException",
                "1 validation error detected: Value at 'records' failed to satisfy constraint: "
                f"Member must have length less than or equal to "
                f"{self.limits.max_records_per_put_records} (got {len(Records)} records). Send "
                "the records in several PutRecords calls.",
            )
        sizes = [self._validate_record(r, i, "PutRecords") for i, r in enumerate(Records)]
        if sum(sizes) > self.limits.max_bytes_per_put_records:
            raise _client_error(
                "PutRecords",
                "InvalidArgumentException",
                f"Records size exceeds {self.limits.max_bytes_per_put_records // MIB} MiB limit "
                f"({sum(sizes)} bytes including partition keys). Send fewer records per call.",
            )
        results = []
        for record, size in zip(Records, sizes):
            result = self._try_write(record, size)
            if "SequenceNumber" not in result:
                result = {
                    "ErrorCode": "ProvisionedThroughputExceededException",
                    "ErrorMessage": self._rate_message(result["ShardId"]),
                }
            results.append(result)
        failed = sum("ErrorCode" in r for r in results)
        return {"FailedRecordCount": failed, "Records": results}

    # -- reads ----------------------------------------------------------------------------
    def get_shard_iterator(self, ShardId: str, ShardIteratorType: str = "TRIM_HORIZON") -> dict:
        if ShardId not in self._shards:
            raise _client_error(
                "GetShardIterator",
                "ResourceNotFoundException",
                f"Shard {ShardId} in stream {self.name} under account {self.account_id} does not exist.",
            )
        if ShardIteratorType not in ("TRIM_HORIZON", "LATEST"):
            raise ValueError(
                f"The simulator reads from TRIM_HORIZON or LATEST, got {ShardIteratorType!r}; "
                "use the stand-in (moto) for the other iterator types."
            )
        position = 0 if ShardIteratorType == "TRIM_HORIZON" else len(self._shards[ShardId].records)
        return {"ShardIterator": f"{ShardId}:{position}"}

    def get_records(self, ShardIterator: str, Limit: int = 10_000) -> dict:
        try:
            shard_id, position = ShardIterator.rsplit(":", 1)
            shard, position = self._shards[shard_id], int(position)
        except (AttributeError, ValueError, KeyError):
            raise _client_error(
                "GetRecords",
                "InvalidArgumentException",
                f"Invalid ShardIterator {ShardIterator!r}: use one returned by "
                "get_shard_iterator or by the previous get_records call.",
            ) from None
        if not isinstance(Limit, int) or not 1 <= Limit <= self.limits.max_records_per_get_records:
            raise _client_error(
                "GetRecords",
                "ValidationException",
                f"1 validation error detected: Value '{Limit}' at 'limit' failed to satisfy "
                f"constraint: Member must be between 1 and {self.limits.max_records_per_get_records}.",
            )
        now, second = self.clock.now, math.floor(self.clock.now)
        if shard.read_window != second:
            shard.read_window, shard.read_calls = second, 0
        if (
            shard.read_calls + 1 > self.limits.read_calls_per_second
            or now < shard.reads_blocked_until
        ):
            raise _client_error(
                "GetRecords", "ProvisionedThroughputExceededException", self._rate_message(shard_id)
            )
        shard.read_calls += 1
        batch, size = [], 0
        for record in shard.records[position : position + Limit]:
            record_size = len(record["Data"]) + len(record["PartitionKey"].encode("utf-8"))
            if batch and size + record_size > self.limits.max_bytes_per_get_records:
                break
            batch.append(dict(record))
            size += record_size
        shard.reads_blocked_until = now + size / self.limits.read_bytes_per_second
        next_position = position + len(batch)
        response = {"Records": batch, "MillisBehindLatest": 0}
        if shard.is_open or next_position < len(shard.records):
            response["NextShardIterator"] = f"{shard_id}:{next_position}"
        return response
