"""The facts-only helper: exact flags (position, phrase, kind), and no false hits."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from conftest import sign_in
from vigil.incidents.facts import Flag, FlagKind, check


def spans(text: str) -> list[tuple[int, int, str, str]]:
    return [(f.start, f.end, f.phrase, f.kind) for f in check(text)]


def test_opinions_and_conclusions_are_flagged_with_exact_positions() -> None:
    text = "He was obviously lying and I think he took it."
    assert spans(text) == [(7, 16, "obviously", "conclusion"), (27, 34, "I think", "opinion")]
    for start, end, phrase, _kind in spans(text):
        assert text[start:end] == phrase


def test_labels_and_jargon() -> None:
    text = "The subj was acting aggressive, probably under the influence."
    assert spans(text) == [
        (4, 8, "subj", "jargon"),
        (20, 30, "aggressive", "label"),
        (32, 40, "probably", "conclusion"),
        (41, 60, "under the influence", "conclusion"),
    ]


def test_the_brief_s_phrases() -> None:
    text = (
        "Obviously he did it. She seemed guilty. I believe it. Clearly so. It must have been "
        "him. He appeared to be lying. 10-4. The SRO came. PC to arrest. LEO on scene."
    )
    assert [(phrase, kind) for _s, _e, phrase, kind in spans(text)] == [
        ("Obviously", "conclusion"),
        ("seemed guilty", "conclusion"),
        ("I believe", "opinion"),
        ("Clearly", "conclusion"),
        ("must have", "conclusion"),
        ("appeared to be lying", "conclusion"),
        ("10-4", "jargon"),
        ("SRO", "jargon"),
        ("PC", "jargon"),
        ("LEO", "jargon"),
    ]


def test_case_insensitive_and_any_whitespace_inside_a_phrase() -> None:
    assert spans("i THINK so") == [(0, 7, "i THINK", "opinion")]
    assert spans("she Seemed\n Guilty") == [(4, 18, "Seemed\n Guilty", "conclusion")]


@pytest.mark.parametrize(
    "text",
    [
        "Unclearly worded sign.",  # "clearly" inside a word
        "He was thinking about it.",  # not "I think"
        "The PCs in the lab were on; a pcb was on the desk.",  # PC only as its own word
        "Leo and Pc. Leonard walked in.",  # "LEO" and "PC" are capitals-only
        "Room 110-42 and extension 210-4.",  # 10-4 only as its own code
        "The probability was low.",  # "probably" inside a word
        "He was lying on the floor, breathing.",  # a fact, not "was lying" about something
        "The suspect carried a bag.",  # "susp" inside a word
        "He walked to the Subject line.",  # "subj" inside a word
        "A sroll, a srot.",
        "",
    ],
)
def test_no_false_hits(text: str) -> None:
    assert check(text) == []


def test_a_label_with_the_act_described_is_not_flagged() -> None:
    assert check("He was aggressive: he shouted and pushed me.") == []
    assert check("A suspicious man was seen trying car doors.") == []
    # The act must be in the same sentence.
    assert spans("He shouted at me. Then he was aggressive.") == [(30, 40, "aggressive", "label")]
    assert spans("A suspicious man.") == [(2, 12, "suspicious", "label")]


def test_overlapping_phrases_keep_the_longer_one() -> None:
    # "seemed guilty" (conclusion), not also a shorter rule inside it.
    assert spans("he seemed intoxicated") == [(3, 21, "seemed intoxicated", "conclusion")]


def test_every_flag_carries_advice_on_how_to_rephrase() -> None:
    flags = check("Obviously the subj was suspicious. I think so.")
    assert [f.kind for f in flags] == ["conclusion", "jargon", "label", "opinion"]
    assert flags[0].advice.startswith("Describe what you saw or heard instead")
    assert flags[1].advice.startswith("Write it out in plain words")
    assert flags[2].advice.startswith("Describe what you saw or heard instead: what the person")
    assert flags[3].advice.startswith("State the observation behind the opinion")
    assert {f.kind for f in flags} <= {k.value for k in FlagKind}
    assert isinstance(flags[0], Flag)


# --- the htmx endpoint ---------------------------------------------------------------------


@pytest.mark.django_db
def test_endpoint_lists_the_flags(client: Client) -> None:
    sign_in(client, "officer")
    response = client.post(
        reverse("incidents:facts"), {"narrative": "He was obviously lying, I think."}
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "2 phrases to rephrase" in body
    assert "“<b>obviously</b>”" in body
    assert 'data-start="7" data-end="16"' in body
    assert "“<b>I think</b>”" in body


@pytest.mark.django_db
def test_endpoint_says_when_nothing_is_found(client: Client) -> None:
    sign_in(client, "officer")
    response = client.post(reverse("incidents:facts"), {"narrative": "I saw him push the door."})
    assert response.status_code == 200
    assert "No opinions, conclusions or jargon found." in response.content.decode()


@pytest.mark.django_db
def test_endpoint_refuses_an_oversized_narrative(client: Client) -> None:
    sign_in(client, "officer")
    response = client.post(reverse("incidents:facts"), {"narrative": "x" * 20_001})
    assert response.status_code == 400
    assert "Narrative: keep it under 20,000 characters." in response.content.decode()


@pytest.mark.django_db
def test_endpoint_needs_write_permission(client: Client) -> None:
    sign_in(client, "principal")
    assert client.post(reverse("incidents:facts"), {"narrative": "x"}).status_code == 403
    sign_in(client, "officer")
    assert client.get(reverse("incidents:facts")).status_code == 405
