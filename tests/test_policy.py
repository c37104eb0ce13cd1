"""mlbook.policy decides requests the way IAM documents it and rejects malformed policies clearly."""

import json
import re

import pytest

from mlbook import policy
from mlbook.policy import PolicyError

ACCOUNT = "123456789012"
OTHER = "111122223333"
ANA = f"arn:aws:iam::{ACCOUNT}:user/ana"
BOB = f"arn:aws:iam::{ACCOUNT}:user/bob"
PARTNER = f"arn:aws:iam::{OTHER}:role/partner"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/sagemaker-exec"
KEY = f"arn:aws:kms:us-east-1:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
OBJ = "arn:aws:s3:::data-bucket/training/train.csv"


def doc(*statements):
    return {"Version": "2012-10-17", "Statement": list(statements)}


def allow(action="s3:GetObject", resource="arn:aws:s3:::data-bucket/training/*", **extra):
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


def deny(action="s3:GetObject", resource="arn:aws:s3:::data-bucket/training/*", **extra):
    return {"Effect": "Deny", "Action": action, "Resource": resource, **extra}


def grant(principal, action="s3:GetObject", resource="arn:aws:s3:::data-bucket/*", **extra):
    return {
        "Effect": "Allow",
        "Principal": principal,
        "Action": action,
        "Resource": resource,
        **extra,
    }


def decide(action="s3:GetObject", resource=OBJ, principal=ANA, **kwargs):
    return policy.evaluate(action, resource, principal=principal, **kwargs)


# ---------------------------------------------------------------------------- evaluation rules


def test_default_is_implicit_deny():
    d = decide()
    assert (d.allowed, d.kind, d.effect) == (False, "implicit-deny", "Deny")
    assert "no statement allows s3:GetObject" in d.reason


def test_a_matching_allow_allows_and_names_the_statement():
    d = decide(identity_policies=[doc(allow(Sid="ReadTraining"))])
    assert d.allowed and d.kind == "allow" and d.statements == ("ReadTraining",)
    assert str(d) == "Allow (allowed by ReadTraining)"


def test_statements_without_sid_are_named_by_position():
    d = decide(identity_policies=[doc(allow())])
    assert d.statements == ("identity policy 1[0]",)


def test_explicit_deny_beats_allow_in_another_policy():
    d = decide(identity_policies=[doc(allow()), doc(deny(Sid="NoTraining"))])
    assert (d.allowed, d.kind, d.statements) == (False, "explicit-deny", ("NoTraining",))


def test_explicit_deny_beats_allow_in_the_same_policy():
    d = decide(identity_policies=[doc(allow(), deny(Sid="D"))])
    assert d.kind == "explicit-deny"


def test_a_resource_policy_deny_beats_an_identity_allow():
    d = decide(
        identity_policies=[doc(allow())],
        resource_policies=[doc(dict(deny(Sid="BucketDeny"), Principal="*"))],
    )
    assert d.kind == "explicit-deny" and d.statements == ("BucketDeny",)


def test_action_wildcards_and_case_insensitive_actions():
    p = [doc(allow(action="s3:Get*"))]
    assert decide(identity_policies=p).allowed
    assert decide("s3:GetObjectTagging", identity_policies=p).allowed
    assert not decide("s3:PutObject", identity_policies=p).allowed
    assert decide(identity_policies=[doc(allow(action="S3:getobject"))]).allowed
    assert decide(identity_policies=[doc(allow(action="s3:GetObjec?"))]).allowed
    assert decide(identity_policies=[doc(allow(action="*"))]).allowed


def test_action_list_matches_any_entry():
    p = [doc(allow(action=["s3:PutObject", "s3:GetObject"]))]
    assert decide(identity_policies=p).allowed


def test_resource_wildcards_are_case_sensitive():
    assert decide(identity_policies=[doc(allow(resource="arn:aws:s3:::data-bucket/*"))]).allowed
    assert not decide(identity_policies=[doc(allow(resource="arn:aws:s3:::Data-Bucket/*"))]).allowed
    other = "arn:aws:s3:::data-bucket/hr/salaries.csv"
    assert not decide(resource=other, identity_policies=[doc(allow())]).allowed


