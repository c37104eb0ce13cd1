"""mlbook.states_language checks the core Amazon States Language rules like the real API answers."""

import copy
import json

import pytest

from mlbook.states_language import validate_definition

POLL = {
    "StartAt": "StartJob",
    "States": {
        "StartJob": {
            "Type": "Task",
            "Resource": "arn:aws:states:::aws-sdk:glue:startJobRun",
            "Next": "Wait",
        },
        "Wait": {"Type": "Wait", "SecondsPath": "$.poll_seconds", "Next": "GetStatus"},
        "GetStatus": {
            "Type": "Task",
            "Resource": "arn:aws:states:::aws-sdk:glue:getJobRun",
            "Next": "Done?",
        },
        "Done?": {
            "Type": "Choice",
            "Choices": [
                {"Variable": "$.state", "StringEquals": "SUCCEEDED", "Next": "Succeeded"},
                {"Variable": "$.state", "StringEquals": "FAILED", "Next": "Failed"},
            ],
            "Default": "Wait",
        },
        "Succeeded": {"Type": "Succeed"},
        "Failed": {"Type": "Fail", "Error": "JobFailed"},
    },
}


def _broken(change):
    machine = copy.deepcopy(POLL)
    change(machine)
    return machine


def _codes(result):
    return [(d["code"], d["location"]) for d in result["diagnostics"]]


def test_a_valid_poll_loop_is_ok_as_dict_and_as_json():
    for definition in (POLL, json.dumps(POLL), json.dumps(POLL).encode()):
        assert validate_definition(definition) == {
            "result": "OK",
            "diagnostics": [],
            "truncated": False,
        }


def test_diagnostics_have_the_api_fields():
    result = validate_definition(_broken(lambda m: m["States"]["Wait"].update(Next="Nowhere")))
    assert result["result"] == "FAIL" and result["truncated"] is False
    for diagnostic in result["diagnostics"]:
        assert set(diagnostic) == {"severity", "code", "message", "location"}
        assert diagnostic["severity"] == "ERROR"


def test_empty_and_invalid_json():
    assert _codes(validate_definition("  ")) == [("MISSING_DESCRIPTION", "/")]
    result = validate_definition('{"StartAt": "A",')
    assert _codes(result) == [("INVALID_JSON_DESCRIPTION", "/")]
    assert "not valid JSON" in result["diagnostics"][0]["message"]


def test_wrong_argument_type_is_refused():
    with pytest.raises(TypeError, match="JSON string or a dict"):
        validate_definition(["StartAt"])


def test_start_at_must_exist():
    result = validate_definition(_broken(lambda m: m.update(StartAt="Begin")))
    assert ("SCHEMA_VALIDATION_FAILED", "/StartAt") in _codes(result)
    missing = validate_definition({"States": {"A": {"Type": "Succeed"}}})
    assert ("SCHEMA_VALIDATION_FAILED", "/StartAt") in _codes(missing)


def test_states_must_be_a_non_empty_object():
    assert _codes(validate_definition({"StartAt": "A", "States": {}})) == [
        ("SCHEMA_VALIDATION_FAILED", "/States")
    ]
    assert _codes(validate_definition("[1]")) == [("SCHEMA_VALIDATION_FAILED", "/")]


def test_next_default_and_choice_targets_must_exist():
    result = validate_definition(_broken(lambda m: m["States"]["Done?"].update(Default="Wiat")))
    assert ("SCHEMA_VALIDATION_FAILED", "/States/Done?/Default") in _codes(result)
    result = validate_definition(
        _broken(lambda m: m["States"]["Done?"]["Choices"][1].update(Next="Fialed"))
    )
    assert ("SCHEMA_VALIDATION_FAILED", "/States/Done?/Choices/1/Next") in _codes(result)
    result = validate_definition(_broken(lambda m: m["States"]["StartJob"].update(Next="X")))
    assert ("SCHEMA_VALIDATION_FAILED", "/States/StartJob/Next") in _codes(result)


def test_choice_rules_need_next_and_choices():
    result = validate_definition(_broken(lambda m: m["States"]["Done?"]["Choices"][0].pop("Next")))
    assert ("SCHEMA_VALIDATION_FAILED", "/States/Done?/Choices/0") in _codes(result)
    result = validate_definition(_broken(lambda m: m["States"]["Done?"].update(Choices=[])))
    assert ("SCHEMA_VALIDATION_FAILED", "/States/Done?/Choices") in _codes(result)


def test_next_or_end_rules():
    both = validate_definition(_broken(lambda m: m["States"]["Wait"].update(End=True)))
    assert ("SCHEMA_VALIDATION_FAILED", "/States/Wait") in _codes(both)
    neither = validate_definition(_broken(lambda m: m["States"]["GetStatus"].pop("Next")))
    assert ("SCHEMA_VALIDATION_FAILED", "/States/GetStatus") in _codes(neither)
    on_choice = validate_definition(_broken(lambda m: m["States"]["Done?"].update(Next="Wait")))
    assert ("SCHEMA_VALIDATION_FAILED", "/States/Done?") in _codes(on_choice)
    on_succeed = validate_definition(_broken(lambda m: m["States"]["Succeeded"].update(End=True)))
    assert ("SCHEMA_VALIDATION_FAILED", "/States/Succeeded") in _codes(on_succeed)


@pytest.mark.parametrize(
    "fields", [{}, {"Seconds": 30, "SecondsPath": "$.poll_seconds"}], ids=["none", "two"]
)
def test_wait_needs_exactly_one_duration(fields):
    def change(machine):
        wait = machine["States"]["Wait"]
        wait.pop("SecondsPath")
        wait.update(fields)

    result = validate_definition(_broken(change))
    assert _codes(result) == [("SCHEMA_VALIDATION_FAILED", "/States/Wait")]
    assert "exactly one of Seconds" in result["diagnostics"][0]["message"]


def test_unknown_type_is_reported():
    result = validate_definition(_broken(lambda m: m["States"]["Wait"].update(Type="Sleep")))
    assert ("SCHEMA_VALIDATION_FAILED", "/States/Wait/Type") in _codes(result)


def test_a_workflow_needs_a_terminal_state():
    machine = {
        "StartAt": "A",
        "States": {"A": {"Type": "Pass", "Next": "B"}, "B": {"Type": "Pass", "Next": "A"}},
    }
    assert _codes(validate_definition(machine)) == [("MISSING_END_STATE", "/States")]


def test_unreachable_states_are_reported():
    result = validate_definition(
        _broken(lambda m: m["States"].update(Orphan={"Type": "Pass", "End": True}))
    )
    assert _codes(result) == [("SCHEMA_VALIDATION_FAILED", "/States/Orphan")]
    assert "cannot be reached" in result["diagnostics"][0]["message"]


def test_parallel_branches_are_checked_too():
    machine = {
        "StartAt": "Both",
        "States": {
            "Both": {
                "Type": "Parallel",
                "Branches": [{"StartAt": "X", "States": {"X": {"Type": "Pass", "Next": "Y"}}}],
                "End": True,
            }
        },
    }
    assert ("SCHEMA_VALIDATION_FAILED", "/States/Both/Branches/0/States/X/Next") in _codes(
        validate_definition(machine)
    )
