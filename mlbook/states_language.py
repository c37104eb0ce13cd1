"""Check an Amazon States Language definition for the core structural rules, offline.

AWS Step Functions checks a definition with the ``ValidateStateMachineDefinition`` API; the book's
local stand-in (moto) does not implement that API. ``validate_definition`` checks the rules a
wait-and-poll workflow depends on and answers in the same shape as the API's response:

    {"result": "OK" | "FAIL",
     "diagnostics": [{"severity": "ERROR", "code": "...", "message": "...", "location": "..."}],
     "truncated": False}

Rules checked (each a diagnostic with severity ERROR, so any of them makes the result FAIL):

- the definition is JSON (``INVALID_JSON_DESCRIPTION``) and not empty (``MISSING_DESCRIPTION``);
- it has ``StartAt`` and a non-empty ``States`` object, and ``StartAt`` names a state;
- every state has a known ``Type``; every ``Next``, ``Default`` and Choice-rule ``Next`` names a
  state that exists; Task, Pass, Wait, Parallel and Map states have exactly one of ``Next`` or
  ``"End": true``; Choice, Succeed and Fail states have neither;
- a Choice state has a non-empty ``Choices`` list and every rule has a ``Next``;
- a Wait state has exactly one of ``Seconds``, ``Timestamp``, ``SecondsPath``, ``TimestampPath``;
- there is at least one terminal state (``"End": true``, Succeed or Fail): ``MISSING_END_STATE``;
- every state can be reached from ``StartAt``.

Structural errors other than those with their own code use ``SCHEMA_VALIDATION_FAILED``, the
code the API uses for them. The API checks more than this (resource ARNs, JSONPath syntax,
field types, intrinsic functions): an ``OK`` here is necessary, not sufficient.
Field names and codes: https://docs.aws.amazon.com/step-functions/latest/apireference/API_ValidateStateMachineDefinition.html
"""

from __future__ import annotations

import json

STATE_TYPES = ("Task", "Pass", "Choice", "Wait", "Succeed", "Fail", "Parallel", "Map")
NEEDS_NEXT_OR_END = {"Task", "Pass", "Wait", "Parallel", "Map"}
WAIT_FIELDS = ("Seconds", "Timestamp", "SecondsPath", "TimestampPath")
SCHEMA = "SCHEMA_VALIDATION_FAILED"


def _error(code: str, message: str, location: str) -> dict:
    return {"severity": "ERROR", "code": code, "message": message, "location": location}