def test_not_action_and_not_resource():
    p = [doc({"Effect": "Allow", "NotAction": "s3:Delete*", "Resource": "*"})]
    assert decide(identity_policies=p).allowed
    assert not decide("s3:DeleteObject", identity_policies=p).allowed
    p = [doc({"Effect": "Allow", "Action": "s3:*", "NotResource": "arn:aws:s3:::data-bucket/hr/*"})]
    assert decide(identity_policies=p).allowed
    assert not decide(resource="arn:aws:s3:::data-bucket/hr/x", identity_policies=p).allowed


def test_statement_may_be_a_single_object():
    assert decide(identity_policies=[{"Version": "2012-10-17", "Statement": allow()}]).allowed


def test_policies_may_be_json_text():
    assert decide(identity_policies=[json.dumps(doc(allow()))]).allowed


# ------------------------------------------------------------------------------- conditions

VPCE_DENY = {
    "Sid": "OnlyFromEndpoint",
    "Effect": "Deny",
    "Principal": "*",
    "Action": "s3:GetObject",
    "Resource": "arn:aws:s3:::data-bucket/*",
    "Condition": {"StringNotEquals": {"aws:SourceVpce": "vpce-1a2b3c4d"}},
}


def test_string_not_equals_deny_applies_when_the_key_is_missing():
    ident = [doc(allow())]
    from_endpoint = decide(
        identity_policies=ident,
        resource_policies=[doc(VPCE_DENY)],
        context={"aws:SourceVpce": "vpce-1a2b3c4d"},
    )
    from_internet = decide(identity_policies=ident, resource_policies=[doc(VPCE_DENY)])
    other_endpoint = decide(
        identity_policies=ident,
        resource_policies=[doc(VPCE_DENY)],
        context={"aws:SourceVpce": "vpce-99999999"},
    )
    assert from_endpoint.allowed
    assert from_internet.kind == other_endpoint.kind == "explicit-deny"


def test_condition_keys_are_case_insensitive():
    d = decide(
        identity_policies=[doc(allow())],
        resource_policies=[doc(VPCE_DENY)],
        context={"AWS:SOURCEVPCE": "vpce-1a2b3c4d"},
    )
    assert d.allowed


def test_positive_operator_is_false_when_the_key_is_missing():
    p = [doc(allow(Condition={"StringEquals": {"aws:SourceVpce": "vpce-1a2b3c4d"}}))]
    assert not decide(identity_policies=p).allowed
    assert decide(identity_policies=p, context={"aws:SourceVpce": "vpce-1a2b3c4d"}).allowed


def test_if_exists_passes_when_the_key_is_missing():
    p = [doc(allow(Condition={"StringEqualsIfExists": {"aws:SourceVpce": "vpce-1a2b3c4d"}}))]
    assert decide(identity_policies=p).allowed
    assert not decide(identity_policies=p, context={"aws:SourceVpce": "vpce-0"}).allowed


def test_bool_secure_transport():
    tls_only = doc(
        dict(
            deny(action="s3:*", resource="*", Sid="TLSOnly"),
            Principal="*",
            Condition={"Bool": {"aws:SecureTransport": "false"}},
        )
    )
    ident = [doc(allow())]
    http = decide(
        identity_policies=ident,
        resource_policies=[tls_only],
        context={"aws:SecureTransport": False},
    )
    https = decide(
        identity_policies=ident, resource_policies=[tls_only], context={"aws:SecureTransport": True}
    )
    assert http.kind == "explicit-deny" and https.allowed


def test_null_checks_presence():
    p = [doc(allow(Condition={"Null": {"aws:SourceVpce": "false"}}))]
    assert decide(identity_policies=p, context={"aws:SourceVpce": "vpce-1"}).allowed
    assert not decide(identity_policies=p).allowed
    p = [doc(allow(Condition={"Null": {"aws:SourceVpce": "true"}}))]
    assert decide(identity_policies=p).allowed


