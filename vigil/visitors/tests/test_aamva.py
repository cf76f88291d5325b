"""AAMVA card text -> the fields a visit keeps, or the element that made it unreadable.

Each sample is laid out as the standard lays it out (header, designator table with real
offsets and lengths, subfiles), with the element set and date order of its edition; the
quirks are what keyboard-wedge scanners and browsers do to that text. People are invented.
"""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vigil.visitors.aamva import AamvaError, ParsedId, parse

TODAY = date(2025, 6, 1)


def card(
    iin: str,
    version: int,
    elements: list[str],
    *,
    doc: str = "DL",
    jurisdiction_version: int = 0,
    jurisdiction_subfile: list[str] | None = None,
    file_type: str = "ANSI ",
) -> str:
    """The PDF417 text of a card, offsets and lengths computed as an issuer would."""
    subfiles = [(doc, doc + "\n".join(elements) + "\r")]
    if jurisdiction_subfile:
        kind = jurisdiction_subfile[0][:2]
        subfiles.append((kind, kind + "\n".join(jurisdiction_subfile) + "\r"))
    header = "@\n\x1e\r" + file_type + iin + f"{version:02d}"
    if version >= 2:
        header += f"{jurisdiction_version:02d}"
    header += f"{len(subfiles):02d}"
    offset = len(header) + 10 * len(subfiles)
    table = ""
    for kind, text in subfiles:
        table += f"{kind}{offset:04d}{len(text):04d}"
        offset += len(text)
    return header + table + "".join(text for _, text in subfiles)


# --- one card per edition ------------------------------------------------------------------

V1_SC_ELEMENTS = ["DAQ102639206", "DAAWHITFIELD,MARGARET,ANNE,", "DAG209 CEDAR HILL DR",
     "DAISURFSIDE", "DAJSC", "DAK295750000  ", "DARD   ", "DBA20290212", "DBB19720212", "DBC2",
     "DBD20210619", "DAU506", "DAW128"]  # fmt: skip
V1_SC = card("636005", 1, V1_SC_ELEMENTS)
V1_CO_SPACES = card(
    "636020",
    1,
    ["DAQ981234567", "DAAOKAFOR CHINEDU EMEKA", "DAJCO", "DBA20270704", "DBB19880704",
     "DBC1"],
)  # fmt: skip
V1_SEPARATE_NAMES = card(
    "636023",
    1,
    ["DAQRS123456", "DABKOWALSKI", "DACJAN", "DADPIOTR", "DAJOH", "DBA20280101",
     "DBB19700101", "DBC1"],
)  # fmt: skip
V0_PRESTANDARD = card(
    "636000",
    0,
    ["DAQT12345678", "DAABRENNAN,PATRICK,J", "DAJVA", "DBA20260315", "DBB19610315"],
    file_type="AAMVA",
)
V2_NY = card(
    "636001",
    2,
    ["DCAD", "DCBNONE", "DCDNONE", "DBA03142027", "DCSRAMIREZ", "DCTLUCIA,ISABEL",
     "DBD03142019", "DBB03141990", "DBC2", "DAYBRO", "DAU064 in", "DAG12 ELM ST",
     "DAIALBANY", "DAJNY", "DAK122070000  ", "DAQ123456789", "DCF0123456789",
     "DCGUSA", "DCHNONE"],
    jurisdiction_version=1,
)  # fmt: skip
V3_VA_ELEMENTS = ["DCAD", "DCBNONE", "DCDNONE", "DBA11302026", "DCSNGUYEN", "DCTMINH ANH",
     "DBD11302018", "DBB11301985", "DBC1", "DAYBLK", "DAU068 in", "DAG4 OAK CT",
     "DAIRICHMOND", "DAJVA", "DAK232190000  ", "DAQT98765432", "DCFX1234", "DCGUSA"]  # fmt: skip
