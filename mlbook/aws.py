"""One call that points boto3 and the SageMaker SDK at AWS: the local stand-in (moto) by default,
or the reader's own account when ``MLBOOK_REAL_AWS=1`` is set.

    from mlbook import aws
    env = aws.start()              # moto inside this Python process
    env = aws.start(server=True)   # moto as an HTTP server on 127.0.0.1 (for pyarrow, DuckDB, ...)
    s3 = env.client("s3")          # an ordinary boto3 client: the lesson stays visible

Cells that only make sense on the stand-in (presetting an endpoint's answer, switching on IAM
enforcement) are guarded with ``if env.local_only("why"):`` so a real-account run skips them.
"""

from __future__ import annotations

import copy
import logging
import os
import socket
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import boto3

REAL_AWS_VARIABLE = "MLBOOK_REAL_AWS"
DEFAULT_REGION = "us-east-1"
LOCAL_ACCOUNT_ID = "123456789012"  # moto's default account
_TRUE, _FALSE = {"1", "true", "yes", "on"}, {"", "0", "false", "no", "off"}
_SDK_CONFIG = Path(__file__).with_name("sagemaker_config.yaml")


class RealAwsConfigError(RuntimeError):
    """A real-account run was asked for but cannot start (no credentials, no region, bad value)."""


def _quiet_logs() -> None:
    """Keep stored outputs free of library chatter that varies run to run."""
    # The SDK prints a v2 deprecation notice and 'Not applying SDK defaults' INFO lines on import.
    os.environ.setdefault("SAGEMAKER_SUPPRESS_V2_WARNING", "1")
    for name, level in {
        "sagemaker": logging.WARNING,  # 'Creating training-job with name ...-<timestamp>'
        "sagemaker.config": logging.WARNING,
        "botocore.credentials": logging.WARNING,  # 'Found credentials in environment variables'
        "werkzeug": logging.ERROR,  # one line per request when moto runs as a server
        "moto": logging.WARNING,
    }.items():
        logging.getLogger(name).setLevel(level)


_quiet_logs()  # on import, so it is in force before the notebook imports sagemaker


def _skip_slow_optional_import() -> None:
    """Keep jsonschema (imported by the SageMaker SDK) from loading rfc3987_syntax.

    jsonschema imports that optional package, when installed, only to check the 'iri' string
    format, and it compiles a grammar on import: 1.5 s of every SDK import. Nothing in the SDK
    uses that format, and jsonschema treats the package as optional (it skips the check when the
    import fails), so a kernel that uses this module goes without it.
    """
    import sys

    if "rfc3987_syntax" not in sys.modules and "jsonschema" not in sys.modules:
        sys.modules["rfc3987_syntax"] = None  # 'import rfc3987_syntax' now raises ImportError


_skip_slow_optional_import()


def use_real_aws() -> bool:
    """True when the reader opted into a real account with MLBOOK_REAL_AWS."""
    raw = os.environ.get(REAL_AWS_VARIABLE, "").strip().lower()
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise RealAwsConfigError(
        f"{REAL_AWS_VARIABLE}={os.environ[REAL_AWS_VARIABLE]!r} is not understood: set it to 1 to run "
        "against your own AWS account, or unset it (or set 0) to use the local stand-in."
    )


@dataclass
class AwsEnvironment:
    """Where AWS calls go. ``backend`` is 'local' (moto in-process), 'local-server' or 'real'."""

    backend: str
    region: str
    session: boto3.Session
    endpoint_url: str | None = None
    executes_state_machines: bool = False
    _undo: list = field(default_factory=list, repr=False)

    @property
    def is_local(self) -> bool:
        return self.backend != "real"

    @property
    def account_id(self) -> str:
        if self.is_local:
            return LOCAL_ACCOUNT_ID
        return self.client("sts").get_caller_identity()["Account"]

    def client(self, service: str, **kwargs):
        """``boto3`` client for ``service`` in this environment's region."""
        return self.session.client(service, endpoint_url=self.endpoint_url, **kwargs)

    def resource(self, service: str, **kwargs):
        return self.session.resource(service, endpoint_url=self.endpoint_url, **kwargs)

    def sagemaker_session(self):
        """A ``sagemaker.Session`` bound to this environment (imports the SDK, ~4 s, once)."""
        import sagemaker
        from sagemaker.session_settings import SessionSettings

        _validate_sdk_config_once()
        return sagemaker.Session(
            boto_session=self.session,
            sagemaker_client=self.client("sagemaker"),
            sagemaker_runtime_client=self.client("sagemaker-runtime"),
            # The book uses no JumpStart models; looking for their tags makes tuner.fit() warn
            # "No finished training job found" on jobs that have not run yet.
            settings=SessionSettings(include_jumpstart_tags=False),
        )

    @contextmanager
    def recorded_requests(self, client):
        """Record the API requests ``client`` sends inside the block, as (operation, parameters).

        The parameters are exactly what boto3 (or the SageMaker SDK using that client) passed to
        the API, so a notebook can show and assert the CreateTrainingJob request it sent:

            with env.recorded_requests(sm_session.sagemaker_client) as sent:
                estimator.fit(inputs, wait=False)
            operation, request = sent[-1]
        """
        if not hasattr(client, "meta") or not hasattr(client.meta, "events"):
            raise TypeError(
                f"recorded_requests needs a boto3 client (for example env.client('sagemaker') or "
                f"a SageMaker session's .sagemaker_client), got {type(client).__name__}."
            )
        sent: list[tuple[str, dict]] = []
        service = client.meta.service_model.service_name

        def record(params, model, **_):
            sent.append((model.name, copy.deepcopy(params)))

        event = f"before-parameter-build.{service}"
        client.meta.events.register(event, record)
        try:
            yield sent
        finally:
            client.meta.events.unregister(event, record)

    def local_only(self, what: str) -> bool:
        """Guard for a cell that only makes sense on the stand-in; explains the skip on a real account."""
        if self.is_local:
            return True
        print(f"Skipped on a real AWS account: {what} is something only the local stand-in needs.")
        return False

    def stop(self) -> None:
        """Stop the stand-in and restore the environment variables that start() changed."""
        global _current
        while self._undo:
            self._undo.pop()()
        if _current is self:
            _current = None


