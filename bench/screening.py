"""Screening benchmark: quality on a generated registry, and speed at a million entries.

    .venv/bin/python bench/screening.py quality [--seed 8] [--registry 100000] [--visitors 5000]
    .venv/bin/python bench/screening.py speed [--seed 8] [--registry 1000000] [--lookups 1000]

``quality`` generates a registry of people with the errors real lists carry (accents,
compound and particled surnames, aliases, middle names), plants true matches among the
visitors with the errors a front desk makes (nicknames, typos, a date of birth typed wrong,
names the other way round, an alias) and prints recall and the false-alert rate.

``speed`` builds a `RegistryIndex` over a generated registry, screens visitors one at a
time and prints the latency percentiles and the memory the registry and index take.

Names are drawn from rank-ordered lists of common US family and given names with Zipf
weights, and a third of family names (a fifth of given names) from a syllable generator,
because real surnames have a long tail that a short list would hide: without it every
"James Smith" would collide and the false-alert rate would say more about the list than
about the matcher. The lists are written from general knowledge, not copied from a data set.
"""

from __future__ import annotations

import argparse
import gc
import itertools
import random
import statistics
import sys
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from vigil.visitors.matching import (
    Alias,
    MatchPolicy,
    RegistryEntry,
    RegistryIndex,
    Visitor,
    dob_variants,
)
from vigil.visitors.names import load_nicknames


def words(text: str) -> list[str]:
    return text.split()


FAMILY_NAMES = words(
    """
smith johnson williams brown jones garcia miller davis rodriguez martinez hernandez lopez
gonzalez wilson anderson thomas taylor moore jackson martin lee perez thompson white harris
sanchez clark ramirez lewis robinson walker young allen king wright scott torres nguyen hill
flores green adams nelson baker hall rivera campbell mitchell carter roberts gomez phillips
evans turner diaz parker cruz edwards collins reyes stewart morris morales murphy cook
rogers gutierrez ortiz morgan cooper peterson bailey reed kelly howard ramos kim cox ward
richardson watson brooks chavez wood james bennett gray mendoza ruiz hughes price alvarez
castillo sanders patel myers long ross foster jimenez powell jenkins perry russell sullivan
bell coleman butler henderson barnes gonzales fisher vasquez simmons romero jordan patterson
alexander hamilton graham reynolds griffin wallace moreno west cole hayes bryant herrera
gibson ellis tran medina aguilar stevens murray ford castro marshall owens harrison
fernandez mcdonald woods washington kennedy wells vargas henry chen freeman webb tucker
guzman burns crawford olson simpson porter hunter gordon mendez silva shaw snyder mason
dixon munoz hunt hicks holmes palmer wagner black robertson boyd rose stone salazar fox
warren mills meyer rice schmidt garza daniels ferguson nichols stephens soto weaver ryan
gardner payne grant dunn kelley spencer hawkins arnold pierce vazquez hansen peters santos
hart bradley knight elliott cunningham duncan armstrong hudson carroll lane riley andrews
alvarado ray delgado berry perkins hoffman johnston matthews pena richards contreras willis
carpenter lawrence sandoval guerrero george chapman rios estrada ortega watkins greene nunez
wheeler valdez harper burke larson santiago maldonado morrison franklin carlson austin
dominguez carr lawson jacobs obrien lynch singh vega bishop montgomery oliver jensen harvey
williamson gilbert dean sims espinoza howell li wong reid hanson le mccoy garrett burton
fuller wang weber welch rojas lucas marquez fields park yang little banks padilla day walsh
bowman schultz luna fowler mejia davidson acosta brewer may holland juarez newman pearson
curtis cortez douglas schneider joseph barrett navarro figueroa keller avila wade molina
stanley hopkins campos barnett bates chambers caldwell beck lambert miranda byrd craig ayala
lowe frazier powers neal leonard gregory carrillo sutton fleming rhodes shelton schwartz
norris jennings watts duran walters cohen mcdaniel moran parks steele vaughn becker holt
deleon barker terry hale leon hail benson haynes horton miles lyons pham graves bush
thornton wolfe warner cabrera mckinney mann zimmerman dawson lara fletcher page mccarthy
love robles cervantes solis erickson reeves chang klein salinas fuentes baldwin daniel simon
velasquez hardy higgins aguirre lin cummings chandler sharp barber bowen ochoa dennis
robbins liu ramsey francis griffith paul blair oconnor cardenas pacheco cross calderon quinn
moss swanson chan rivas khan rodgers serrano fitzgerald rosales stevenson christensen
manning gill curry mclaughlin harmon mcgee gross doyle garner newton burgess reese walton
blake trujillo adkins brady goodman roman webster goodwin fischer huang potter delacruz
montoya todd wu hines mullins castaneda malone cannon tate mack sherman hubbard
"""
)
FAMILY_SHOWN = {
    "garcia": "García", "lopez": "López", "hernandez": "Hernández", "gonzalez": "González",
    "perez": "Pérez", "ramirez": "Ramírez", "gomez": "Gómez", "diaz": "Díaz", "nunez": "Núñez",
    "obrien": "O'Brien", "oconnor": "O'Connor", "delacruz": "de la Cruz", "deleon": "De León",
    "munoz": "Muñoz", "jimenez": "Jiménez", "alvarez": "Álvarez", "martinez": "Martínez",
}  # fmt: skip
MALE_GIVEN = words(
    """
james robert john michael william david richard joseph thomas charles christopher daniel
matthew anthony mark donald steven paul andrew joshua kenneth kevin brian george timothy
ronald edward jason jeffrey ryan jacob gary nicholas eric jonathan stephen larry justin
scott brandon benjamin samuel gregory alexander frank patrick raymond jack dennis jerry
tyler aaron jose adam nathan henry douglas zachary peter kyle ethan walter noah jeremy
christian keith roger terry gerald harold sean austin carl arthur lawrence dylan jesse
jordan bryan billy joe bruce gabriel logan albert willie alan juan wayne elijah randy roy
vincent ralph eugene russell bobby mason philip louis harry howard fred victor martin ernest
phillip todd craig shawn clarence travis chad luis carlos manuel francisco jesus miguel
antonio jorge alejandro ricardo eduardo rafael liam mohammed ahmed wei minh
"""
)
FEMALE_GIVEN = words(
    """
mary patricia jennifer linda elizabeth barbara susan jessica sarah karen lisa nancy betty
margaret sandra ashley kimberly emily donna michelle carol amanda dorothy melissa deborah
stephanie rebecca sharon laura cynthia kathleen amy angela shirley anna brenda pamela emma
nicole helen samantha katherine christine debra rachel carolyn janet catherine maria heather
diane ruth julie olivia joyce virginia victoria kelly lauren christina joan evelyn judith
megan andrea cheryl hannah jacqueline martha gloria teresa ann sara madison frances kathryn
janice jean abigail alice judy sophia grace denise amber doris marilyn danielle beverly
isabella theresa diana natalie brittany charlotte marie kayla alexis lori rosa guadalupe ana
carmen sofia valentina ximena fatima aisha mei linh
"""
)
SYLLABLES = words(
    """
ka ri to ber an son vel mar dro sk ov ich en ler ham ton stein berg ma lo ne ski wicz fa del
ro sa vi lin dal gren quist hol man ney ter mont ain ard ell ing ow ak zu na hi ko ta
"""
)
GIVEN_SYLLABLES = words(
    """
ja ne la ri sa to mi ka el an ny da vi ro lu ce
"""
)


