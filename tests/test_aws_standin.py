"""The local AWS stand-in starts, says where calls go, and a real-account opt-in fails clearly."""

import json
import os
import urllib.request

import pytest

from mlbook import aws

pytestmark = pytest.mark.usefixtures("clean_aws")


def test_in_process_stand_in_serves_boto3_and_says_so(capsys):
    env = aws.start()
    assert "local stand-in (moto, in this Python process), region us-east-1" in capsys.readouterr().out
    s3 = env.client("s3")
    s3.create_bucket(Bucket="book-test")
    s3.put_object(Bucket="book-test", Key="a.txt", Body=b"hello")
    assert s3.get_object(Bucket="book-test", Key="a.txt")["Body"].read() == b"hello"
    assert env.is_local and env.endpoint_url is None and env.account_id == aws.LOCAL_ACCOUNT_ID
    assert aws.start() is env, "a second start() in the same mode reuses the running stand-in"


def test_stop_restores_the_environment(monkeypatch):
    monkeypatch.setenv("AWS_PROFILE", "readers-own-profile")
    monkeypatch.delenv("AWS_ACCESS_KEY_ID", raising=False)
    env = aws.start(quiet=True)
    # Dummy keys (moto swaps in its own while mocking) and no profile that could reach a real account.
    assert os.environ["AWS_ACCESS_KEY_ID"] in {"testing", "FOOBARKEY"} and "AWS_PROFILE" not in os.environ
    env.stop()
    assert os.environ["AWS_PROFILE"] == "readers-own-profile" and "AWS_ACCESS_KEY_ID" not in os.environ


def test_server_mode_listens_on_loopback_for_plain_http(capsys):
    env = aws.start(server=True)
    assert "moto server on 127.0.0.1" in capsys.readouterr().out
    assert env.endpoint_url.startswith("http://127.0.0.1:")
    env.client("s3").create_bucket(Bucket="book-http")
    # Any HTTP client (pyarrow, DuckDB) can reach it: moto's own API lists the bucket.
    with urllib.request.urlopen(f"{env.endpoint_url}/moto-api/data.json") as response:
        state = json.load(response)
    assert "book-http" in json.dumps(state["s3"])
    assert os.environ["AWS_ENDPOINT_URL"] == env.endpoint_url
    env.stop()
    assert "AWS_ENDPOINT_URL" not in os.environ


def test_real_account_without_credentials_fails_with_a_fix(monkeypatch, tmp_path):
    for var in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv(aws.REAL_AWS_VARIABLE, "1")
    with pytest.raises(aws.RealAwsConfigError, match="found no credentials.*aws configure"):
        aws.start()


def test_real_account_without_region_fails_with_a_fix(monkeypatch, tmp_path):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAEXAMPLE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "secret")
    monkeypatch.delenv("AWS_DEFAULT_REGION", raising=False)
    monkeypatch.delenv("AWS_REGION", raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv(aws.REAL_AWS_VARIABLE, "true")
    with pytest.raises(aws.RealAwsConfigError, match="no AWS region.*AWS_DEFAULT_REGION"):
        aws.start()


def test_real_account_skips_stand_in_only_cells(monkeypatch, capsys):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAEXAMPLE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "secret")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-1")
    monkeypatch.setenv(aws.REAL_AWS_VARIABLE, "1")
    env = aws.start()  # makes no call: nothing reaches AWS in this test
    out = capsys.readouterr().out
    assert env.backend == "real" and env.region == "eu-west-1" and "your AWS account" in out
    assert env.local_only("presetting an endpoint's answer") is False
    assert "Skipped on a real AWS account" in capsys.readouterr().out


@pytest.mark.parametrize("value", ["maybe", "2"])
def test_unclear_opt_in_value_is_rejected(monkeypatch, value):
    monkeypatch.setenv(aws.REAL_AWS_VARIABLE, value)
    with pytest.raises(aws.RealAwsConfigError, match="set it to 1"):
        aws.start()


def test_server_flag_must_be_boolean():
    with pytest.raises(TypeError, match="True or False"):
        aws.start(server="yes")