def test_several_values_are_or_and_several_keys_are_and():
    p = [
        doc(
            allow(
                Condition={
                    "StringEquals": {
                        "aws:SourceVpce": ["vpce-1", "vpce-2"],
                        "aws:PrincipalTag/team": "ml",
                    }
                }
            )
        )
    ]
    assert decide(
        identity_policies=p, context={"aws:SourceVpce": "vpce-2", "aws:PrincipalTag/team": "ml"}
    ).allowed
    assert not decide(identity_policies=p, context={"aws:SourceVpce": "vpce-2"}).allowed
    neg = [doc(allow(Condition={"StringNotEquals": {"aws:SourceVpce": ["vpce-1", "vpce-2"]}}))]
    assert not decide(identity_policies=neg, context={"aws:SourceVpce": "vpce-2"}).allowed
    assert decide(identity_policies=neg, context={"aws:SourceVpce": "vpce-3"}).allowed


def test_string_like_ignore_case_numeric_ip_and_arn_operators():
    def allowed(condition, context):
        return decide(identity_policies=[doc(allow(Condition=condition))], context=context).allowed

    assert allowed({"StringLike": {"s3:prefix": "training/*"}}, {"s3:prefix": "training/2024"})
    assert not allowed({"StringNotLike": {"s3:prefix": "training/*"}}, {"s3:prefix": "training/a"})
    assert allowed(
        {"StringEqualsIgnoreCase": {"aws:PrincipalTag/team": "ML"}}, {"aws:PrincipalTag/team": "ml"}
    )
    assert not allowed(
        {"StringNotEqualsIgnoreCase": {"aws:PrincipalTag/team": "ML"}},
        {"aws:PrincipalTag/team": "ml"},
    )
    assert allowed({"NumericLessThanEquals": {"s3:max-keys": "10"}}, {"s3:max-keys": 10})
    assert not allowed({"NumericGreaterThan": {"s3:max-keys": 10}}, {"s3:max-keys": "10"})
    assert allowed({"NumericNotEquals": {"s3:max-keys": 5}}, {"s3:max-keys": 10})
    assert allowed({"NumericLessThan": {"s3:max-keys": 11}}, {"s3:max-keys": 10})
    assert allowed({"NumericGreaterThanEquals": {"s3:max-keys": 10}}, {"s3:max-keys": 10})
    assert allowed({"NumericEquals": {"s3:max-keys": 10}}, {"s3:max-keys": "10.0"})
    assert not allowed({"NumericEquals": {"s3:max-keys": 10}}, {"s3:max-keys": "ten"})
    assert allowed(
        {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}, {"aws:SourceIp": "203.0.113.9"}
    )
    assert not allowed(
        {"NotIpAddress": {"aws:SourceIp": "203.0.113.0/24"}}, {"aws:SourceIp": "203.0.113.9"}
    )
    assert not allowed({"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}, {"aws:SourceIp": "nope"})
    assert allowed(
        {"ArnLike": {"aws:SourceArn": "arn:aws:sagemaker:*:*:training-job/*"}},
        {"aws:SourceArn": f"arn:aws:sagemaker:us-east-1:{ACCOUNT}:training-job/j"},
    )
    assert allowed({"ArnEquals": {"aws:SourceArn": ROLE}}, {"aws:SourceArn": ROLE})
    assert not allowed({"ArnNotEquals": {"aws:SourceArn": ROLE}}, {"aws:SourceArn": ROLE})
    assert allowed({"ArnNotLike": {"aws:SourceArn": "arn:aws:s3:::*"}}, {"aws:SourceArn": ROLE})


# ---------------------------------------------------- identity-based vs resource-based policies


def test_same_account_resource_policy_alone_grants_a_named_principal():
    d = decide(principal=BOB, resource_policies=[doc(grant({"AWS": BOB}, Sid="BobReads"))])
    assert d.allowed and d.statements == ("BobReads",)


def test_resource_policy_for_someone_else_does_not_apply():
    assert not decide(principal=ANA, resource_policies=[doc(grant({"AWS": BOB}))]).allowed
    assert not decide(
        resource_policies=[doc(grant({"Service": "sagemaker.amazonaws.com"}))]
    ).allowed
    assert not decide(
        resource_policies=[doc(grant({"Federated": "cognito-identity.amazonaws.com"}))]
    ).allowed


def test_star_principal_matches_everyone():
    assert decide(
        principal=PARTNER,
        resource_policies=[doc(grant("*"))],
        identity_policies=[doc(allow(resource="*"))],
    ).allowed
    assert decide(resource_policies=[doc(grant({"AWS": "*"}))]).allowed


def test_account_principal_in_same_account_delegates_to_identity_policies():
    bucket = [doc(grant({"AWS": ACCOUNT}))]
    assert not decide(resource_policies=bucket).allowed
    assert decide(resource_policies=bucket, identity_policies=[doc(allow())]).allowed


def test_cross_account_needs_both_sides():
    bucket = [doc(grant({"AWS": f"arn:aws:iam::{OTHER}:root"}, Sid="PartnerAccount"))]
    their_identity = [doc(allow(resource="arn:aws:s3:::data-bucket/*", Sid="PartnerReads"))]
    both = decide(
        principal=PARTNER,
        resource_policies=bucket,
        identity_policies=their_identity,
        resource_account=ACCOUNT,
    )
    only_bucket = decide(principal=PARTNER, resource_policies=bucket, resource_account=ACCOUNT)
    only_identity = decide(
        principal=PARTNER, identity_policies=their_identity, resource_account=ACCOUNT
    )
    assert both.allowed and set(both.statements) == {"PartnerAccount", "PartnerReads"}
    assert not only_bucket.allowed and "identity-based" in only_bucket.reason
    assert not only_identity.allowed and "resource-based" in only_identity.reason
    named = [doc(grant({"AWS": PARTNER}))]
    assert decide(
        principal=PARTNER,
        resource_policies=named,
        identity_policies=their_identity,
        resource_account=ACCOUNT,
    ).allowed


def test_resource_account_is_read_from_the_arn():
    their_identity = [doc(allow(action="kms:Decrypt", resource=KEY))]
    d = decide("kms:Decrypt", KEY, principal=PARTNER, identity_policies=their_identity)
    assert not d.allowed and "resource-based" in d.reason


TRUST = doc(
    {
        "Effect": "Allow",
        "Principal": {"Service": "sagemaker.amazonaws.com"},
        "Action": "sts:AssumeRole",
    }
)


def test_trust_policy_decides_which_service_may_assume_a_role():
    ok = policy.evaluate(
        "sts:AssumeRole", ROLE, principal="sagemaker.amazonaws.com", resource_policies=[TRUST]
    )
    no = policy.evaluate(
        "sts:AssumeRole", ROLE, principal="ec2.amazonaws.com", resource_policies=[TRUST]
    )
    assert ok.allowed and no.kind == "implicit-deny"


def test_trust_policy_must_allow_even_in_the_same_account():
    admin = [doc(allow(action="sts:AssumeRole", resource="*"))]
    d = decide("sts:AssumeRole", ROLE, identity_policies=admin, resource_policies=[TRUST])
    assert not d.allowed and "trust policy" in d.reason
    trust_account = doc(
        {"Effect": "Allow", "Principal": {"AWS": ACCOUNT}, "Action": "sts:AssumeRole"}
    )
    assert decide(
        "sts:AssumeRole", ROLE, identity_policies=admin, resource_policies=[trust_account]
    ).allowed
    assert not decide("sts:AssumeRole", ROLE, resource_policies=[trust_account]).allowed
    trust_ana = doc({"Effect": "Allow", "Principal": {"AWS": ANA}, "Action": "sts:AssumeRole"})
    assert decide("sts:AssumeRole", ROLE, resource_policies=[trust_ana]).allowed


def test_kms_key_policy_must_allow():
    ident = [doc(allow(action="kms:Decrypt", resource=KEY))]
    assert not decide("kms:Decrypt", KEY, identity_policies=ident).allowed
    key_policy = doc(
        {
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
            "Action": "kms:*",
            "Resource": "*",
        }
    )
    assert decide(
        "kms:Decrypt", KEY, identity_policies=ident, resource_policies=[key_policy]
    ).allowed


def test_service_principal_with_resource_policy_conditions():
    trail_bucket = doc(
        {
            "Sid": "CloudTrailWrite",
            "Effect": "Allow",
            "Principal": {"Service": "cloudtrail.amazonaws.com"},
            "Action": "s3:PutObject",
            "Resource": f"arn:aws:s3:::logs/AWSLogs/{ACCOUNT}/*",
            "Condition": {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control"}},
        }
    )
    ok = policy.evaluate(
        "s3:PutObject",
        f"arn:aws:s3:::logs/AWSLogs/{ACCOUNT}/x.json.gz",
        principal="cloudtrail.amazonaws.com",
        resource_policies=[trail_bucket],
        context={"s3:x-amz-acl": "bucket-owner-full-control"},
    )
    elsewhere = policy.evaluate(
        "s3:PutObject",
        "arn:aws:s3:::logs/other/x",
        principal="cloudtrail.amazonaws.com",
        resource_policies=[trail_bucket],
        context={"s3:x-amz-acl": "bucket-owner-full-control"},
    )
    assert ok.allowed and not elsewhere.allowed


# ------------------------------------------------------------------- rejected policy documents

BAD_DOCUMENTS = [
    ("not json", "{", "not valid JSON"),
    ("not an object", [allow()], "must be a JSON object"),
    ("unknown top key", {"Version": "2012-10-17", "Statements": [allow()]}, "Statements"),
    ("missing Version", {"Statement": [allow()]}, 'has no "Version"'),
    (
        "made-up Version",
        {"Version": "2024-01-01", "Statement": [allow()]},
        "fixed language version",
    ),
    ("missing Statement", {"Version": "2012-10-17"}, 'has no "Statement"'),
    ("empty Statement", doc(), "is empty"),
    ("statement not object", doc("s3:GetObject"), "must be a JSON object"),
    ("unknown statement key", doc(dict(allow(), Actions="s3:*")), "Actions"),
    ("missing Effect", doc({"Action": "s3:GetObject", "Resource": "*"}), 'missing "Effect"'),
    ("lower-case Effect", doc(dict(allow(), Effect="allow")), "case-sensitive"),
    ("Effect not Allow/Deny", doc(dict(allow(), Effect="Permit")), '"Allow" or "Deny"'),
    ("no Action", doc({"Effect": "Allow", "Resource": "*"}), "exactly one of"),
    ("Action and NotAction", doc(dict(allow(), NotAction="s3:PutObject")), "exactly one of"),
    ("action without service", doc(allow(action="GetObject")), "not of the form service:Action"),
    ("action with spaces", doc(allow(action="s3: GetObject")), "not of the form service:Action"),
    ("empty action list", doc(allow(action=[])), "non-empty"),
    ("non-string action", doc(allow(action=["s3:GetObject", 7])), "non-empty"),
    ("resource not an ARN", doc(allow(resource="data-bucket/*")), "is not an ARN"),
    ("Resource and NotResource", doc(dict(allow(), NotResource="*")), "not both"),
    (
        "policy variable",
        doc(allow(resource="arn:aws:s3:::b/${aws:username}/*")),
        "policy variables",
    ),
    ("identity without Resource", doc({"Effect": "Allow", "Action": "s3:*"}), 'needs "Resource"'),
    ("identity with Principal", doc(grant("*")), "has no Principal"),
    ("NotPrincipal", doc(dict(allow(), NotPrincipal={"AWS": ANA})), "NotPrincipal"),
    ("Condition not object", doc(allow(Condition=["x"])), "Condition must be an object"),
    (
        "unknown operator",
        doc(allow(Condition={"StringEqual": {"aws:SourceVpce": "v"}})),
        "Did you mean 'StringEquals'",
    ),
    (
        "lower-case operator",
        doc(allow(Condition={"stringequals": {"aws:SourceVpce": "v"}})),
        "unknown condition operator",
    ),
    ("non-string operator", doc(allow(Condition={7: {"aws:SourceVpce": "v"}})), "must be a string"),
    (
        "set operator",
        doc(allow(Condition={"ForAnyValue:StringEquals": {"aws:TagKeys": "a"}})),
        "set operator",
    ),
    (
        "date operator",
        doc(allow(Condition={"DateLessThan": {"aws:CurrentTime": "2030-01-01"}})),
        "does not evaluate",
    ),
    (
        "NullIfExists",
        doc(allow(Condition={"NullIfExists": {"aws:SourceVpce": "true"}})),
        "no IfExists form",
    ),
    (
        "empty condition block",
        doc(allow(Condition={"StringEquals": {}})),
        "must map condition keys",
    ),
    (
        "empty condition values",
        doc(allow(Condition={"StringEquals": {"aws:SourceVpce": []}})),
        "at least one value",
    ),
    (
        "object condition value",
        doc(allow(Condition={"StringEquals": {"aws:SourceVpce": {"a": 1}}})),
        "strings, numbers or booleans",
    ),
    (
        "Bool not true/false",
        doc(allow(Condition={"Bool": {"aws:SecureTransport": "yes"}})),
        '"true" or "false"',
    ),
    (
        "Numeric not a number",
        doc(allow(Condition={"NumericLessThan": {"s3:max-keys": "ten"}})),
        "needs a number",
    ),
    (
        "bad CIDR",
        doc(allow(Condition={"IpAddress": {"aws:SourceIp": "10.0.0.0/33"}})),
        "IP address or CIDR",
    ),
]


@pytest.mark.parametrize(
    "document,message",
    [(d, m) for _, d, m in BAD_DOCUMENTS],
    ids=[name for name, _, _ in BAD_DOCUMENTS],
)
def test_malformed_identity_policies_are_rejected_with_a_fix(document, message):
    with pytest.raises(PolicyError, match=re.escape(message)):
        policy.validate(document)


BAD_RESOURCE_POLICIES = [
    ("no Principal", doc(allow()), 'add "Principal"'),
    ("Principal a bare string", doc(grant(ANA)), 'Principal must be "*" or an object'),
    ("unknown principal type", doc(grant({"User": ANA})), "unknown principal type"),
    ("bad AWS principal", doc(grant({"AWS": "ana"})), "neither an account ID"),
    ("bad service principal", doc(grant({"Service": "sagemaker"})), "sagemaker.amazonaws.com"),
    ("empty principal list", doc(grant({"AWS": []})), "non-empty"),
]


@pytest.mark.parametrize(
    "document,message",
    [(d, m) for _, d, m in BAD_RESOURCE_POLICIES],
    ids=[name for name, _, _ in BAD_RESOURCE_POLICIES],
)
def test_malformed_resource_policies_are_rejected_with_a_fix(document, message):
    with pytest.raises(PolicyError, match=re.escape(message)):
        policy.validate(document, kind="resource")


def test_valid_documents_pass_and_come_back_as_dicts():
    assert policy.validate(json.dumps(doc(allow()))) == doc(allow())
    assert (
        policy.validate(doc(VPCE_DENY), kind="resource")["Statement"][0]["Sid"]
        == "OnlyFromEndpoint"
    )
    assert policy.validate(
        {"Version": "2008-10-17", "Id": "x", "Statement": grant("*")}, kind="resource"
    )
    policy.validate(TRUST, kind="resource")  # a trust policy names no Resource


def test_unknown_kind_is_rejected():
    with pytest.raises(PolicyError, match="kind must be one of"):
        policy.validate(doc(allow()), kind="bucket")


def test_evaluate_validates_the_policies_it_is_given():
    with pytest.raises(PolicyError, match="has no Principal"):
        decide(identity_policies=[doc(grant("*"))])
    with pytest.raises(PolicyError, match='add "Principal"'):
        decide(resource_policies=[doc(allow())])


# --------------------------------------------------------------------------- rejected requests


@pytest.mark.parametrize(
    "kwargs,message",
    [
        ({"action": "GetObject"}, "one concrete service:Action"),
        ({"action": "s3:Get*"}, "wildcards belong in policies"),
        ({"action": None}, "one concrete service:Action"),
        ({"resource": "data-bucket/key"}, "must be an ARN"),
        ({"principal": "ana"}, "must be an IAM ARN"),
        ({"principal": 42}, "principal must be a string"),
        ({"resource_account": "12345"}, "12-digit account ID"),
        ({"identity_policies": doc(allow())}, "list of policy documents"),
        ({"resource_policies": json.dumps(doc(grant("*")))}, "list of policy documents"),
        ({"context": ["aws:SourceVpce"]}, "context must be a dict"),
        ({"context": {"SourceVpce": "v"}}, "should look like a condition key"),
        ({"context": {"aws:SourceVpce": {"v": 1}}}, "string, number or bool"),
        (
            {"principal": "sagemaker.amazonaws.com", "identity_policies": [doc(allow())]},
            "service principal has no identity-based policies",
        ),
    ],
)
def test_malformed_requests_are_rejected(kwargs, message):
    args = {"action": "s3:GetObject", "resource": OBJ, "principal": ANA, **kwargs}
    with pytest.raises(PolicyError, match=message):
        policy.evaluate(args.pop("action"), args.pop("resource"), **args)
