"""Screening: which registry entries a visitor may be, with exact scores and reasons."""

from __future__ import annotations

import math
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vigil.visitors.matching import (
    Alias,
    Candidate,
    DobRelation,
    MatchPolicy,
    RegistryEntry,
    RegistryIndex,
    Visitor,
    dob_relation,
    dob_variants,
    score_entry,
)
from vigil.visitors.names import NICKNAMES_CSV, family_keys, fold, load_nicknames, name_tokens

WILLIAM = RegistryEntry(
    id="T-1",
    family="Smith",
    given="William Henry",
    date_of_birth=date(1980, 3, 5),
    aliases=(Alias("Carter", "Billy"),),
    jurisdiction="CA",
    source="trespass",
)
JOSE = RegistryEntry("R-2", "García-López", "José", date(1975, 12, 13), source="registry")


def screen(visitor: Visitor, *entries: RegistryEntry, **policy: float) -> tuple[Candidate, ...]:
    return RegistryIndex.build(entries).screen(visitor, MatchPolicy(**policy))


# --- names -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "folded"),
    [
        ("José García-López", "jose garcia lopez"),
        ("O'Brien", "obrien"),
        ("ZOË  d\u2019Arcy", "zoe darcy"),
        ("Łukasz Søren", "lukasz soren"),
        ("Straße", "strasse"),
        ("\uff2a\uff4f\uff48\uff4e", "john"),  # full-width letters from a phone keyboard
        ("Smith, Jr.", "smith jr"),
    ],
)
def test_fold(raw: str, folded: str) -> None:
    assert fold(raw) == folded


@pytest.mark.parametrize(
    ("family", "keys"),
    [
        ("Smith", ("smith",)),
        ("Smith Jr.", ("smith",)),
        ("García-López", ("garcialopez", "garcia", "lopez")),
        ("de la Cruz", ("delacruz", "cruz")),
        ("Van Der Berg", ("vanderberg", "berg")),
        ("von Trapp III", ("vontrapp", "trapp")),
        ("", ()),
    ],
)
def test_family_keys(family: str, keys: tuple[str, ...]) -> None:
    assert family_keys(family) == keys


def test_name_tokens_drop_suffixes() -> None:
    assert name_tokens("Robert James Jr") == ("robert", "james")
    assert name_tokens("Henry VIII") == ("henry", "viii")


def test_nickname_table_is_a_real_curated_list() -> None:
    groups = [
        line
        for line in NICKNAMES_CSV.read_text(encoding="utf-8").splitlines()
        if line and not line.startswith("#")
    ]
    assert len(groups) >= 300
    table = load_nicknames()
    assert table.related("bill", "william")
    assert table.related("peggy", "margaret")
    assert table.related("bob", "robert")
    assert not table.related("william", "william")
    assert not table.related("john", "sean")
    assert not table.related("bill", "robert")
    assert table.describe("bill", "william") == "given name 'Bill' is a nickname of 'William'"
    assert table.describe("william", "bill") == (
        "given name 'Bill' on the entry is a nickname of 'William'"
    )


# --- dates of birth --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("visitor_dob", "entry_dob", "relation"),
    [
        (date(1980, 3, 5), date(1980, 3, 5), DobRelation.EXACT),
        (date(1980, 5, 3), date(1980, 3, 5), DobRelation.DAY_MONTH_SWAPPED),
        (date(1975, 12, 31), date(1975, 12, 13), DobRelation.TRANSPOSED_DIGITS),
        (date(1957, 1, 1), date(1975, 1, 1), DobRelation.TRANSPOSED_DIGITS),
        (date(1989, 6, 1), date(1990, 6, 1), DobRelation.YEAR_OFF_BY_ONE),
        (date(1985, 6, 1), date(1986, 6, 1), DobRelation.YEAR_OFF_BY_ONE),
        (date(1975, 6, 1), date(1985, 6, 1), DobRelation.YEAR_OFF_BY_TEN),
        (date(1980, 3, 5), date(1980, 3, 6), DobRelation.ONE_DIGIT_OFF),
        (date(1980, 3, 5), date(1980, 8, 5), DobRelation.ONE_DIGIT_OFF),
        (date(1980, 3, 5), date(1980, 4, 6), None),
        (date(1980, 3, 5), date(1981, 3, 6), None),
        (date(1980, 2, 29), date(1981, 2, 28), None),
    ],
)
def test_dob_relation(visitor_dob: date, entry_dob: date, relation: DobRelation | None) -> None:
    assert dob_relation(visitor_dob, entry_dob) is relation