def test_sagemaker_fit_offline_is_quiet_and_sends_no_telemetry(capsys, caplog, monkeypatch):
    env = aws.start(quiet=True)
    import sagemaker
    from sagemaker.estimator import Estimator
    from sagemaker.inputs import TrainingInput
    from sagemaker.telemetry import telemetry_logging

    telemetry = []
    monkeypatch.setattr(telemetry_logging, "_send_telemetry_request", lambda *a, **k: telemetry.append(a))
    role = env.client("iam").create_role(RoleName="book-sagemaker", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    env.client("s3").create_bucket(Bucket="book-sm")
    image = sagemaker.image_uris.retrieve("xgboost", env.region, "1.7-1")
    estimator = Estimator(
        image, role, instance_count=1, instance_type="ml.m5.large",
        sagemaker_session=env.sagemaker_session(), output_path="s3://book-sm/out",
    )
    caplog.clear()
    with env.recorded_requests(estimator.sagemaker_session.sagemaker_client) as sent:
        estimator.fit({"train": TrainingInput("s3://book-sm/train", content_type="text/csv")}, wait=False)
    (operation, request), = [c for c in sent if c[0] == "CreateTrainingJob"]
    assert request["InputDataConfig"][0]["ContentType"] == "text/csv"
    job = env.client("sagemaker").describe_training_job(TrainingJobName=estimator.latest_training_job.name)
    assert job["AlgorithmSpecification"]["TrainingImage"] == image
    assert not telemetry, "telemetry must be opted out on the stand-in"
    assert not [r for r in caplog.records if r.levelname in {"ERROR", "WARNING"}], caplog.text
    captured = capsys.readouterr()
    assert "Creating training-job" not in captured.out + captured.err


def test_recorded_requests_capture_what_the_sdk_sends():
    env = aws.start(quiet=True)
    s3 = env.client("s3")
    with env.recorded_requests(s3) as sent:
        s3.create_bucket(Bucket="book-recorded")
        s3.put_object(Bucket="book-recorded", Key="k", Body=b"x")
    assert [op for op, _ in sent] == ["CreateBucket", "PutObject"]
    assert sent[1][1]["Key"] == "k"
    s3.list_buckets()
    assert len(sent) == 2, "recording stops when the block ends"


def test_recorded_requests_needs_a_client():
    env = aws.start(quiet=True)
    with pytest.raises(TypeError, match="needs a boto3 client"):
        with env.recorded_requests("sagemaker"):
            pass


def test_sdk_config_is_validated_once_and_still_rejects_bad_configs():
    env = aws.start(quiet=True)
    env.sagemaker_session()
    import jsonschema
    import sagemaker.utils as sdk_utils

    assert getattr(sdk_utils.validate_sagemaker_config, "mlbook_once", False)
    with pytest.raises(jsonschema.ValidationError):
        sdk_utils.validate_sagemaker_config({"SchemaVersion": "1.0", "SageMaker": {"NoSuchKey": 1}})


def test_sdk_import_skips_the_slow_optional_iri_checker():
    import subprocess
    import sys

    code = (
        "import sys; from mlbook import aws; import jsonschema; "
        "assert sys.modules['rfc3987_syntax'] is None; "
        "jsonschema.validate({'a': 1}, {'properties': {'a': {'type': 'integer'}}}); "
        "print('ok')"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.stdout.strip() == "ok", out.stderr


STATE_MACHINE = {
    "StartAt": "Double",
    "States": {"Double": {"Type": "Pass", "Parameters": {"n.$": "States.MathAdd($.n, $.n)"}, "End": True}},
}


@pytest.mark.parametrize("server", [False, True])
def test_state_machines_run_only_when_asked(server):
    import time

    def run_once(env, wait):
        sfn = env.client("stepfunctions")
        arn = sfn.create_state_machine(
            name="book-double",
            definition=json.dumps(STATE_MACHINE),
            roleArn=f"arn:aws:iam::{env.account_id}:role/book-sfn",
        )["stateMachineArn"]
        run = sfn.start_execution(stateMachineArn=arn, input=json.dumps({"n": 21}))
        for _ in range(50 if wait else 1):  # the interpreter runs in a background thread
            described = sfn.describe_execution(executionArn=run["executionArn"])
            if described["status"] != "RUNNING":
                break
            time.sleep(0.1)
        return described

    interpreted = run_once(aws.start(server=server, quiet=True, execute_state_machines=True), True)
    assert interpreted["status"] == "SUCCEEDED" and json.loads(interpreted["output"]) == {"n": 42}
    # Asking for the other mode restarts the stand-in; moto then only records the execution.
    recorded = run_once(aws.start(server=server, quiet=True), False)
    assert recorded["status"] == "RUNNING" and "output" not in recorded


def test_start_rejects_a_non_boolean_switch():
    with pytest.raises(TypeError, match="execute_state_machines must be True or False"):
        aws.start(execute_state_machines="yes")
