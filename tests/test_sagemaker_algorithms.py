"""The built-in algorithms table is valid, agrees with the installed SageMaker SDK where code can
check it, and bad names, content types and input modes are refused with clear messages."""

import copy
import json
import logging
import os

import jsonschema
import pytest
import yaml

from mlbook import algorithms
from mlbook.algorithms import AlgorithmTableError, UnknownAlgorithmError, UnsupportedInputError
from mlbook.data import data_dir

os.environ.setdefault("SAGEMAKER_SUPPRESS_V2_WARNING", "1")
logging.getLogger("sagemaker.config").setLevel(logging.WARNING)

REGION = "us-east-1"
# The classic built-ins the chapter promises (BOOK_PLAN.md) plus the rest of the SDK's list.
PROMISED = {
    "linear-learner", "xgboost", "kmeans", "knn", "pca", "factorization-machines",
    "randomcutforest", "lda", "ntm", "blazingtext", "object2vec", "forecasting-deepar",
    "ipinsights", "image-classification", "object-detection", "semantic-segmentation", "seq2seq",
}
# SDK estimator classes for the first-party algorithms; they hold each hyperparameter as a
# descriptor. feature_dim and mini_batch_size are set by the SDK from the data and the fit() call.
SDK_CLASSES = {
    "linear-learner": "LinearLearner", "kmeans": "KMeans", "knn": "KNN", "pca": "PCA",
    "factorization-machines": "FactorizationMachines", "randomcutforest": "RandomCutForest",
    "lda": "LDA", "ntm": "NTM", "object2vec": "Object2Vec", "ipinsights": "IPInsights",
}
SET_BY_SDK = {"feature_dim", "mini_batch_size"}


def _rows():
    return copy.deepcopy(algorithms.load_table())


def _row(rows, key):
    return next(r for r in rows if r["key"] == key)


# --- the table itself --------------------------------------------------------------------------