_current: AwsEnvironment | None = None


def _validate_sdk_config_once() -> None:
    """Make the SageMaker SDK validate an SDK-defaults config once instead of on every lookup.

    SDK 2.x re-validates the whole config against its JSON schema each time it reads a default
    (about ten times per Estimator, 0.6 s of CPU each construction here). The book's config only
    opts out of telemetry, so validating each distinct config once changes nothing but the time.
    """
    import json

    import sagemaker.utils as sdk_utils

    if getattr(sdk_utils.validate_sagemaker_config, "mlbook_once", False):
        return
    validate, seen = sdk_utils.validate_sagemaker_config, set()

    def validate_once(sagemaker_config=None):
        key = json.dumps(sagemaker_config, sort_keys=True, default=str)
        if key not in seen:
            validate(sagemaker_config)  # raises for an invalid config, as before
            seen.add(key)

    validate_once.mlbook_once = True
    sdk_utils.validate_sagemaker_config = validate_once


def _set_env(values: dict[str, str | None], undo: list) -> None:
    for key, value in values.items():
        old = os.environ.get(key)
        undo.append(lambda k=key, o=old: os.environ.__setitem__(k, o) if o is not None else os.environ.pop(k, None))
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


def _configure_moto_server(endpoint: str, config: dict) -> None:
    """Apply moto's configuration to a running moto server through its own HTTP API."""
    import json
    import urllib.request

    request = urllib.request.Request(
        f"{endpoint}/moto-api/config",
        data=json.dumps(config).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10):
        pass


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(
    server: bool = False,
    region: str = DEFAULT_REGION,
    quiet: bool = False,
    execute_state_machines: bool = False,
) -> AwsEnvironment:
    """Point boto3 and the SageMaker SDK at AWS and say which backend is in use.

    server=True runs moto as an HTTP server on 127.0.0.1 with a free port, for libraries that make
    their own HTTP requests (pyarrow, DuckDB); ``endpoint_url`` then holds its address.
    execute_state_machines=True makes the stand-in's Step Functions really run each state of an
    execution (moto only records executions otherwise); a real account always runs them.
    """
    global _current
    for name, value in {"server": server, "execute_state_machines": execute_state_machines}.items():
        if not isinstance(value, bool):
            raise TypeError(f"{name} must be True or False, got {value!r}.")
    wanted = "real" if use_real_aws() else ("local-server" if server else "local")
    if _current is not None:
        if (_current.backend, _current.executes_state_machines) == (wanted, execute_state_machines):
            return _current
        _current.stop()

    undo: list = []
    if wanted == "real":
        session = boto3.Session()
        if session.get_credentials() is None:
            raise RealAwsConfigError(
                f"{REAL_AWS_VARIABLE}=1 asks for your AWS account, but boto3 found no credentials. "
                "Configure them (aws configure, AWS_PROFILE, or an instance/Studio role), or unset "
                f"{REAL_AWS_VARIABLE} to use the local stand-in."
            )
        if not session.region_name:
            raise RealAwsConfigError(
                f"{REAL_AWS_VARIABLE}=1 but no AWS region is configured: set AWS_DEFAULT_REGION "
                "(for example us-east-1) or a region in your profile."
            )
        env = AwsEnvironment("real", session.region_name, session, None, execute_state_machines, undo)
        message = (
            f"AWS backend: your AWS account, region {env.region}. Calls create real resources "
            "that may cost money: delete them when you are done."
        )
    else:
        # Dummy credentials so nothing can reach a real account by accident.
        _set_env(
            {
                "AWS_ACCESS_KEY_ID": "testing",
                "AWS_SECRET_ACCESS_KEY": "testing",
                "AWS_SESSION_TOKEN": "testing",
                "AWS_DEFAULT_REGION": region,
                "AWS_PROFILE": None,
                "SAGEMAKER_USER_CONFIG_OVERRIDE": str(_SDK_CONFIG),
            },
            undo,
        )
        from mlbook import standin_fixes

        standin_fixes.apply()  # moto behaves as AWS where the chapters rely on it
        endpoint = None
        moto_config = {"stepfunctions": {"execute_state_machine": execute_state_machines}}
        if server:
            from moto.server import ThreadedMotoServer

            moto_server = ThreadedMotoServer(ip_address="127.0.0.1", port=_free_port(), verbose=False)
            moto_server.start()
            host, port = moto_server.get_host_and_port()
            endpoint = f"http://{host}:{port}"
            undo.append(moto_server.stop)
            _configure_moto_server(endpoint, moto_config)
            # Every boto3 client made from now on, including the SageMaker SDK's, uses the server.
            _set_env({"AWS_ENDPOINT_URL": endpoint}, undo)
            where = "moto server on 127.0.0.1"
        else:
            from moto import mock_aws

            mock = mock_aws(config=moto_config)
            mock.start()
            undo.append(mock.stop)
            where = "moto, in this Python process"
        session = boto3.Session(region_name=region)
        env = AwsEnvironment(wanted, region, session, endpoint, execute_state_machines, undo)
        message = (
            f"AWS backend: local stand-in ({where}), region {region}, dummy credentials. "
            f"Set {REAL_AWS_VARIABLE}=1 to use your own account."
        )
    _current = env
    if not quiet:
        print(message)
    return env