def _check_machine(machine, where: str, found: list) -> None:
    """Check one state machine (the top level, or a Parallel branch / Map processor)."""
    if not isinstance(machine, dict):
        found.append(_error(SCHEMA, "A state machine must be a JSON object.", where or "/"))
        return
    states = machine.get("States")
    start = machine.get("StartAt")
    if not isinstance(states, dict) or not states:
        found.append(
            _error(
                SCHEMA, "'States' must be a non-empty object of named states.", f"{where}/States"
            )
        )
        return
    if not isinstance(start, str):
        found.append(_error(SCHEMA, "'StartAt' must name the first state.", f"{where}/StartAt"))
    elif start not in states:
        found.append(
            _error(SCHEMA, f"'StartAt' names '{start}', which is not a state.", f"{where}/StartAt")
        )

    edges: dict[str, list[str]] = {}
    terminal = False
    for name, state in states.items():
        at = f"{where}/States/{name}"
        if not isinstance(state, dict):
            found.append(_error(SCHEMA, f"State '{name}' must be a JSON object.", at))
            continue
        kind = state.get("Type")
        if kind not in STATE_TYPES:
            found.append(
                _error(
                    SCHEMA,
                    f"State '{name}' has Type {kind!r}; use one of {', '.join(STATE_TYPES)}.",
                    f"{at}/Type",
                )
            )
            continue
        targets = []
        has_next, has_end = "Next" in state, state.get("End") is True
        if kind in NEEDS_NEXT_OR_END:
            if has_next == has_end:
                found.append(
                    _error(
                        SCHEMA,
                        f"{kind} state '{name}' needs exactly one of 'Next' or '\"End\": true'.",
                        at,
                    )
                )
            if has_next:
                targets.append(("Next", state["Next"]))
            terminal |= has_end
        elif "Next" in state or "End" in state:
            found.append(_error(SCHEMA, f"{kind} state '{name}' cannot have 'Next' or 'End'.", at))
        if kind in {"Succeed", "Fail"}:
            terminal = True
        if kind == "Choice":
            rules = state.get("Choices")
            if not isinstance(rules, list) or not rules:
                found.append(
                    _error(
                        SCHEMA,
                        f"Choice state '{name}' needs a non-empty 'Choices' list.",
                        f"{at}/Choices",
                    )
                )
                rules = []
            for i, rule in enumerate(rules):
                if not isinstance(rule, dict) or "Next" not in rule:
                    found.append(
                        _error(
                            SCHEMA,
                            f"Choice rule {i} of '{name}' has no 'Next'.",
                            f"{at}/Choices/{i}",
                        )
                    )
                else:
                    targets.append((f"Choices/{i}/Next", rule["Next"]))
            if "Default" in state:
                targets.append(("Default", state["Default"]))
        if kind == "Wait":
            given = [f for f in WAIT_FIELDS if f in state]
            if len(given) != 1:
                found.append(
                    _error(
                        SCHEMA,
                        f"Wait state '{name}' needs exactly one of {', '.join(WAIT_FIELDS)}; "
                        f"it has {', '.join(given) or 'none'}.",
                        at,
                    )
                )
        if kind == "Parallel":
            for i, branch in enumerate(state.get("Branches") or []):
                _check_machine(branch, f"{at}/Branches/{i}", found)
        if kind == "Map":
            inner = state.get("ItemProcessor", state.get("Iterator"))
            if inner is not None:
                _check_machine(inner, f"{at}/ItemProcessor", found)
        for field, target in targets:
            if target not in states:
                found.append(
                    _error(
                        SCHEMA,
                        f"'{field}' of state '{name}' names '{target}', which is not a state.",
                        f"{at}/{field}",
                    )
                )
        edges[name] = [t for _, t in targets if t in states]

    if not terminal:
        found.append(
            _error(
                "MISSING_END_STATE",
                "No state ends the workflow: add '\"End\": true', a Succeed or a Fail state.",
                f"{where}/States",
            )
        )
    if isinstance(start, str) and start in states:
        seen, todo = set(), [start]
        while todo:
            name = todo.pop()
            if name not in seen:
                seen.add(name)
                todo.extend(edges.get(name, []))
        for name in states:
            if name not in seen:
                found.append(
                    _error(
                        SCHEMA,
                        f"State '{name}' cannot be reached from StartAt.",
                        f"{where}/States/{name}",
                    )
                )


def validate_definition(definition) -> dict:
    """Validate an ASL definition (a JSON string or a dict) like ValidateStateMachineDefinition."""
    if isinstance(definition, (bytes, bytearray)):
        definition = definition.decode("utf-8")
    if not isinstance(definition, (str, dict)):
        raise TypeError(
            f"definition must be the state machine as a JSON string or a dict, got "
            f"{type(definition).__name__}: pass json.dumps(machine) or the dict itself."
        )
    found: list[dict] = []
    if isinstance(definition, str):
        if not definition.strip():
            found.append(_error("MISSING_DESCRIPTION", "The definition is empty.", "/"))
            return {"result": "FAIL", "diagnostics": found, "truncated": False}
        try:
            definition = json.loads(definition)
        except json.JSONDecodeError as err:
            found.append(
                _error(
                    "INVALID_JSON_DESCRIPTION",
                    f"The definition is not valid JSON: {err.msg} (line {err.lineno}, column {err.colno}).",
                    "/",
                )
            )
            return {"result": "FAIL", "diagnostics": found, "truncated": False}
    _check_machine(definition, "", found)
    return {"result": "FAIL" if found else "OK", "diagnostics": found, "truncated": False}