def test_table_matches_its_schema_with_the_reference_validator():
    raw = yaml.safe_load((data_dir() / algorithms.TABLE_FILE).read_text())
    schema = json.loads((data_dir() / "schemas" / algorithms.SCHEMA_FILE).read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(raw, schema)


def test_table_covers_every_classic_built_in_once():
    keys = algorithms.names()
    assert len(keys) == len(set(keys))
    assert PROMISED <= set(keys), sorted(PROMISED - set(keys))


def test_every_image_uris_name_resolves_in_the_installed_sdk():
    from sagemaker import image_uris

    for row in algorithms.load_table():
        framework = row["image_uris_framework"]
        if framework is None:
            assert "JumpStart" in row["image_note"], row["key"]
            continue
        uri = image_uris.retrieve(framework, REGION, version=row.get("image_uris_version"))
        registry, _, repository = uri.partition("/")
        assert registry.endswith(f".dkr.ecr.{REGION}.amazonaws.com"), uri
        assert repository.split(":")[0].endswith(framework), uri


def test_every_sdk_first_party_algorithm_is_in_the_table():
    import sagemaker

    folder = os.path.join(os.path.dirname(sagemaker.__file__), "image_uri_config")
    sdk_names = {f[:-5] for f in os.listdir(folder) if f.endswith(".json")}
    table = {r["image_uris_framework"] for r in algorithms.load_table()} - {None}
    assert table <= sdk_names, sorted(table - sdk_names)
    assert PROMISED <= sdk_names


def test_supervised_algorithms_say_where_the_label_goes():
    for row in algorithms.load_table():
        if row["learning"] == "unsupervised":
            assert row["label"] is None, row["key"]
        else:
            assert row["label"] and len(row["label"]) > 10, row["key"]


def test_hyperparameter_names_exist_on_the_sdk_estimator_classes():
    import sagemaker

    for key, class_name in SDK_CLASSES.items():
        cls = getattr(sagemaker, class_name)
        known = {v.name for v in vars(cls).values() if type(v).__name__ == "Hyperparameter"}
        hps = algorithms.algorithm(key)["hyperparameters"]
        listed = set(hps["required"]) | set(hps["key"])
        unknown = listed - known - SET_BY_SDK
        assert not unknown, f"{key}: {sorted(unknown)} are not hyperparameters of sagemaker.{class_name}"


def test_sdk_estimator_classes_use_the_table_image():
    import sagemaker

    for key, class_name in SDK_CLASSES.items():
        assert getattr(sagemaker, class_name).repo_name == algorithms.algorithm(key)["image_uris_framework"]


def test_gpu_only_training_is_vision_and_seq2seq():
    gpu_only = {r["key"] for r in algorithms.load_table() if r["training_hardware"] == ["GPU"]}
    assert gpu_only == {"image-classification", "object-detection", "semantic-segmentation", "seq2seq"}


def test_sources_are_developer_guide_pages():
    for row in algorithms.load_table():
        assert row["source"].startswith("https://docs.aws.amazon.com/sagemaker/latest/dg/"), row["key"]


def test_load_table_returns_copies():
    rows = algorithms.load_table()
    rows[0]["training_inputs"][0]["content_type"] = "changed/x"
    assert algorithms.load_table()[0]["training_inputs"][0]["content_type"] != "changed/x"


# --- lookups -----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["kmeans", "K-Means", "k means", "K_MEANS"])
def test_algorithm_accepts_key_and_name_spellings(name):
    assert algorithms.algorithm(name)["key"] == "kmeans"


def test_unknown_algorithm_lists_close_matches():
    with pytest.raises(UnknownAlgorithmError, match=r"'kmens' is not a built-in algorithm.*Close matches: kmeans.*Known algorithms"):
        algorithms.algorithm("kmens")


def test_partial_name_suggests_the_full_key():
    with pytest.raises(UnknownAlgorithmError, match=r"Close matches: forecasting-deepar"):
        algorithms.algorithm("deepar")


def test_name_without_any_match_still_lists_the_table():
    with pytest.raises(UnknownAlgorithmError, match=r"'random forest' is not a built-in.*Known algorithms: linear-learner"):
        algorithms.algorithm("random forest")


@pytest.mark.parametrize("bad", ["", "   ", None, 7])
def test_algorithm_name_must_be_a_string(bad):
    with pytest.raises(UnknownAlgorithmError, match="Name a built-in algorithm"):
        algorithms.algorithm(bad)


# --- content types and input modes -------------------------------------------------------------


def test_accepted_content_type_returns_its_entry():
    entry = algorithms.check_training_content_type("xgboost", "text/csv", "Pipe")
    assert entry["content_type"] == "text/csv" and "Pipe" in entry["input_modes"]


def test_content_type_parameters_are_ignored():
    entry = algorithms.check_training_content_type("randomcutforest", "text/csv;label_size=0")
    assert entry["content_type"] == "text/csv"


def test_unsupported_content_type_names_what_is_accepted():
    with pytest.raises(UnsupportedInputError, match=r"Factorization Machines does not accept training content type 'text/csv'\. It accepts: application/x-recordio-protobuf \(File, Pipe\)"):
        algorithms.check_training_content_type("factorization-machines", "text/csv")


def test_content_type_in_the_wrong_mode_names_the_modes_that_work():
    with pytest.raises(UnsupportedInputError, match=r"XGBoost accepts text/libsvm only in File mode, not Pipe\. In Pipe mode it accepts: text/csv, application/x-parquet"):
        algorithms.check_training_content_type("xgboost", "text/libsvm", "Pipe")


def test_algorithm_without_pipe_mode_says_so():
    with pytest.raises(UnsupportedInputError, match="It has no Pipe mode at all"):
        algorithms.check_training_content_type("ipinsights", "text/csv", "Pipe")


@pytest.mark.parametrize("mode", ["file", "FastFile", "pipe", ""])
def test_unknown_input_mode_is_refused(mode):
    with pytest.raises(UnsupportedInputError, match=r"use 'File' or 'Pipe'"):
        algorithms.check_training_content_type("kmeans", "text/csv", mode)


@pytest.mark.parametrize("bad", ["csv", "", None])
def test_malformed_content_type_is_refused(bad):
    with pytest.raises(UnsupportedInputError, match="A content type looks like"):
        algorithms.check_training_content_type("kmeans", bad)


def test_unknown_algorithm_in_content_type_check():
    with pytest.raises(UnknownAlgorithmError, match="Close matches: xgboost"):
        algorithms.check_training_content_type("xgbost", "text/csv")


# --- rejected tables ---------------------------------------------------------------------------


def test_row_missing_a_field_is_refused():
    rows = _rows()
    del rows[0]["source"]
    with pytest.raises(AlgorithmTableError, match=r"data/sagemaker_algorithms.yaml: at \[0\]: must contain"):
        algorithms.check_rows(rows)


def test_unknown_input_mode_in_the_table_is_refused():
    rows = _rows()
    rows[0]["training_inputs"][0]["input_modes"] = ["FastFile"]
    with pytest.raises(AlgorithmTableError, match=r"at \[0\]\.training_inputs\[0\]\.input_modes\[0\]"):
        algorithms.check_rows(rows)


def test_source_outside_the_developer_guide_is_refused():
    rows = _rows()
    rows[1]["source"] = "https://example.com/xgboost"
    with pytest.raises(AlgorithmTableError, match=r"at \[1\]\.source"):
        algorithms.check_rows(rows)


def test_duplicate_key_is_refused():
    rows = _rows()
    rows[2] = copy.deepcopy(rows[1])
    with pytest.raises(AlgorithmTableError, match="used twice|already used"):
        algorithms.check_rows(rows)


def test_duplicate_name_is_refused():
    rows = _rows()
    rows[3]["name"] = rows[2]["name"]
    with pytest.raises(AlgorithmTableError, match="already used"):
        algorithms.check_rows(rows)


def test_supervised_row_without_label_is_refused():
    rows = _rows()
    _row(rows, "xgboost")["label"] = None
    with pytest.raises(AlgorithmTableError, match="learning is 'supervised' but label is null"):
        algorithms.check_rows(rows)


def test_unsupervised_row_with_label_is_refused():
    rows = _rows()
    _row(rows, "kmeans")["label"] = "First column of the CSV."
    with pytest.raises(AlgorithmTableError, match="learning is 'unsupervised' but label is set"):
        algorithms.check_rows(rows)


def test_row_without_image_needs_an_image_note():
    rows = _rows()
    del _row(rows, "lightgbm")["image_note"]
    with pytest.raises(AlgorithmTableError, match="add an image_note"):
        algorithms.check_rows(rows)


def test_key_must_equal_the_image_framework():
    rows = _rows()
    _row(rows, "kmeans")["image_uris_framework"] = "knn"
    with pytest.raises(AlgorithmTableError, match="key must equal image_uris_framework"):
        algorithms.check_rows(rows)


def test_content_type_listed_twice_is_refused():
    rows = _rows()
    row = _row(rows, "kmeans")
    row["training_inputs"].append({"content_type": "text/csv", "input_modes": ["File"]})
    with pytest.raises(AlgorithmTableError, match="listed twice"):
        algorithms.check_rows(rows)


def test_hyperparameter_in_both_lists_is_refused():
    rows = _rows()
    row = _row(rows, "kmeans")
    row["hyperparameters"]["key"].append("k")
    with pytest.raises(AlgorithmTableError, match=r"\['k'\] listed as both required and key"):
        algorithms.check_rows(rows)