@settings(max_examples=300, deadline=None)
@given(
    st.dates(min_value=date(1900, 1, 1), max_value=date(2099, 12, 31)),
    st.dates(min_value=date(1900, 1, 1), max_value=date(2099, 12, 31)),
)
def test_dob_relation_is_symmetric(first: date, second: date) -> None:
    assert dob_relation(first, second) is dob_relation(second, first)


@settings(max_examples=200, deadline=None)
@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2099, 12, 31)))
def test_every_variant_relates_back(dob: date) -> None:
    variants = dob_variants(dob)
    assert variants[dob] is DobRelation.EXACT
    for variant, relation in variants.items():
        assert dob_variants(variant)[dob] is relation
    # A few dozen dates, not hundreds: this is what keeps a lookup in 1M entries cheap.
    assert len(variants) <= 90


# --- exact behaviour ------------------------------------------------------------------------


def test_nickname_match() -> None:
    assert screen(Visitor("SMITH", "BILL", date(1980, 3, 5)), WILLIAM) == (
        Candidate(
            "T-1",
            0.9865,
            DobRelation.EXACT,
            (
                "family name 'SMITH' matches 'Smith'",
                "given name 'Bill' is a nickname of 'William'",
                "date of birth matches",
            ),
        ),
    )


def test_alias_match() -> None:
    assert screen(Visitor("Carter", "Billy", date(1980, 3, 5)), WILLIAM) == (
        Candidate(
            "T-1",
            1.0,
            DobRelation.EXACT,
            (
                "alias 'Billy Carter' on the entry",
                "family name 'Carter' matches 'Carter'",
                "given names 'Billy' match 'Billy'",
                "date of birth matches",
            ),
        ),
    )


def test_transposed_dob_and_accents_and_compound_surname() -> None:
    assert screen(Visitor("GARCIA LOPEZ", "JOSE", date(1975, 12, 31)), JOSE) == (
        Candidate(
            "R-2",
            0.96,
            DobRelation.TRANSPOSED_DIGITS,
            (
                "family name 'GARCIA LOPEZ' matches 'García-López'",
                "given names 'JOSE' match 'José'",
                "date of birth has two adjacent digits transposed (1975-12-31 and 1975-12-13)",
            ),
        ),
    )


def test_one_part_of_a_compound_surname() -> None:
    (candidate,) = screen(Visitor("Lopez", "Jose", date(1975, 12, 13)), JOSE)
    assert candidate.score == 0.9835
    assert candidate.reasons[0] == "family name 'Lopez' shares a part with 'García-López'"


def test_day_month_swap() -> None:
    (candidate,) = screen(Visitor("Smith", "William", date(1980, 5, 3)), WILLIAM)
    assert candidate.score == 0.98
    assert candidate.dob_relation is DobRelation.DAY_MONTH_SWAPPED
    assert candidate.reasons[-1] == (
        "date of birth day and month swapped (1980-05-03 and 1980-03-05)"
    )


def test_names_entered_the_other_way_round() -> None:
    (candidate,) = screen(Visitor("William", "Smith", date(1980, 3, 5)), WILLIAM)
    assert candidate.score == 0.97
    assert candidate.reasons[0] == "given and family names entered the other way round"


def test_goes_by_middle_name() -> None:
    (candidate,) = screen(Visitor("Smith", "Henry", date(1980, 3, 5)), WILLIAM)
    assert candidate.score == 0.964
    assert candidate.reasons[1] == "goes by a middle name ('Henry', 'William Henry')"


def test_name_alone_never_matches() -> None:
    assert screen(Visitor("Smith", "William", date(1980, 9, 17)), WILLIAM) == ()
    assert score_entry(Visitor("Smith", "William", date(1980, 9, 17)), WILLIAM) is None


