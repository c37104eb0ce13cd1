"""check_channel accepts the channels the SageMaker docs allow and refuses the others clearly."""

import pytest

from mlbook.channels import ChannelConfigError, check_channel

MANIFEST = dict(s3_data_type="AugmentedManifestFile", attribute_names=["source-ref", "class"])


# --- channels that are fine -------------------------------------------------------------------


def test_returns_the_settings_under_the_api_field_names():
    assert check_channel("Pipe", "application/x-recordio-protobuf", "ShardedByS3Key") == {
        "InputMode": "Pipe",
        "ContentType": "application/x-recordio-protobuf",
        "S3DataType": "S3Prefix",
        "S3DataDistributionType": "ShardedByS3Key",
    }


def test_augmented_manifest_in_pipe_mode_with_recordio_wrapping():
    settings = check_channel("Pipe", "application/x-recordio", record_wrapping="RecordIO", **MANIFEST)
    assert settings["RecordWrapperType"] == "RecordIO"
    assert settings["S3DataType"] == "AugmentedManifestFile"
    assert settings["AttributeNames"] == ["source-ref", "class"]


@pytest.mark.parametrize("unset", [None, "None"])
def test_none_and_the_string_none_both_mean_unset(unset):
    settings = check_channel("File", "text/csv", record_wrapping=unset, compression=unset)
    assert "RecordWrapperType" not in settings and "CompressionType" not in settings


@pytest.mark.parametrize("content_type", ["text/csv;label_size=0", "text/csv; label_size=1", None])
def test_csv_label_size_and_missing_content_type_are_accepted(content_type):
    settings = check_channel("File", content_type)
    assert settings.get("ContentType") == content_type


def test_gzip_is_accepted_in_pipe_mode_and_fastfile_with_a_prefix():
    assert check_channel("Pipe", "text/csv", compression="Gzip")["CompressionType"] == "Gzip"
    assert check_channel("FastFile", "text/csv")["InputMode"] == "FastFile"


# --- unknown values -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "mode, hint",
    [("file", "Did you mean 'File'"), ("fast_file", "Did you mean 'FastFile'"), ("Stream", "")],
)
def test_unknown_input_mode_is_refused_with_the_valid_values(mode, hint):
    with pytest.raises(ChannelConfigError, match=r"Unknown input mode.*Valid values: File, Pipe, FastFile") as err:
        check_channel(mode, "text/csv")
    assert hint in str(err.value)


def test_input_mode_must_be_a_string():
    with pytest.raises(ChannelConfigError, match="input mode must be a string"):
        check_channel(None, "text/csv")


@pytest.mark.parametrize("distribution", ["Sharded", "fullyreplicated"])
def test_unknown_distribution_is_refused_with_a_suggestion(distribution):
    with pytest.raises(
        ChannelConfigError,
        match=r"Unknown S3 data distribution type.*Did you mean.*Valid values: FullyReplicated, ShardedByS3Key",
    ):
        check_channel("File", "text/csv", distribution)


def test_unknown_s3_data_type_is_refused():
    with pytest.raises(ChannelConfigError, match=r"Unknown S3 data type 'AugmentedManifest'.*Did you mean 'AugmentedManifestFile'"):
        check_channel("Pipe", "text/csv", s3_data_type="AugmentedManifest")


def test_unknown_record_wrapper_is_refused():
    with pytest.raises(ChannelConfigError, match=r"Unknown record wrapper type 'recordio'.*Did you mean 'RecordIO'"):
        check_channel("Pipe", "text/csv", record_wrapping="recordio")


def test_unknown_compression_is_refused():
    with pytest.raises(ChannelConfigError, match=r"Unknown compression type 'gzip'.*Did you mean 'Gzip'"):
        check_channel("Pipe", "text/csv", compression="gzip")


# --- content type -------------------------------------------------------------------------------


@pytest.mark.parametrize("content_type", ["", "   ", 42])
def test_content_type_must_be_a_non_empty_string(content_type):
    with pytest.raises(ChannelConfigError, match="content_type must be a non-empty MIME type string"):
        check_channel("File", content_type)


@pytest.mark.parametrize("content_type", ["text/csv;label_size=one", "text/csv;label_size=-1", "text/csv;label_size="])
def test_csv_label_size_must_be_a_whole_number(content_type):
    with pytest.raises(ChannelConfigError, match=r"label_size .* must be a whole number .*label_size=0"):
        check_channel("File", content_type)


# --- impossible combinations --------------------------------------------------------------------


@pytest.mark.parametrize("mode", ["File", "FastFile"])
def test_augmented_manifest_outside_pipe_mode_is_refused(mode):
    with pytest.raises(ChannelConfigError, match=rf"only be read in Pipe input mode.*uses '{mode}'.*input_mode='Pipe'"):
        check_channel(mode, "application/x-recordio", **MANIFEST)


def test_fastfile_needs_an_s3_prefix():
    with pytest.raises(ChannelConfigError, match=r"FastFile channels must use S3DataType 'S3Prefix'.*'ManifestFile'"):
        check_channel("FastFile", "text/csv", s3_data_type="ManifestFile")


def test_recordio_wrapping_in_file_mode_is_refused():
    with pytest.raises(ChannelConfigError, match=r"'RecordIO' is not used in File mode.*leave record_wrapping unset"):
        check_channel("File", "application/x-recordio", record_wrapping="RecordIO")


@pytest.mark.parametrize("mode", ["File", "FastFile"])
def test_gzip_outside_pipe_mode_is_refused(mode):
    with pytest.raises(ChannelConfigError, match=rf"'Gzip' is used only in Pipe input mode.*uses '{mode}'"):
        check_channel(mode, "text/csv", compression="Gzip")


# --- attribute names ----------------------------------------------------------------------------


def test_attribute_names_need_an_augmented_manifest():
    with pytest.raises(ChannelConfigError, match=r"attribute_names name attributes of an augmented manifest.*'S3Prefix'"):
        check_channel("Pipe", "application/x-recordio", attribute_names=["source-ref"])


@pytest.mark.parametrize("names", ["source-ref", {"source-ref": 1}])
def test_attribute_names_must_be_a_list(names):
    with pytest.raises(ChannelConfigError, match="attribute_names must be a list"):
        check_channel("Pipe", "application/x-recordio", s3_data_type="AugmentedManifestFile", attribute_names=names)


@pytest.mark.parametrize("names", [[], ["source-ref", ""], ["source-ref", 3]])
def test_attribute_names_need_one_or_more_non_empty_strings(names):
    with pytest.raises(ChannelConfigError, match="one or more non-empty strings"):
        check_channel("Pipe", "application/x-recordio", s3_data_type="AugmentedManifestFile", attribute_names=names)


def test_errors_are_value_errors():
    assert issubclass(ChannelConfigError, ValueError)
