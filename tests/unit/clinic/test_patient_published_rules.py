"""A patient's published name pattern is the rule the domain enforces.

The patient schemas once published only a length (1-100): a name with a control character
(`"a\\u0001"`) met the document and was refused with 422 invalid_patient, which the
stateful conformance run found on PATCH /patients/{patient_id}.
"""

from __future__ import annotations

from hypothesis import example, given, settings

from domain.clinic.errors import InvalidPatient
from domain.clinic.patients import NAME_MAX, NAME_PATTERN, HumanName
from entrypoints.http.clinic.patient_schemas import PatientCreate, PatientPatch
from tests.unit.test_published_rules import published, texts


def accepted_as_name(value: str) -> bool:
    try:
        HumanName.of(value, value)
    except InvalidPatient:
        return False
    return True


@settings(max_examples=1000, database=None, derandomize=True, deadline=None)
@given(texts)
@example("a\u0001")
@example(" " * 5 + "x" * NAME_MAX + "\t")
@example("x" * (NAME_MAX + 1))
def test_name_pattern_is_the_name_rule(value: str) -> None:
    assert published(NAME_PATTERN, value) == accepted_as_name(value)


def test_the_patient_schemas_publish_the_name_pattern() -> None:
    for model in (PatientCreate, PatientPatch):
        properties = model.model_json_schema(by_alias=True)["properties"]
        for name in ("given", "family"):
            assert properties[name]["pattern"] == NAME_PATTERN, (model, name)
