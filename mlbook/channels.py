"""Check a SageMaker training channel for combinations the AWS documentation rules out.

A channel is one named input of a ``CreateTrainingJob`` request (``train``, ``validation``,
``test``, ...). The local stand-in accepts any combination of settings, so a channel that a real
account would refuse, or that would train on the wrong data, passes there unnoticed. This module
checks a channel's settings against the rules the AWS documentation states, and only those:

    from mlbook import channels
    channels.check_channel("Pipe", "application/x-recordio-protobuf",
                           distribution="ShardedByS3Key")
    # -> {'InputMode': 'Pipe', 'ContentType': 'application/x-recordio-protobuf',
    #     'S3DataType': 'S3Prefix', 'S3DataDistributionType': 'ShardedByS3Key'}

The returned dict uses the API's field names, so a notebook can compare it with the request the
SageMaker SDK sent. Every rejection raises :class:`ChannelConfigError` (a ``ValueError``) with a
message that says what is wrong and how to fix it.

Rules and where the documentation states them:

* Names of input modes, distribution types, S3 data types, record wrappers and compression
  types: the enumerations of the Channel and S3DataSource API shapes
  (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_Channel.html,
  https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_S3DataSource.html).
* ``AugmentedManifestFile`` only with Pipe input mode: S3DataSource.S3DataType ("can only be
  used if the Channel's input mode is Pipe") and
  https://docs.aws.amazon.com/sagemaker/latest/dg/augmented-manifest.html ("can only support
  Pipe input mode"). One overview page
  (https://docs.aws.amazon.com/sagemaker/latest/dg/model-access-training-data.html) lists
  augmented manifests among File-mode dataset options; this module follows the API reference.
* FastFile channels must use ``S3Prefix``:
  https://docs.aws.amazon.com/sagemaker/latest/dg/your-algorithms-training-algo-running-container.html
* ``RecordWrapperType`` must be unset or ``None`` in File mode: Channel.RecordWrapperType.
* ``CompressionType`` is used only in Pipe mode: Channel.CompressionType.
* ``AttributeNames`` name attributes of an augmented manifest file, one or more of them:
  S3DataSource.AttributeNames.
* In ``text/csv``, ``label_size`` is the number of label columns (0 for unsupervised
  algorithms): https://docs.aws.amazon.com/sagemaker/latest/dg/cdf-training.html

Which content types and input modes a given built-in algorithm accepts is not checked here.
"""

from __future__ import annotations

import difflib

API_CHANNEL = "https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_Channel.html"
API_S3_DATA_SOURCE = (
    "https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_S3DataSource.html"
)
AUGMENTED_MANIFEST = "https://docs.aws.amazon.com/sagemaker/latest/dg/augmented-manifest.html"
TRAINING_DATA = (
    "https://docs.aws.amazon.com/sagemaker/latest/dg/"
    "your-algorithms-training-algo-running-container.html"
)
CSV_FORMAT = "https://docs.aws.amazon.com/sagemaker/latest/dg/cdf-training.html"

INPUT_MODES = ("File", "Pipe", "FastFile")
DISTRIBUTIONS = ("FullyReplicated", "ShardedByS3Key")
S3_DATA_TYPES = ("S3Prefix", "ManifestFile", "AugmentedManifestFile", "Converse")
RECORD_WRAPPERS = ("None", "RecordIO")
COMPRESSIONS = ("None", "Gzip")


class ChannelConfigError(ValueError):
    """A channel setting that SageMaker's documentation rules out."""


def _suggest(value: str, valid: tuple[str, ...]) -> str:
    """' Did you mean ...?' for a near miss (case-insensitive), or ''."""
    by_lower = {v.lower(): v for v in valid}
    key = value.lower().replace("_", "").replace("-", "").replace(" ", "")
    if key in by_lower:
        return f" Did you mean {by_lower[key]!r}? Names are case-sensitive."
    close = difflib.get_close_matches(key, list(by_lower), n=1, cutoff=0.5)
    return f" Did you mean {by_lower[close[0]]!r}?" if close else ""


def _one_of(value, valid: tuple[str, ...], what: str, source: str) -> str:
    if not isinstance(value, str):
        raise ChannelConfigError(
            f"{what} must be a string, one of {', '.join(valid)}; got {value!r}."
        )
    if value not in valid:
        raise ChannelConfigError(
            f"Unknown {what} {value!r}.{_suggest(value, valid)} "
            f"Valid values: {', '.join(valid)} ({source})."
        )
    return value


def _optional(value, valid: tuple[str, ...], what: str, source: str) -> str:
    """None and the string 'None' both mean 'not set'; return 'None' for them."""
    if value is None:
        return "None"
    return _one_of(value, valid, what, source)