def rank_weights(count: int) -> list[float]:
    """Share of the name at each rank, proportional to rank ** -0.5.

    With the list shares below this gives Smith about 0.8 % of people and James about 3.5 %
    of men, close to US census tabulations of surnames and given names; a steeper Zipf law
    would make common names far commoner than they are.
    """
    return [(rank + 1) ** -0.5 for rank in range(count)]


# Share of people whose name comes from the lists rather than the long tail.
FAMILY_FROM_LIST = 0.35
GIVEN_FROM_LIST = 0.80


@dataclass(frozen=True, slots=True)
class Person:
    family: str
    given: str
    middle: str
    dob: date


class PeopleGenerator:
    """People as a district's lists hold them; one `random.Random(seed)` drives everything."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.family_weights = list(itertools.accumulate(rank_weights(len(FAMILY_NAMES))))
        self.male_weights = list(itertools.accumulate(rank_weights(len(MALE_GIVEN))))
        self.female_weights = list(itertools.accumulate(rank_weights(len(FEMALE_GIVEN))))
        self.earliest = date(1940, 1, 1).toordinal()
        self.latest = date(2006, 12, 31).toordinal()

    def family(self) -> str:
        rng = self.rng
        if rng.random() > FAMILY_FROM_LIST:
            name = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4)))
        else:
            name = rng.choices(FAMILY_NAMES, cum_weights=self.family_weights)[0]
            name = FAMILY_SHOWN.get(name, name)
        if rng.random() < 0.04:  # compound surnames, mostly Hispanic
            other = rng.choices(FAMILY_NAMES, cum_weights=self.family_weights)[0]
            name = f"{name}-{FAMILY_SHOWN.get(other, other)}"
        return name.title() if name.islower() else name

    def given(self) -> str:
        rng = self.rng
        return self._given(rng.random() < 0.5)

    def _given(self, male: bool) -> str:
        rng = self.rng
        if rng.random() > GIVEN_FROM_LIST:
            return "".join(rng.choice(GIVEN_SYLLABLES) for _ in range(rng.randint(2, 3))).title()
        names, weights = (
            (MALE_GIVEN, self.male_weights) if male else (FEMALE_GIVEN, self.female_weights)
        )
        return rng.choices(names, cum_weights=weights)[0].title()

    def person(self) -> Person:
        male = self.rng.random() < 0.5
        given = self._given(male)
        middle = self._given(male) if self.rng.random() < 0.5 else ""
        if middle == given:
            middle = ""
        dob = date.fromordinal(self.rng.randint(self.earliest, self.latest))
        return Person(self.family(), given, middle, dob)


def typo(rng: random.Random, text: str) -> str:
    """One keyboard slip: a letter dropped, doubled, replaced or swapped with its neighbour."""
    if len(text) < 3:
        return text
    i = rng.randrange(1, len(text) - 1)  # first letters are rarely wrong
    kind = rng.randrange(4)
    letter = rng.choice("aeioulnrst")
    if kind == 0:
        return text[:i] + text[i + 1 :]
    if kind == 1:
        return text[:i] + text[i] + text[i:]
    if kind == 2:
        return text[:i] + letter + text[i + 1 :]
    return text[: i - 1] + text[i] + text[i - 1] + text[i + 1 :]


def nickname_of(rng: random.Random, given: str, groups: dict[str, list[str]]) -> str | None:
    options = groups.get(given.lower())
    return rng.choice(options).title() if options else None


def nickname_groups() -> dict[str, list[str]]:
    csv_path = Path(__file__).resolve().parents[1] / "vigil/visitors/nicknames.csv"
    groups: dict[str, list[str]] = {}
    for line in csv_path.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            formal, *nicks = line.split(",")
            groups.setdefault(formal, []).extend(nicks)
    return groups


def dob_typo(rng: random.Random, dob: date) -> date:
    variants = [d for d in dob_variants(dob) if d != dob]
    return rng.choice(variants)


def make_registry(
    gen: PeopleGenerator, size: int, groups: dict[str, list[str]]
) -> list[RegistryEntry]:
    rng = gen.rng
    entries = []
    for number in range(size):
        person = gen.person()
        aliases: list[Alias] = []
        if rng.random() < 0.25:
            nick = nickname_of(rng, person.given, groups)
            if nick:
                aliases.append(Alias(person.family, nick))
        if rng.random() < 0.10:
            aliases.append(Alias(gen.family(), person.given))  # maiden or former name
        given = f"{person.given} {person.middle}".strip()
        entries.append(
            RegistryEntry(
                id=f"R{number:07d}",
                family=person.family,
                given=given,
                date_of_birth=person.dob,
                aliases=tuple(aliases),
                jurisdiction=rng.choice(("CA", "TX", "NY", "FL", "ON")),
                source="registry",
            )
        )
    return entries


PLANTED_ERRORS = (
    ("as on the list", 30),
    ("nickname", 15),
    ("family name typo", 10),
    ("given name typo", 6),
    ("alias", 5),
    ("one part of a compound or particled surname", 3),
    ("date of birth typo", 16),
    ("nickname and date of birth typo", 5),
    ("family typo and date of birth typo", 4),
    ("names the other way round", 3),
    ("middle name as given name", 3),
)


def plant(
    rng: random.Random, entry: RegistryEntry, kind: str, groups: dict[str, list[str]]
) -> Visitor:
    """The visitor a registry person becomes at the desk, with one kind of error."""
    family, given, dob = entry.family, entry.given.split()[0], entry.date_of_birth
    if rng.random() < 0.5:  # typed from the card: capitals, no accents
        family, given = family.upper(), given.upper()
    if "nickname" in kind:
        given = nickname_of(rng, given, groups) or given
    if "family" in kind and "typo" in kind:
        family = typo(rng, family)
    if kind == "given name typo":
        given = typo(rng, given)
    if kind == "alias" and entry.aliases:
        family, given = entry.aliases[0].family, entry.aliases[0].given
    if kind.startswith("one part") and "-" in entry.family:
        family = rng.choice(entry.family.split("-"))
    if "date of birth" in kind:
        dob = dob_typo(rng, dob)
    if kind == "names the other way round":
        family, given = given, family
    if kind == "middle name as given name" and len(entry.given.split()) > 1:
        given = entry.given.split()[1]
    return Visitor(family=family, given=given, date_of_birth=dob)


def quality(seed: int, registry_size: int, visitor_count: int, planted_count: int) -> None:
    rng = random.Random(seed)
    gen = PeopleGenerator(rng)
    groups = nickname_groups()
    started = time.perf_counter()
    registry = make_registry(gen, registry_size, groups)
    index = RegistryIndex.build(registry)
    planted_entries = rng.sample(registry, planted_count)
    kinds = [k for k, _ in PLANTED_ERRORS]
    weights = [w for _, w in PLANTED_ERRORS]
    visitors: list[tuple[Visitor, str | None, str]] = []
    for entry in planted_entries:
        kind = rng.choices(kinds, weights=weights)[0]
        visitors.append((plant(rng, entry, kind, groups), entry.id, kind))
    for _ in range(visitor_count - planted_count):
        person = gen.person()
        visitors.append((Visitor(person.family, person.given, person.dob), None, "not listed"))
    rng.shuffle(visitors)
    built = time.perf_counter() - started

    policy = MatchPolicy()
    found = 0
    false_alerts = 0
    missed: dict[str, int] = {}
    false_examples: list[str] = []
    started = time.perf_counter()
    for visitor, truth, kind in visitors:
        candidates = index.screen(visitor, policy)
        ids = {c.entry_id for c in candidates}
        if truth is not None and truth in ids:
            found += 1
            continue
        if truth is not None:
            missed[kind] = missed.get(kind, 0) + 1
        if candidates:
            false_alerts += 1
            if len(false_examples) < 8:
                best = candidates[0]
                false_examples.append(f"{visitor} ~ {best.entry_id} {best.score} {best.reasons}")
    screened = time.perf_counter() - started
    print(
        f"seed {seed}: registry {registry_size}, visitors {visitor_count}, planted {planted_count}"
    )
    print(f"generated and indexed in {built:.1f} s, screened in {screened:.1f} s")
    print(f"recall {found / planted_count:.2%} ({found}/{planted_count})")
    print(
        f"false alerts {false_alerts / visitor_count:.3%} of visitors "
        f"({false_alerts}/{visitor_count})"
    )
    for kind, count in sorted(missed.items(), key=lambda item: -item[1]):
        print(f"  missed {count:3d}  {kind}")
    for example in false_examples:
        print(f"  false alert: {example}")


def rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def speed(seed: int, registry_size: int, lookups: int) -> None:
    rng = random.Random(seed)
    gen = PeopleGenerator(rng)
    groups = nickname_groups()
    load_nicknames()
    gc.collect()
    before = rss_mib()
    started = time.perf_counter()
    registry = make_registry(gen, registry_size, groups)
    generated = time.perf_counter() - started
    after_registry = rss_mib()
    started = time.perf_counter()
    index = RegistryIndex.build(registry)
    indexed = time.perf_counter() - started
    del registry
    gc.collect()
    after_index = rss_mib()
    # Half the lookups are people on the list (with their errors), half are not.
    probes = []
    for i in range(lookups):
        if i % 2:
            probes.append(plant(rng, rng.choice(index.entries), "nickname", groups))
        else:
            person = gen.person()
            probes.append(Visitor(person.family, person.given, person.dob))
    for visitor in probes[:50]:  # warm the name caches as a running server would be
        index.screen(visitor)
    timings = []
    candidates = 0
    for visitor in probes:
        started = time.perf_counter()
        candidates += len(index.screen(visitor))
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    p50 = statistics.median(timings)
    p95 = timings[int(0.95 * len(timings)) - 1]
    p99 = timings[int(0.99 * len(timings)) - 1]
    print(f"seed {seed}: registry {registry_size}, lookups {lookups}")
    print(f"generated in {generated:.1f} s, index built in {indexed:.1f} s")
    print(
        f"memory: registry entries {after_registry - before:.0f} MiB, "
        f"index on top {after_index - after_registry:.0f} MiB, process {after_index:.0f} MiB"
    )
    print(
        f"screen one visitor: p50 {p50:.1f} ms, p95 {p95:.1f} ms, p99 {p99:.1f} ms, "
        f"max {timings[-1]:.1f} ms"
    )
    print(f"candidates reported: {candidates} over {lookups} lookups")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("mode", choices=("quality", "speed"))
    parser.add_argument("--seed", type=int, default=8)
    parser.add_argument("--registry", type=int)
    parser.add_argument("--visitors", type=int, default=5000)
    parser.add_argument("--planted", type=int, default=1000)
    parser.add_argument("--lookups", type=int, default=1000)
    args = parser.parse_args()
    if args.mode == "quality":
        quality(args.seed, args.registry or 100_000, args.visitors, args.planted)
    else:
        speed(args.seed, args.registry or 1_000_000, args.lookups)


if __name__ == "__main__":
    main()
