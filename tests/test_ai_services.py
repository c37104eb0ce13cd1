"""The AI-services decision table is valid, and bad names, requests and rows are refused clearly."""

import copy
import json

import jsonschema
import pytest
import yaml

from mlbook import ai_services
from mlbook.ai_services import AiServicesError, RequestShapeError, UnknownServiceError
from mlbook.data import data_dir

# The services the chapter promises to cover (BOOK_PLAN.md, ai-services).
PROMISED = {
    "Amazon Rekognition", "Amazon Textract", "Amazon Comprehend", "Amazon Comprehend Medical",
    "Amazon Translate", "Amazon Transcribe", "Amazon Polly", "Amazon Lex", "Amazon Kendra",
    "Amazon Personalize", "Amazon Forecast", "Amazon Fraud Detector",
}
SENTIMENT = {"Text": "The parcel arrived on time.", "LanguageCode": "en"}


def _rows():
    return copy.deepcopy(ai_services.load_table())


def test_table_matches_its_schema_and_covers_every_promised_service():
    raw = yaml.safe_load((data_dir() / ai_services.TABLE_FILE).read_text())
    schema = json.loads((data_dir() / "schemas" / ai_services.SCHEMA_FILE).read_text())
    jsonschema.validate(raw, schema)
    assert set(ai_services.services()) == PROMISED


def test_every_example_request_passes_the_service_model():
    for row in ai_services.load_table():
        ai_services.validate_request(row["client"], row["operation"], row["request"])


def test_load_table_returns_copies():
    rows = ai_services.load_table()
    rows[0]["service"] = "changed"
    assert ai_services.load_table()[0]["service"] != "changed"


@pytest.mark.parametrize("name", ["Amazon Rekognition", "rekognition", "  REKOGNITION "])
def test_rows_for_accepts_the_usual_spellings(name):
    rows = ai_services.rows_for(name)
    assert rows and {r["service"] for r in rows} == {"Amazon Rekognition"}


def test_rows_for_keeps_comprehend_and_comprehend_medical_apart():
    assert {r["client"] for r in ai_services.rows_for("Comprehend")} == {"comprehend"}
    assert {r["client"] for r in ai_services.rows_for("Comprehend Medical")} == {"comprehendmedical"}


def test_unknown_service_name_is_refused_with_a_suggestion():
    with pytest.raises(UnknownServiceError, match=r"No service called 'Rekognitoin'.*Did you mean 'rekognition'.*Known services"):
        ai_services.rows_for("Rekognitoin")


@pytest.mark.parametrize("bad", ["", "   ", None, 3])
def test_service_name_must_be_a_string(bad):
    with pytest.raises(UnknownServiceError, match="Name a service"):
        ai_services.rows_for(bad)


def test_unknown_client_is_refused_with_a_suggestion():
    with pytest.raises(UnknownServiceError, match=r"'rekog' is not a boto3 client name.*'rekognition'"):
        ai_services.validate_request("rekog", "DetectLabels", {})


@pytest.mark.parametrize("bad", ["", None])
def test_client_name_must_be_a_string(bad):
    with pytest.raises(UnknownServiceError, match="non-empty string"):
        ai_services.operation_model(bad, "DetectLabels")


def test_boto3_method_name_is_explained():
    with pytest.raises(UnknownServiceError, match=r"'detect_labels' is the boto3 method name; the operation is 'DetectLabels'"):
        ai_services.validate_request("rekognition", "detect_labels", {})


def test_unknown_operation_is_refused():
    with pytest.raises(UnknownServiceError, match=r"no operation 'DetectLabel'.*'DetectLabels'"):
        ai_services.operation_model("rekognition", "DetectLabel")


def test_missing_required_parameter_is_refused_with_botocores_message():
    with pytest.raises(RequestShapeError, match=r'Missing required parameter in input: "LanguageCode"'):
        ai_services.validate_request("comprehend", "DetectSentiment", {"Text": "Hello there"})