V3_VA = card("636000", 3, V3_VA_ELEMENTS)
V3_ON = card(
    "636012",
    3,
    ["DCAG", "DCBNONE", "DCDNONE", "DBA20270501", "DCSTREMBLAY", "DCTCHANTAL,MARIE",
     "DBD20220501", "DBB19790501", "DBC2", "DAYBLU", "DAU165 cm", "DAG77 KING ST",
     "DAITORONTO", "DAJON", "DAKM5H2N2   ", "DAQT7040-12345-90501", "DCFAB123",
     "DCGCAN"],
)  # fmt: skip
V4_TX = card(
    "636015",
    4,
    ["DCAC", "DCBNONE", "DCDNONE", "DBA07192028", "DCSHERNANDEZ-LOPEZ", "DACJOSE",
     "DADLUIS", "DBD07192020", "DBB07191975", "DBC1", "DAYBRO", "DAU070 in",
     "DAG500 MAIN ST", "DAIAUSTIN", "DAJTX", "DAK787010000  ", "DAQ12345678",
     "DCF12345678901234567890", "DCGUSA", "DDEN", "DDFN", "DDGN"],
)  # fmt: skip
V5_PA = card(
    "636025",
    5,
    ["DCAC", "DCBNONE", "DCDNONE", "DBA02282029", "DCSO'NEILL", "DACSIOBHAN",
     "DADNONE", "DBD02282021", "DBB02281992", "DBC2", "DAYGRN", "DAU066 in",
     "DAG9 RIVER RD", "DAIERIE", "DAJPA", "DAK165010000  ", "DAQ99887766",
     "DCF0011223344", "DCGUSA", "DDEN", "DDFN", "DDGN"],
)  # fmt: skip
V6_NC = card(
    "636004",
    6,
    ["DCAC", "DCBNONE", "DCDNONE", "DBA10102030", "DCSVAN DER BERG", "DACPIETER",
     "DADJAN", "DBD10102022", "DBB10101966", "DBC1", "DAYBLU", "DAU073 in",
     "DAG1 PINE ST", "DAIRALEIGH", "DAJNC", "DAK276010000  ", "DAQ000012345678",
     "DCF556677", "DCGUSA", "DDEN", "DDFN", "DDGN", "DDAF"],
)  # fmt: skip
V7_IL = card(
    "636035",
    7,
    ["DCAD", "DCBNONE", "DCDNONE", "DBA06302026", "DCSWASHINGTON", "DACDENISE",
     "DADMARIE", "DBD06302022", "DBB06301958", "DBC2", "DAYBRO", "DAU065 in",
     "DAG88 LAKE SHORE DR", "DAICHICAGO", "DAJIL", "DAK606110000  ",
     "DAQW12345678901", "DCFABCDEF", "DCGUSA", "DDEN", "DDFN", "DDGN", "DDAF"],
)  # fmt: skip
V8_CA_ELEMENTS = ["DCAC", "DCBNONE", "DCDNONE", "DBA08312030", "DCSSAMPLE", "DACALEXANDER",
     "DADJOSEPH", "DBD08312022", "DBB08311977", "DBC1", "DAYBRO", "DAU070 IN",
     "DAG2570 24TH STREET", "DAIANYTOWN", "DAJCA", "DAK958220000  ", "DAQD1234562",
     "DCF00/00/0000NNNAN/ANFD", "DCGUSA", "DDEN", "DDFN", "DDGN"]  # fmt: skip


def v8_ca(*edits: tuple[str, str]) -> str:
    """The California sample, with elements replaced and its lengths recomputed."""
    replaced = dict(edits)
    return card(
        "636014",
        8,
        [replaced.get(element, element) for element in V8_CA_ELEMENTS],
        jurisdiction_version=1,
        jurisdiction_subfile=["ZCAY", "ZCBCORR LENS"],
    )


