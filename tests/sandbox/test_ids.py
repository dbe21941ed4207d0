import random
from datetime import date

import pytest

from sandbox import ids

# Known-good published examples (domain.md and public references).


@pytest.mark.parametrize("value", ["0403.019.261", "0403019261", "0202.239.951"])
def test_enterprise_number_known_good(value: str) -> None:
    assert ids.is_valid_enterprise_number(value)


@pytest.mark.parametrize(
    "value", ["0403.019.262", "0403.019.161", "0413.019.261", "403.019.261", "0403-019-261x", ""]
)
def test_enterprise_number_corrupted(value: str) -> None:
    assert not ids.is_valid_enterprise_number(value)


@pytest.mark.parametrize(
    "value",
    ["BE68 5390 0754 7034", "BE68539007547034", "be68 5390 0754 7034", "NL91ABNA0417164300"],
)
def test_iban_known_good(value: str) -> None:
    assert ids.is_valid_iban(value)


@pytest.mark.parametrize(
    "value",
    [
        "BE69 5390 0754 7034",  # ISO check
        "BE68 5390 0754 7035",  # both checks
        "BE68 5390 0754 703",  # length
        "NL91 ABNA 0417 1643 01",
        "XX",
    ],
)
def test_iban_corrupted(value: str) -> None:
    assert not ids.is_valid_iban(value)


def test_belgian_iban_needs_the_national_check_too() -> None:
    # BBAN 539007547035 has a wrong national check (5390075470 mod 97 = 34, not 35);
    # give it a correct ISO 13616 check so only the national check fails.
    bban = "539007547035"
    rearranged = int(bban + "1114" + "00")  # B=11, E=14
    iban = f"BE{98 - rearranged % 97:02d}{bban}"
    assert int(bban + "1114" + iban[2:4]) % 97 == 1
    assert not ids.is_valid_iban(iban)
    assert not ids.is_valid_belgian_iban(iban)
    assert ids.is_valid_belgian_iban("BE68 5390 0754 7034")
    assert not ids.is_valid_belgian_iban("NL91 ABNA 0417 1643 00")


def test_format_iban() -> None:
    assert ids.format_iban("be68539007547034") == "BE68 5390 0754 7034"


def test_nrn_known_good() -> None:
    assert ids.is_valid_nrn("85.07.30-033.28")
    assert ids.is_valid_nrn("85073003328")
    assert ids.nrn_birth_date("85.07.30-033.28") == date(1985, 7, 30)
    assert ids.nrn_is_male("85.07.30-033.28")


def test_nrn_born_from_2000_uses_the_2_prefix() -> None:
    check = 97 - 2000101001 % 97  # 2 + 000101 + 001
    number = f"00.01.01-001.{check:02d}"
    assert ids.is_valid_nrn(number)
    assert ids.nrn_birth_date(number) == date(2000, 1, 1)
    without_prefix = 97 - 101001 % 97  # the same digits for someone born in 1900
    assert without_prefix != check
    assert ids.nrn_birth_date(f"00.01.01-001.{without_prefix:02d}") == date(1900, 1, 1)


@pytest.mark.parametrize(
    "value",
    [
        "85.07.30-033.29",  # check digits
        "85.07.31-033.28",  # birth date changed
        "85.13.30-033.28",  # no such month
        f"85.07.30-000.{97 - 850730000 % 97:02d}",  # serial 000
        "85-07-30-033-28",  # format
        "8507300332",
    ],
)
def test_nrn_corrupted(value: str) -> None:
    assert not ids.is_valid_nrn(value)


def test_make_nrn_serial_parity_and_century() -> None:
    woman = ids.make_nrn(date(2003, 2, 1), 2)
    assert woman == f"03.02.01-002.{97 - 2030201002 % 97:02d}"
    assert not ids.nrn_is_male(woman)
    man = ids.make_nrn(date(1971, 12, 24), 997)
    assert man == f"71.12.24-997.{97 - 711224997 % 97:02d}"
    assert ids.nrn_is_male(man)
    with pytest.raises(ValueError):
        ids.make_nrn(date(1971, 12, 24), 998)


def test_structured_reference() -> None:
    assert ids.is_valid_structured_reference("+++090/9337/55493+++")  # 0909337554 mod 97 = 93
    assert ids.is_valid_structured_reference("090933755493")
    assert not ids.is_valid_structured_reference("+++090/9337/55494+++")
    assert not ids.is_valid_structured_reference("+++090/9337/5549+++")
    assert ids.structured_reference(909337554) == "+++090/9337/55493+++"
    # a multiple of 97 gets 97, never 00
    assert ids.structured_reference(97 * 12345).endswith("97+++")


@pytest.mark.parametrize("value", ["111222333", "123456782"])
def test_bsn_known_good(value: str) -> None:
    assert ids.is_valid_bsn(value)


