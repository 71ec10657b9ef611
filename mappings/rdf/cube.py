"""RDF Data Cube: the structures (DSDs) of our three cubes and observation typing.

Emission reports, compliance records and market days are ``qb:Observation`` in the
``qb:DataSet`` ``{base}/dataset/{kind}/{year}``, which is also the DCAT dataset of that
year. DSDs are written normalised (``qb:dimension`` *and* ``qb:componentProperty``,
typed properties with ranges), so the spec's integrity constraints apply as written.

An observation must carry every measure (IC-14). An emission report whose verified
emissions are withheld (涉密) is therefore published as a ``cm:EmissionReport`` but not
as an observation. Market-day prices may be empty (no listing trade that day), so
they are plain properties of the observation, not measures.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from . import terms as t
from .values import RDF_TYPE, RDFS_LABEL, expand


@dataclass(frozen=True)
class Cube:
    structure: str                          # local name of the DSD in cm:
    label: tuple[str, str]                  # zh, en
    dimensions: tuple[str, ...]             # CURIEs
    measures: tuple[str, ...]
    attributes: tuple[str, ...]             # required attributes
    fields: tuple[str, ...]                 # record fields an observation needs
    unit: str | None = None                 # sdmx-attribute:unitMeasure of every observation


CUBES: dict[str, Cube] = {
    "emission_report": Cube(
        "EmissionsStructure", ("重点排放单位年度核查排放量", "Verified annual emissions of key emitting units"),
        ("cm:emitter", "cm:reportingYear"), ("cm:verifiedEmissions",),
        ("sdmx-attribute:unitMeasure",), ("uscc", "year", "verified_emissions"), "unit:TONNE"),
    "compliance": Cube(
        "ComplianceStructure", ("重点排放单位履约情况", "Compliance of key emitting units"),
        ("cm:emitter", "cm:complianceYear"),
        ("cm:obligation", "cm:allowancesSurrendered", "cm:offsetsSurrendered"),
        ("cm:complianceStatus", "sdmx-attribute:unitMeasure"),
        ("uscc", "compliance_year", "obligation", "surrendered_cea", "surrendered_ccer",
         "status"), "unit:TONNE"),
    "market_day": Cube(
        "MarketDayStructure", ("全国碳市场每日行情", "Daily market data of the national carbon market"),
        ("cm:tradeDate", "cm:product"), ("cm:volume", "cm:turnover"), (),
        ("trade_date", "subject_code", "volume", "amount")),
}

# Dimensions whose values come from a code list (IC-5, IC-19).
CODE_LISTS = {"cm:product": "subject", "cm:complianceStatus": "compliance_status"}


def dsd_uri(kind: str, base: str) -> str:
    return expand(f"cm:{CUBES[kind].structure}", base)


def observation_triples(kind: str, record: dict[str, Any], subject: str, dataset: str,
                        base: str, shown: frozenset[str]) -> list[t.Triple]:
    """``qb:Observation`` typing for a record that has every component, else []."""
    cube = CUBES.get(kind)
    if cube is None or any(f not in shown or record.get(f) is None for f in cube.fields):
        return []
    out: list[t.Triple] = [(subject, RDF_TYPE, expand("qb:Observation", base)),
                           (subject, expand("qb:dataSet", base), dataset)]
    if cube.unit:
        out.append((subject, expand("sdmx-attribute:unitMeasure", base), expand(cube.unit, base)))
    return out


def dataset_triples(kind: str, period: str, base: str) -> list[t.Triple]:
    """The ``qb:DataSet`` declaration of one cube year (nothing for other kinds)."""
    if kind not in CUBES:
        return []
    dataset = t.dataset_uri(base, kind, period)
    return [(dataset, RDF_TYPE, expand("qb:DataSet", base)),
            (dataset, expand("qb:structure", base), dsd_uri(kind, base))]


def structure_triples(base: str) -> list[t.Triple]:
    """Every DSD with its component specifications and the qb typing of components."""
    out: list[t.Triple] = []
    for kind, cube in CUBES.items():
        dsd = dsd_uri(kind, base)
        out += [(dsd, RDF_TYPE, expand("qb:DataStructureDefinition", base)),
                (dsd, RDFS_LABEL, t.Lit(cube.label[0], lang="zh")),
                (dsd, RDFS_LABEL, t.Lit(cube.label[1], lang="en"))]
        parts = ([("dimension", p) for p in cube.dimensions]
                 + [("measure", p) for p in cube.measures]
                 + [("attribute", p) for p in cube.attributes])
        for order, (role, curie) in enumerate(parts, start=1):
            out += _component(dsd, order, role, curie, base)
    return out


def _component(dsd: str, order: int, role: str, curie: str, base: str) -> list[t.Triple]:
    spec = f"{dsd}-{order}"
    prop = expand(curie, base)
    out: list[t.Triple] = [
        (dsd, expand("qb:component", base), spec),
        (spec, RDF_TYPE, expand("qb:ComponentSpecification", base)),
        (spec, expand(f"qb:{role}", base), prop),
        (spec, expand("qb:componentProperty", base), prop),
        (spec, expand("qb:order", base), t.Lit(str(order), t.XSD_INTEGER)),
        (prop, RDF_TYPE, expand(f"qb:{role.capitalize()}Property", base)),
    ]
    if role == "attribute":
        out.append((spec, expand("qb:componentRequired", base), t.Lit("true", t.XSD_BOOLEAN)))
    if curie in CODE_LISTS:
        out.append((prop, expand("qb:codeList", base), t.code_uri(base, CODE_LISTS[curie])))
    return out