def _check_content_type(content_type) -> str | None:
    if content_type is None:
        return None
    if not isinstance(content_type, str) or not content_type.strip():
        raise ChannelConfigError(
            f"content_type must be a non-empty MIME type string such as 'text/csv', or None; "
            f"got {content_type!r}."
        )
    media_type, *params = [part.strip() for part in content_type.split(";")]
    if media_type.lower() == "text/csv":
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "label_size":
                value = value.strip()
                if not value.isdigit():
                    raise ChannelConfigError(
                        f"label_size in {content_type!r} must be a whole number of label "
                        f"columns (0 for an unsupervised algorithm), got {value!r}. "
                        f"Write for example 'text/csv;label_size=0' ({CSV_FORMAT})."
                    )
    return content_type


def _check_attribute_names(attribute_names, s3_data_type: str) -> list[str] | None:
    if attribute_names is None:
        return None
    if s3_data_type != "AugmentedManifestFile":
        raise ChannelConfigError(
            f"attribute_names name attributes of an augmented manifest file, but this channel's "
            f"S3 data type is {s3_data_type!r}. Set s3_data_type='AugmentedManifestFile' for a "
            f"manifest, or drop attribute_names ({API_S3_DATA_SOURCE})."
        )
    if isinstance(attribute_names, str) or not isinstance(attribute_names, (list, tuple)):
        raise ChannelConfigError(
            f"attribute_names must be a list of attribute names such as "
            f"['source-ref', 'class'], got {attribute_names!r}."
        )
    if not attribute_names or not all(isinstance(a, str) and a for a in attribute_names):
        raise ChannelConfigError(
            f"attribute_names needs one or more non-empty strings (the JSON keys to stream, in "
            f"order), got {list(attribute_names)!r} ({API_S3_DATA_SOURCE})."
        )
    return list(attribute_names)


def check_channel(
    input_mode,
    content_type,
    distribution="FullyReplicated",
    record_wrapping=None,
    *,
    s3_data_type="S3Prefix",
    attribute_names=None,
    compression=None,
) -> dict:
    """Validate one training channel; return its settings under the API's field names.

    Args:
        input_mode: the channel's effective input mode: "File", "Pipe" or "FastFile".
        content_type: the MIME type of the data ("text/csv", "application/x-recordio-protobuf",
            ...), or None when the algorithm needs none.
        distribution: "FullyReplicated" (every instance gets all objects) or "ShardedByS3Key"
            (each instance gets a share of the objects).
        record_wrapping: None/"None", or "RecordIO" to have SageMaker wrap each record.
        s3_data_type: "S3Prefix", "ManifestFile", "AugmentedManifestFile" or "Converse".
        attribute_names: for an augmented manifest, the JSON keys to stream, in order.
        compression: None/"None" or "Gzip".

    Raises:
        ChannelConfigError: a value is unknown, or the combination is one the AWS
            documentation rules out (see the module docstring for the rules and sources).
    """
    mode = _one_of(input_mode, INPUT_MODES, "input mode", API_CHANNEL)
    distribution = _one_of(
        distribution, DISTRIBUTIONS, "S3 data distribution type", API_S3_DATA_SOURCE
    )
    data_type = _one_of(s3_data_type, S3_DATA_TYPES, "S3 data type", API_S3_DATA_SOURCE)
    wrapper = _optional(record_wrapping, RECORD_WRAPPERS, "record wrapper type", API_CHANNEL)
    compression = _optional(compression, COMPRESSIONS, "compression type", API_CHANNEL)
    content_type = _check_content_type(content_type)
    names = _check_attribute_names(attribute_names, data_type)

    if data_type == "AugmentedManifestFile" and mode != "Pipe":
        raise ChannelConfigError(
            f"An augmented manifest (S3DataType 'AugmentedManifestFile') can only be read in "
            f"Pipe input mode, but this channel uses {mode!r}. Set input_mode='Pipe' on the "
            f"channel ({API_S3_DATA_SOURCE}; {AUGMENTED_MANIFEST})."
        )
    if mode == "FastFile" and data_type != "S3Prefix":
        raise ChannelConfigError(
            f"FastFile channels must use S3DataType 'S3Prefix', but this channel uses "
            f"{data_type!r}. Point the channel at an S3 prefix, or use File mode for a manifest "
            f"({TRAINING_DATA})."
        )
    if mode == "File" and wrapper == "RecordIO":
        raise ChannelConfigError(
            "RecordWrapperType 'RecordIO' is not used in File mode: leave record_wrapping unset "
            f"(or 'None') for File-mode channels, or switch the channel to Pipe mode "
            f"({API_CHANNEL})."
        )
    if compression == "Gzip" and mode != "Pipe":
        raise ChannelConfigError(
            f"CompressionType 'Gzip' is used only in Pipe input mode, but this channel uses "
            f"{mode!r}. Leave compression unset (or 'None'), or switch the channel to Pipe mode "
            f"({API_CHANNEL})."
        )

    settings = {"InputMode": mode}
    if content_type is not None:
        settings["ContentType"] = content_type
    if compression != "None":
        settings["CompressionType"] = compression
    if wrapper != "None":
        settings["RecordWrapperType"] = wrapper
    settings["S3DataType"] = data_type
    settings["S3DataDistributionType"] = distribution
    if names is not None:
        settings["AttributeNames"] = names
    return settings