V8_CA = v8_ca()
V9_MA_ID = card(
    "636002",
    9,
    ["DBA04012031", "DCSCHEN", "DACMEI", "DADLING", "DBD04012023", "DBB04012004",
     "DBC2", "DAYBRO", "DAU062 in", "DAG3 BEACON ST", "DAIBOSTON", "DAJMA",
     "DAK021080000  ", "DAQS12345678", "DCF20230401S12345678", "DCGUSA", "DDEN",
     "DDFN", "DDGN", "DDAF", "DDB09012016"],
    doc="ID",
    jurisdiction_version=0,
)  # fmt: skip
V10_NY = card(
    "636001",
    10,
    ["DCAD", "DCBNONE", "DCDNONE", "DBA12012032", "DCSDE LA CRUZ", "DACANA",
     "DADSOFIA", "DBD12012024", "DBB12011999", "DBC2", "DAYHAZ", "DAU063 in",
     "DAG45 BROADWAY", "DAINEW YORK", "DAJNY", "DAK100040000  ", "DAQ876543210",
     "DCFNY1234567", "DCGUSA", "DDEN", "DDFN", "DDGN", "DDAF", "DDB04012020",
     "DDK1", "DDL0"],
    jurisdiction_version=2,
)  # fmt: skip
V10_BC = card(
    "636028",
    10,
    ["DCA5", "DCBNONE", "DCDNONE", "DBA20310909", "DCSLEBLANC", "DACETIENNE",
     "DADNONE", "DBD20260909", "DBB19830909", "DBC1", "DAYGRY", "DAU180 cm",
     "DAG1 GRANVILLE ST", "DAIVANCOUVER", "DAJBC", "DAKV6C1T2   ", "DAQ7654321",
     "DCFBC7654321", "DCGCAN", "DDEN", "DDFN", "DDGN"],
)  # fmt: skip
V11_FUTURE = V10_NY.replace("ANSI 6360011002", "ANSI 6360011102")


def expected(
    family: str,
    given: str,
    born: date,
    last4: str,
    expiry: date | None,
    jurisdiction: str,
    version: int | None,
    *warnings: str,
    doc: str = "DL",
) -> ParsedId:
    return ParsedId(
        family_name=family,
        given_names=given,
        date_of_birth=born,
        id_last4=last4,
        expiry=expiry,
        jurisdiction=jurisdiction,
        document_type=doc,
        aamva_version=version,
        warnings=warnings,
    )


SAMPLE_V8 = expected(
    "SAMPLE", "ALEXANDER JOSEPH", date(1977, 8, 31), "4562", date(2030, 8, 31), "CA", 8
)
STRIPPED = "element separators missing: elements recovered by their ids"