def test_date_of_birth_alone_never_matches() -> None:
    assert screen(Visitor("Okafor", "Chinedu", date(1980, 3, 5)), WILLIAM) == ()


def test_a_good_family_name_does_not_carry_an_unrelated_given_name() -> None:
    assert screen(Visitor("Smith", "Margaret", date(1980, 3, 5)), WILLIAM) == ()


def test_threshold_edges() -> None:
    visitor = Visitor("Smith", "William", date(1980, 3, 6))  # one digit off: 1.0 - 0.06
    (candidate,) = screen(visitor, WILLIAM, threshold=0.94)
    assert candidate.score == 0.94
    assert screen(visitor, WILLIAM, threshold=0.9401) == ()


def test_common_family_name_needs_the_date_to_agree_closely() -> None:
    smiths = [
        RegistryEntry(f"S-{n}", "Smith", "Alex", date.fromordinal(date(1950, 1, 1).toordinal() + n))
        for n in range(199)
    ]
    index = RegistryIndex.build([WILLIAM, *smiths])
    assert index.family_count("SMITH") == 200
    penalty = 0.014 * math.log2(1 + 200 / 100)
    assert index.common_name_penalty("Smith", MatchPolicy()) == pytest.approx(penalty)
    exact = index.screen(Visitor("Smith", "William", date(1980, 3, 5)))
    assert [c.score for c in exact if c.entry_id == "T-1"] == [1.0]
    (typo,) = index.screen(Visitor("Smith", "William", date(1980, 3, 6)))
    assert typo.score == round(1.0 - 0.06 - penalty, 4)
    assert typo.reasons[2] == (
        "family name 'Smith' is common (200 entries), "
        "so the differing date of birth counts for less"
    )


def test_candidates_come_best_first_then_by_id() -> None:
    twin = RegistryEntry("T-0", "Smith", "William", date(1980, 3, 5))
    found = screen(Visitor("Smith", "Will", date(1980, 3, 5)), WILLIAM, twin)
    assert [(c.entry_id, c.score) for c in found] == [("T-0", 0.9865), ("T-1", 0.9865)]


def test_policy_validates_itself() -> None:
    with pytest.raises(ValueError, match="threshold must lie in"):
        MatchPolicy(threshold=1.5)


# --- properties ------------------------------------------------------------------------------

_GIVEN = st.sampled_from(["William", "Bill", "Margaret", "Peggy", "Jose", "Ana", "Li", "Henry"])
_FAMILY = st.sampled_from(["Smith", "Smyth", "García-López", "Lopez", "O'Brien", "Nguyen"])
_DOB = st.dates(min_value=date(1950, 1, 1), max_value=date(1952, 12, 31))
_ENTRIES = st.lists(
    st.builds(
        RegistryEntry,
        id=st.uuids().map(str),
        family=_FAMILY,
        given=_GIVEN,
        date_of_birth=_DOB,
        aliases=st.lists(st.builds(Alias, _FAMILY, _GIVEN), max_size=1).map(tuple),
    ),
    max_size=25,
)


@settings(max_examples=150, deadline=None)
@given(entries=_ENTRIES, visitor=st.builds(Visitor, _FAMILY, _GIVEN, _DOB))
def test_index_finds_exactly_what_comparing_every_entry_finds(
    entries: list[RegistryEntry], visitor: Visitor
) -> None:
    # Fewer than 100 entries per name keeps the common-name penalty below notice, so the
    # blocked lookup must agree with the brute force over every entry.
    brute = [c for e in entries if (c := score_entry(visitor, e)) is not None]
    assert sorted(RegistryIndex.build(entries).screen(visitor), key=lambda c: c.entry_id) == sorted(
        brute, key=lambda c: c.entry_id
    )
    for candidate in brute:
        assert candidate.score >= MatchPolicy().threshold
        entry = next(e for e in entries if e.id == candidate.entry_id)
        assert dob_relation(visitor.date_of_birth, entry.date_of_birth) is candidate.dob_relation
