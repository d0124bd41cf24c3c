import datetime

import pytest
from django.core.exceptions import ValidationError

from klientstod import personnummer


@pytest.mark.parametrize(
    "typed",
    ["19880320-0016", "198803200016", "880320-0016", "8803200016", " 880320 0016 "],
)
def test_accepted_forms_share_one_normal_form(typed):
    assert personnummer.normalise(typed) == "19880320-0016"


def test_samordningsnummer_is_accepted_with_its_real_birth_date():
    normal = personnummer.normalise("701063-2391")
    assert normal == "19701063-2391"
    assert personnummer.is_coordination_number(normal)
    assert personnummer.birth_date(normal) == datetime.date(1970, 10, 3)


def test_plus_sign_marks_a_person_over_a_hundred():
    assert personnummer.normalise("880320+0016") == "18880320-0016"


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("880320-0018", "checksum"),
        ("881320-0016", "date"),
        ("880230-0016", "date"),
        ("12345", "format"),
        ("abcdefghij", "format"),
        ("", "format"),
    ],
)
def test_invalid_numbers_are_refused_with_the_reason(typed, code):
    with pytest.raises(ValidationError) as error:
        personnummer.normalise(typed)
    assert error.value.code == code


def test_a_birth_date_in_the_future_is_refused():
    with pytest.raises(ValidationError):
        personnummer.normalise("20880320-0016", today=datetime.date(2026, 1, 1))


def test_legal_gender_reads_the_second_last_digit():
    assert personnummer.legal_gender("19880320-0016") == "M"
    assert personnummer.legal_gender("19890102-3286") == "F"