@pytest.mark.parametrize("value", ["111222334", "123456781", "12345678", "000000000", "abcdefghi"])
def test_bsn_corrupted(value: str) -> None:
    assert not ids.is_valid_bsn(value)


def test_dutch_postcode() -> None:
    assert ids.is_valid_dutch_postcode("1234 AB")
    assert ids.is_valid_dutch_postcode("9999ZZ")
    for bad in ("0123 AB", "1234 SA", "1234 SS", "1234 ab", "123 AB", "1234 A"):
        assert not ids.is_valid_dutch_postcode(bad)


def test_belgian_postcode() -> None:
    assert ids.is_valid_belgian_postcode("1000")
    assert not ids.is_valid_belgian_postcode("0999")
    assert not ids.is_valid_belgian_postcode("10000")


@pytest.mark.parametrize(
    "value", ["US0378331005", "NL0000009165", "BE0003470755", "IE00B4L5Y983", "BE0974293251"]
)
def test_isin_known_good(value: str) -> None:
    assert ids.is_valid_isin(value)


@pytest.mark.parametrize(
    "value", ["US0378331006", "US0378331015", "IE00B4L5Y984", "us0378331005", "US037833100"]
)
def test_isin_corrupted(value: str) -> None:
    assert not ids.is_valid_isin(value)


def test_contract_number_formats() -> None:
    assert ids.branch_digits("10a") == "10"
    assert ids.branch_digits("01a") == "01"
    assert ids.branch_digits("8") == "08"
    assert ids.policy_number("23", 1234567, 1) == "23/1234567/01"
    assert ids.policy_number("10a", 12345, 7) == "10/0012345/07"
    assert ids.life_number(12345, 7) == "0012345-07"
    assert ids.nonlife_number(12345, 7) == "12345.07"
    assert ids.nonlife_number(1234567, 12) == "1234567.12"


def test_normalise_and_parse_contract_numbers() -> None:
    assert ids.normalise_reference("12345.07") == "1234507"
    assert ids.normalise_reference(" 23/0012345/07 ") == "23001234507"
    assert ids.parse_policy_number("10/0012345/07") == ("10", 12345, 7)
    assert ids.parse_policy_number("10001234507") == ("10", 12345, 7)
    assert ids.parse_policy_number("0012345-07") is None
    assert ids.parse_life_number("0012345-07") == (12345, 7)
    assert ids.parse_life_number("001234507") == (12345, 7)
    assert ids.parse_life_number("12345.07") is None
    assert ids.parse_nonlife_number("12345.07") == (12345, 7)
    assert ids.parse_nonlife_number("1234507") == (12345, 7)
    assert ids.parse_nonlife_number("07") is None
    assert ids.parse_nonlife_number("0.07") is None


def test_plates_vins_and_phones() -> None:
    assert ids.is_valid_belgian_plate("1-ABC-234")
    assert not ids.is_valid_belgian_plate("ABC-234")
    assert ids.is_valid_vin("WVWZZZ1KZAW000001")
    assert not ids.is_valid_vin("WVWZZZ1KZAW00000I")  # I is not used in VINs
    assert not ids.is_valid_vin("WVWZZZ1KZAW00001")
    assert ids.is_valid_belgian_mobile("+32470123456")
    assert not ids.is_valid_belgian_mobile("+3227001234")


def test_generators_pass_their_checks() -> None:
    rng = random.Random(7)
    for _ in range(300):
        birth = date(rng.randint(1920, 2024), rng.randint(1, 12), rng.randint(1, 28))
        male = rng.random() < 0.5
        nrn = ids.generate_nrn(rng, birth, male)
        assert ids.is_valid_nrn(nrn)
        assert ids.nrn_birth_date(nrn) == birth
        assert ids.nrn_is_male(nrn) is male
        assert ids.is_valid_enterprise_number(ids.generate_enterprise_number(rng))
        assert ids.is_valid_belgian_iban(ids.generate_belgian_iban(rng))
        assert ids.is_valid_iban(ids.generate_dutch_iban(rng))
        assert ids.is_valid_structured_reference(ids.generate_structured_reference(rng))
        assert ids.is_valid_bsn(ids.generate_bsn(rng))
        assert ids.is_valid_dutch_postcode(ids.generate_dutch_postcode(rng))
        assert ids.is_valid_isin(ids.generate_isin(rng, rng.choice(("LU", "BE", "IE"))))
        assert ids.is_valid_belgian_plate(ids.generate_belgian_plate(rng))
        assert ids.is_valid_vin(ids.generate_vin(rng, "WVW"))
        assert ids.is_valid_belgian_mobile(ids.generate_belgian_mobile(rng))


def test_generators_are_deterministic() -> None:
    a, b = random.Random(3), random.Random(3)
    assert ids.generate_belgian_iban(a) == ids.generate_belgian_iban(b)
    assert ids.generate_isin(a) == ids.generate_isin(b)