CASES: list[tuple[str, str, ParsedId]] = [
    (
        "v1_comma_name_iso_dates",
        V1_SC,
        expected(
            "WHITFIELD", "MARGARET ANNE", date(1972, 2, 12), "9206", date(2029, 2, 12), "SC", 1
        ),
    ),
    (
        "v1_space_separated_name",
        V1_CO_SPACES,
        expected("OKAFOR", "CHINEDU EMEKA", date(1988, 7, 4), "4567", date(2027, 7, 4), "CO", 1),
    ),
    (
        "v1_separate_name_elements",
        V1_SEPARATE_NAMES,
        expected("KOWALSKI", "JAN PIOTR", date(1970, 1, 1), "3456", date(2028, 1, 1), "OH", 1),
    ),
    (
        "pre_standard_aamva_header",
        V0_PRESTANDARD,
        expected("BRENNAN", "PATRICK J", date(1961, 3, 15), "5678", date(2026, 3, 15), "VA", 0),
    ),
    (
        "v2_dct_with_comma",
        V2_NY,
        expected("RAMIREZ", "LUCIA ISABEL", date(1990, 3, 14), "6789", date(2027, 3, 14), "NY", 2),
    ),
    (
        "v3_dct_with_space",
        V3_VA,
        expected("NGUYEN", "MINH ANH", date(1985, 11, 30), "5432", date(2026, 11, 30), "VA", 3),
    ),
    (
        "v3_canada_iso_dates",
        V3_ON,
        expected("TREMBLAY", "CHANTAL MARIE", date(1979, 5, 1), "0501", date(2027, 5, 1), "ON", 3),
    ),
    (
        "v4_compound_family_name",
        V4_TX,
        expected(
            "HERNANDEZ-LOPEZ", "JOSE LUIS", date(1975, 7, 19), "5678", date(2028, 7, 19), "TX", 4
        ),
    ),
    (
        "v5_middle_name_none",
        V5_PA,
        expected("O'NEILL", "SIOBHAN", date(1992, 2, 28), "7766", date(2029, 2, 28), "PA", 5),
    ),
    (
        "v6_particle_family_name",
        V6_NC,
        expected(
            "VAN DER BERG", "PIETER JAN", date(1966, 10, 10), "5678", date(2030, 10, 10), "NC", 6
        ),
    ),
    (
        "v7",
        V7_IL,
        expected(
            "WASHINGTON", "DENISE MARIE", date(1958, 6, 30), "8901", date(2026, 6, 30), "IL", 7
        ),
    ),
    ("v8_with_jurisdiction_subfile", V8_CA, SAMPLE_V8),
    (
        "v9_id_card",
        V9_MA_ID,
        expected("CHEN", "MEI LING", date(2004, 4, 1), "5678", date(2031, 4, 1), "MA", 9, doc="ID"),
    ),
    (
        "v10",
        V10_NY,
        expected("DE LA CRUZ", "ANA SOFIA", date(1999, 12, 1), "3210", date(2032, 12, 1), "NY", 10),
    ),
    (
        "v10_canada",
        V10_BC,
        expected("LEBLANC", "ETIENNE", date(1983, 9, 9), "4321", date(2031, 9, 9), "BC", 10),
    ),
    (
        "later_version_read_with_newest_rules",
        V11_FUTURE,
        expected(
            "DE LA CRUZ",
            "ANA SOFIA",
            date(1999, 12, 1),
            "3210",
            date(2032, 12, 1),
            "NY",
            11,
            "AAMVA version 11 is newer than 10; read with the version 10 rules",
        ),
    ),
    # --- what scanners and browsers do to the text ---
    (
        "separators_stripped",
        V8_CA.replace("\n", "").replace("\r", "").replace("\x1e", ""),
        expected(
            "SAMPLE",
            "ALEXANDER JOSEPH",
            date(1977, 8, 31),
            "4562",
            date(2030, 8, 31),
            "CA",
            8,
            STRIPPED,
        ),
    ),
    (
        "separators_stripped_v1",
        V1_SC.replace("\n", "").replace("\r", "").replace("\x1e", ""),
        expected(
            "WHITFIELD",
            "MARGARET ANNE",
            date(1972, 2, 12),
            "9206",
            date(2029, 2, 12),
            "SC",
            1,
            STRIPPED,
        ),
    ),
    ("lf_became_crlf", V8_CA.replace("\n", "\r\n"), SAMPLE_V8),
    ("lf_became_cr", V8_CA.replace("\n", "\r"), SAMPLE_V8),
    ("cr_became_lf", V8_CA.replace("\r", "\n"), SAMPLE_V8),
    ("record_separator_dropped", V8_CA.replace("\x1e", ""), SAMPLE_V8),
    (
        "controls_spelled_out",
        V8_CA.replace("\n", "<LF>").replace("\r", "<CR>").replace("\x1e", "<RS>"),
        SAMPLE_V8,
    ),
    ("controls_spelled_caret", V8_CA.replace("\n", "^J").replace("\r", "^M"), SAMPLE_V8),
    ("symbology_identifier_and_spaces_first", "]L2  \t" + V8_CA, SAMPLE_V8),
    (
        "header_with_crlf_as_browsers_send_it",
        V8_CA.replace("@\n\x1e\r", "@\r\n\x1e\r\n"),
        SAMPLE_V8,
    ),
    ("compliance_indicator_lost", V8_CA[4:], SAMPLE_V8),
    (
        "header_missing",
        V8_CA[V8_CA.index("DLDCA") :],
        expected(
            "SAMPLE",
            "ALEXANDER JOSEPH",
            date(1977, 8, 31),
            "4562",
            date(2030, 8, 31),
            "CA",
            None,
            "no AAMVA header: version unknown",
        ),
    ),
    (
        "header_and_designator_missing_id_card",
        V9_MA_ID[V9_MA_ID.index("IDDBA") + 2 :],
        expected(
            "CHEN",
            "MEI LING",
            date(2004, 4, 1),
            "5678",
            date(2031, 4, 1),
            "MA",
            None,
            "no AAMVA header: version unknown",
            "no subfile designator: document type ID inferred",
            doc="ID",
        ),
    ),
    # --- what the card itself says ---
    (
        "expired",
        V7_IL.replace("DBA06302026", "DBA03012025"),
        expected(
            "WASHINGTON",
            "DENISE MARIE",
            date(1958, 6, 30),
            "8901",
            date(2025, 3, 1),
            "IL",
            7,
            "expired on 2025-03-01",
        ),
    ),
    (
        "expires_today_is_still_valid",
        V7_IL.replace("DBA06302026", "DBA06012025"),
        expected(
            "WASHINGTON", "DENISE MARIE", date(1958, 6, 30), "8901", date(2025, 6, 1), "IL", 7
        ),
    ),
    (
        "no_expiry",
        V5_PA.replace("DBA02282029", "DBA99999999"),
        expected(
            "O'NEILL",
            "SIOBHAN",
            date(1992, 2, 28),
            "7766",
            None,
            "PA",
            5,
            "no expiry date on the card",
        ),
    ),
    (
        "us_card_writing_iso_dates",
        V4_TX.replace("DBB07191975", "DBB19750719"),
        expected(
            "HERNANDEZ-LOPEZ",
            "JOSE LUIS",
            date(1975, 7, 19),
            "5678",
            date(2028, 7, 19),
            "TX",
            4,
            "DBB written CCYYMMDD, not MMDDCCYY as the edition requires",
        ),
    ),
    (
        "name_truncated_on_card",
        V4_TX.replace("DDEN", "DDET"),
        expected(
            "HERNANDEZ-LOPEZ",
            "JOSE LUIS",
            date(1975, 7, 19),
            "5678",
            date(2028, 7, 19),
            "TX",
            4,
            "family name truncated on the card",
        ),
    ),
    (
        "unlisted_issuer_falls_back_to_daj",
        V7_IL.replace("ANSI 636035", "ANSI 636027"),
        expected(
            "WASHINGTON",
            "DENISE MARIE",
            date(1958, 6, 30),
            "8901",
            date(2026, 6, 30),
            "IL",
            7,
            "issuer 636027 not recognised: jurisdiction taken from DAJ",
        ),
    ),
]


