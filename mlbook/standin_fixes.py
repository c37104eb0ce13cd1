"""Corrections to the local stand-in (moto) where it differs from AWS in what the book teaches.

Applied by ``aws.start()`` on the local backends only; a real account needs none of them. Each
correction makes moto do what the AWS documentation says, so the notebooks' boto3 cells show AWS
behaviour rather than a stand-in quirk.
"""

from __future__ import annotations

from base64 import b64decode
from hashlib import md5

MAX_RECORD_BYTES = 1_048_576  # 1 MiB: Kinesis's default maximum record (data blob + partition key)


def apply() -> None:
    """Apply every correction once per process (idempotent)."""
    _route_kinesis_records_to_open_shards()
    _limit_kinesis_put_record_size()


def _route_kinesis_records_to_open_shards() -> None:
    """A record goes to the OPEN shard whose hash-key range, ends included, holds its key.

    moto 5 searches every shard, closed parents included, and so keeps writing to the parent
    after a split or merge; Kinesis writes only to open shards ("a parent shard ... no longer
    accepts data records":
    https://docs.aws.amazon.com/streams/latest/dev/kinesis-using-sdk-java-after-resharding.html).
    moto also treats EndingHashKey as exclusive although it reports it as the range's last key, so
    a key equal to it (2**128 - 1 on the last shard) found no shard.
    """
    from moto.kinesis import models

    original = models.Stream.get_shard_for_key
    if getattr(original, "mlbook_fixed", False):
        return

    def get_shard_for_key(self, partition_key, explicit_hash_key):
        original(self, partition_key, explicit_hash_key)  # moto's checks on the key; may raise
        if explicit_hash_key:
            key = int(explicit_hash_key)
        else:
            key = int(md5(partition_key.encode("utf-8")).hexdigest(), 16)
        return next(
            (s for s in self.shards.values() if s.is_open and s.starting_hash <= key <= s.ending_hash),
            None,
        )

    get_shard_for_key.mlbook_fixed = True
    models.Stream.get_shard_for_key = get_shard_for_key


def _limit_kinesis_put_record_size() -> None:
    """PutRecord rejects a record over 1 MiB (data + partition key), as PutRecords already does in moto.

    Kinesis's default record limit is 1 MiB, raised per stream up to 10 MiB
    (https://docs.aws.amazon.com/streams/latest/dev/service-sizes-and-limits.html); moto checks it
    for PutRecords only and ignores a stream's MaxRecordSizeInKiB, so the stand-in enforces 1 MiB.
    """
    from moto.core.exceptions import JsonRESTError
    from moto.kinesis import models

    original = models.KinesisBackend.put_record
    if getattr(original, "mlbook_fixed", False):
        return

    def put_record(self, stream_arn, stream_name, partition_key, explicit_hash_key, data):
        size = len(b64decode(data or "")) + len(partition_key or "")
        if size > MAX_RECORD_BYTES:
            raise JsonRESTError(
                "ValidationException",
                "1 validation error detected: Value at 'data' failed to satisfy constraint: "
                f"Member must have length less than or equal to {MAX_RECORD_BYTES}",
            )
        return original(self, stream_arn, stream_name, partition_key, explicit_hash_key, data)

    put_record.mlbook_fixed = True
    models.KinesisBackend.put_record = put_record