def test_wrong_type_is_refused_with_botocores_message():
    with pytest.raises(RequestShapeError, match=r"Invalid type for parameter MinConfidence, value: 80%"):
        ai_services.validate_request(
            "rekognition", "DetectLabels",
            {"Image": {"S3Object": {"Bucket": "mlbook-bucket", "Name": "a.jpg"}}, "MinConfidence": "80%"},
        )


def test_unknown_parameter_is_refused():
    with pytest.raises(RequestShapeError, match=r'Unknown parameter in input: "Language"'):
        ai_services.validate_request("comprehend", "DetectSentiment", {**SENTIMENT, "Language": "en"})


def test_value_below_the_model_minimum_is_refused():
    request = {
        "TranscriptionJobName": "mlbook-job", "LanguageCode": "en-US",
        "Media": {"MediaFileUri": "s3://mlbook-bucket/call.wav"},
        "Settings": {"ShowSpeakerLabels": True, "MaxSpeakerLabels": 1},
    }
    with pytest.raises(RequestShapeError, match=r"Settings.MaxSpeakerLabels, value: 1, valid min value: 2"):
        ai_services.validate_request("transcribe", "StartTranscriptionJob", request)


def test_enum_values_are_checked_although_botocore_does_not():
    request = {"Document": {"S3Object": {"Bucket": "mlbook-bucket", "Name": "form.png"}}, "FeatureTypes": ["TABLE"]}
    with pytest.raises(RequestShapeError, match=r"FeatureTypes\[0\]: 'TABLE'; the service model allows TABLES, FORMS"):
        ai_services.validate_request("textract", "AnalyzeDocument", request)


def test_request_must_be_a_dict():
    with pytest.raises(RequestShapeError, match="must be a dict"):
        ai_services.validate_request("comprehend", "DetectSentiment", [SENTIMENT])


def test_row_missing_a_field_is_refused():
    rows = _rows()
    del rows[0]["operation"]
    with pytest.raises(AiServicesError, match=r"data/ai_services.yaml: at \[0\]: must contain"):
        ai_services.check_rows(rows)


def test_row_with_an_unexpected_field_is_refused():
    rows = _rows()
    rows[1]["price"] = "cheap"
    with pytest.raises(AiServicesError, match=r"at \[1\]: must not contain.*price"):
        ai_services.check_rows(rows)


def test_row_with_a_bad_source_is_refused():
    rows = _rows()
    rows[2]["source"] = "http://example.com/rekognition"
    with pytest.raises(AiServicesError, match=r"at \[2\]\.source"):
        ai_services.check_rows(rows)


def test_duplicate_ids_are_refused():
    rows = _rows()
    rows[1]["id"] = rows[0]["id"]
    with pytest.raises(AiServicesError, match="the id is used twice"):
        ai_services.check_rows(rows)


def test_row_whose_request_breaks_the_model_names_the_row():
    rows = _rows()
    row = next(r for r in rows if r["operation"] == "DetectSentiment")
    del row["request"]["LanguageCode"]
    with pytest.raises(RequestShapeError, match=rf"row \[\d+\] '{row['id']}': comprehend.DetectSentiment request breaks"):
        ai_services.check_rows(rows)


def test_row_with_an_unknown_operation_names_the_row():
    rows = _rows()
    rows[0]["operation"] = "DetectLabel"
    with pytest.raises(UnknownServiceError, match=rf"row \[0\] '{rows[0]['id']}': .*no operation 'DetectLabel'"):
        ai_services.check_rows(rows)


def test_closed_service_needs_a_note_and_a_source():
    rows = _rows()
    row = next(r for r in rows if r["availability"] == ai_services.CLOSED)
    del row["availability_source"]
    with pytest.raises(AiServicesError, match="needs availability_note and availability_source"):
        ai_services.check_rows(rows)


def test_available_service_carries_no_closure_note():
    rows = _rows()
    rows[0]["availability_note"] = "Still here, nothing to report."
    with pytest.raises(AiServicesError, match="only belong to rows whose availability is closed"):
        ai_services.check_rows(rows)