@pytest.mark.parametrize(("text", "want"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_parses(text: str, want: ParsedId) -> None:
    assert parse(text, today=TODAY) == want


def _without(iin: str, version: int, elements: list[str], *dropped: str) -> str:
    """A consistent card (offsets and lengths agree) that lacks some elements."""
    return card(iin, version, [e for e in elements if e[:3] not in dropped])


REFUSALS: list[tuple[str, str, str, str]] = [
    ("empty", "", "header", "neither an AAMVA header nor any AAMVA element found"),
    ("not_a_card", "hello world", "header", "neither an AAMVA header nor any AAMVA element found"),
    ("header_cut_short", V8_CA[:20], "header", "truncated: the input ends inside the header"),
    (
        "iin_corrupted",
        V8_CA.replace("ANSI 636014", "ANSI 63#014"),
        "header",
        "file type found but not followed by a 6-digit IIN",
    ),
    (
        "designator_table_corrupted",
        V8_CA.replace("DL0041", "D?0041"),
        "header",
        "corrupted: no subfile designator after the version number",
    ),
    (
        "no_dl_or_id_subfile",
        V8_CA.replace("DL00410", "ZZ00410"),
        "header",
        "no DL or ID subfile designator",
    ),
    (
        "body_cut_short",
        V8_CA[:150],
        "DL",
        "truncated: header declares 224 characters, 109 present",
    ),
    (
        "date_of_birth_in_future",
        V8_CA.replace("DBB08311977", "DBB08312031"),
        "DBB",
        "date of birth 2031-08-31 is in the future",
    ),
    (
        "date_of_birth_impossible",
        V8_CA.replace("DBB08311977", "DBB02301977"),
        "DBB",
        "impossible date '02301977'",
    ),
    (
        "date_of_birth_cut",
        v8_ca(("DBB08311977", "DBB0831")),
        "DBB",
        "impossible date '0831': expected 8 digits",
    ),
    (
        "date_of_birth_too_old",
        V8_CA.replace("DBB08311977", "DBB08311890"),
        "DBB",
        "date of birth 1890-08-31 is more than 125 years ago",
    ),
    ("date_of_birth_missing", _without("636014", 8, V8_CA_ELEMENTS, "DBB"), "DBB", "missing"),
    (
        "expiry_impossible",
        V8_CA.replace("DBA08312030", "DBA13452030"),
        "DBA",
        "impossible date '13452030'",
    ),
    (
        "expiry_before_birth",
        V8_CA.replace("DBA08312030", "DBA08311970"),
        "DBA",
        "expiry 1970-08-31 is before the date of birth",
    ),
    (
        "family_name_missing",
        _without("636014", 8, V8_CA_ELEMENTS, "DCS"),
        "DCS",
        "missing family name",
    ),
    (
        "given_name_missing_v8",
        _without("636014", 8, V8_CA_ELEMENTS, "DAC"),
        "DAC",
        "missing given name",
    ),
    (
        "given_name_missing_v3",
        _without("636000", 3, V3_VA_ELEMENTS, "DCT"),
        "DCT",
        "missing given name",
    ),
    (
        "full_name_missing_v1",
        _without("636005", 1, V1_SC_ELEMENTS, "DAA"),
        "DAA",
        "missing family name",
    ),
    (
        "unknown_jurisdiction",
        v8_ca(("DAJCA", "DAJCOA")).replace("ANSI 636014", "ANSI 636056"),
        "DAJ",
        "unknown jurisdiction 'COA'",
    ),
    (
        "unknown_issuer_without_daj",
        _without("636999", 8, V8_CA_ELEMENTS, "DAJ"),
        "IIN",
        "unknown issuer 636999 and no DAJ jurisdiction element",
    ),
    (
        "headerless_unknown_jurisdiction",
        V8_CA[V8_CA.index("DLDCA") :].replace("DAJCA", "DAJXX"),
        "DAJ",
        "unknown jurisdiction 'XX'",
    ),
    (
        "id_number_missing",
        _without("636014", 8, V8_CA_ELEMENTS, "DAQ"),
        "DAQ",
        "missing customer ID number",
    ),
    (
        "id_number_too_short_to_hide",
        v8_ca(("DAQD1234562", "DAQ123")),
        "DAQ",
        "customer ID number has only 3 characters",
    ),
]


@pytest.mark.parametrize(
    ("text", "field", "message"), [r[1:] for r in REFUSALS], ids=[r[0] for r in REFUSALS]
)
def test_refuses_naming_the_field(text: str, field: str, message: str) -> None:
    with pytest.raises(AamvaError) as caught:
        parse(text, today=TODAY)
    assert (caught.value.field, caught.value.message) == (field, message)
    assert str(caught.value) == f"{field}: {message}"


def test_keeps_only_what_a_visit_needs() -> None:
    parsed = parse(V8_CA, today=TODAY)
    assert parsed.to_json() == {
        "family_name": "SAMPLE",
        "given_names": "ALEXANDER JOSEPH",
        "date_of_birth": "1977-08-31",
        "id_last4": "4562",
        "expiry": "2030-08-31",
        "jurisdiction": "CA",
        "document_type": "DL",
        "aamva_version": 8,
        "warnings": [],
    }
    # Neither the whole ID number nor the address survives anywhere in the result.
    assert "D1234562" not in repr(parsed)
    assert "ANYTOWN" not in repr(parsed)


def test_error_does_not_echo_the_id_number() -> None:
    with pytest.raises(AamvaError) as caught:
        parse(v8_ca(("DAQD1234562", "DAQ1234")), today=TODAY)
    assert "1234" not in str(caught.value)


# Placeholders ("NONE", "NFN": no first name) are what a card writes for an absent name.
_names = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ '-", min_size=1, max_size=20).filter(
    lambda s: (
        s.strip(" '-") == s
        and "  " not in s
        and s not in {"NONE", "NFN", "NLN", "NMN", "UNAVL", "N/A"}
    )
)


@settings(max_examples=150, deadline=None)
@given(
    family=_names,
    first=_names,
    born=st.dates(min_value=date(1901, 1, 1), max_value=TODAY),
    version=st.integers(min_value=4, max_value=10),
    stripped=st.booleans(),
)
def test_round_trips_any_person(
    family: str, first: str, born: date, version: int, stripped: bool
) -> None:
    text = card(
        "636014",
        version,
        ["DCAC", "DBA01012035", f"DCS{family}", f"DAC{first}", f"DBB{born:%m%d%Y}",
         "DAJCA", "DAQD7654321", "DCGUSA"],
    )  # fmt: skip
    if not stripped:
        parsed = parse(text, today=TODAY)
        assert (parsed.family_name, parsed.given_names, parsed.date_of_birth) == (
            family,
            first,
            born,
        )
        return
    # Without separators a name that contains an element id ("ADA" holds DAD) is ambiguous:
    # the parser may refuse, naming the field, but must never return a wrong birth date.
    glued = text.replace("\n", "").replace("\r", "").replace("\x1e", "")
    try:
        parsed = parse(glued, today=TODAY)
    except AamvaError as error:
        refused = error.field
    else:
        refused = ""
        assert (parsed.date_of_birth, parsed.id_last4, parsed.jurisdiction) == (born, "4321", "CA")
    assert refused in {"", "DCS", "DAC", "DBB"}


FIELDS = {"header", "IIN", "DL", "ID", "DAA", "DCS", "DCT", "DAC", "DBB", "DBA", "DAQ", "DAJ"}


def _outcome(text: str) -> tuple[str, str]:
    """('parsed', '') or the field and message of the refusal."""
    try:
        parse(text, today=TODAY)
    except AamvaError as error:
        return error.field, error.message
    return "parsed", ""


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_any_text_parses_or_names_a_field(text: str) -> None:
    field, message = _outcome(text)
    assert field in FIELDS | {"parsed"}
    assert (field == "parsed") == (message == "")


@settings(max_examples=200, deadline=None)
@given(cut=st.integers(min_value=0, max_value=V8_CA.index("\rZCZCA") - 2))
def test_any_truncation_of_the_card_subfile_is_refused(cut: int) -> None:
    assert _outcome(V8_CA[:cut])[0] in FIELDS


def test_losing_only_the_terminator_or_the_jurisdiction_subfile_still_parses() -> None:
    assert parse(V8_CA[: V8_CA.index("\rZCZCA")], today=TODAY) == SAMPLE_V8
    assert parse(V8_CA[: V8_CA.index("ZCBCORR")], today=TODAY) == SAMPLE_V8
