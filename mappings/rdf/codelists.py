"""SKOS code lists: ``codelist_graph(scheme, base)``.

Every list of ``schemas.all_codelists()`` becomes a ``skos:ConceptScheme`` at
``{base}/code/{scheme}`` with one ``skos:Concept`` per code at
``{base}/code/{scheme}/{notation}``: notation, labels zh/en, known alternative
spellings, and links to external terms — Wikidata for gases, IPCC 2006 categories for
sectors and industries (minted at ``/code/ipcc2006/…``), QUDT for metrics, and the EU
country authority for Parties. Two small schemes are ours: ``ipcc2006`` and ``unit``.
"""

from __future__ import annotations

import re
from typing import Any

from rdflib import Graph

import schemas

from . import terms as t
from .namespaces import EU, UNIT, WD
from .values import RDF_TYPE, RDFS_LABEL, expand

_CJK = re.compile(r"[\u3400-\u9fff]")

# The IPCC 2006 categories our sectors and industries point at (no official RDF exists).
EXTRA_SCHEMES: dict[str, dict[str, Any]] = {
    "ipcc2006": {
        "scheme": "ipcc2006", "version": "2006",
        "label": {"zh": "IPCC 2006 排放源类别", "en": "IPCC 2006 source categories"},
        "source": "2006 IPCC Guidelines for National Greenhouse Gas Inventories",
        "codes": [
            {"notation": "1.A.1.a", "zh": "主要活动电力和热力生产",
             "en": "Main activity electricity and heat production"},
            {"notation": "2.A.1", "zh": "水泥生产", "en": "Cement production"},
            {"notation": "2.C.1", "zh": "钢铁生产", "en": "Iron and steel production"},
            {"notation": "2.C.3", "zh": "铝生产", "en": "Aluminium production"},
        ]},
    "unit": {
        "scheme": "unit", "version": "1", "label": {"zh": "计量单位", "en": "Units of measure"},
        "source": "gateway (units QUDT lacks)",
        "codes": [{"notation": "CNY-PER-TONNE", "zh": "元/吨", "en": "CNY per tonne"}]},
}

# QUDT units named by the code lists; TONNE_CO2E is not a QUDT unit: t CO2e is
# unit:TONNE with the quantity kind CO2Equivalent (linked-data.md §4).
_QUDT_CLOSE = {"unit:TONNE_CO2E": str(UNIT.TONNE)}


def schemes() -> list[str]:
    """Every scheme name ``codelist_graph`` knows."""
    return [*schemas.all_codelists(), *EXTRA_SCHEMES]


def _doc(scheme: str) -> dict[str, Any]:
    if scheme in EXTRA_SCHEMES:
        return EXTRA_SCHEMES[scheme]
    found = schemas.all_codelists().get(scheme)
    if found is None:
        raise KeyError(f"no code list named {scheme!r}")
    return {"scheme": found.scheme, "version": found.version, "label": found.label,
            "source": found.source, "codes": list(found.codes)}


def codelist_triples(scheme: str, base: str) -> list[t.Triple]:
    """One code list as plain SKOS triples; KeyError for an unknown scheme."""
    doc = _doc(scheme)
    iri = t.code_uri(base, scheme)
    out: list[t.Triple] = [
        (iri, RDF_TYPE, expand("skos:ConceptScheme", base)),
        (iri, expand("skos:prefLabel", base), t.Lit(doc["label"]["zh"], lang="zh")),
        (iri, expand("skos:prefLabel", base), t.Lit(doc["label"]["en"], lang="en")),
        (iri, RDFS_LABEL, t.Lit(doc["label"]["zh"], lang="zh")),
        (iri, RDFS_LABEL, t.Lit(doc["label"]["en"], lang="en")),
        (iri, expand("owl:versionInfo", base), t.Lit(str(doc["version"]))),
        (iri, expand("dct:source", base), t.Lit(doc["source"])),
    ]
    for code in doc["codes"]:
        out += _concept(scheme, iri, code, base)
    return out


def codelist_graph(scheme: str, base: str) -> Graph:
    """One code list as an rdflib Graph (serve it at ``/code/{scheme}``)."""
    return t.graph_of(codelist_triples(scheme, base), base)


def _concept(scheme: str, scheme_iri: str, code: dict[str, Any], base: str) -> list[t.Triple]:
    concept = t.code_uri(base, scheme, code["notation"])
    out: list[t.Triple] = [
        (concept, RDF_TYPE, expand("skos:Concept", base)),
        (concept, expand("skos:inScheme", base), scheme_iri),
        (concept, expand("skos:topConceptOf", base), scheme_iri),
        (scheme_iri, expand("skos:hasTopConcept", base), concept),
        (concept, expand("skos:notation", base), t.Lit(code["notation"])),
        (concept, expand("skos:prefLabel", base), t.Lit(code["zh"], lang="zh")),
        (concept, expand("skos:prefLabel", base), t.Lit(code["en"], lang="en")),
    ]
    for alt in code.get("alt", []):
        lang = "zh" if _CJK.search(alt) else "en"
        out.append((concept, expand("skos:altLabel", base), t.Lit(alt, lang=lang)))
    return out + _matches(scheme, concept, code, base)


def _matches(scheme: str, concept: str, code: dict[str, Any], base: str) -> list[t.Triple]:
    """Links from one concept to external or sibling terms."""
    out: list[t.Triple] = []
    if "wikidata" in code:
        out.append((concept, expand("skos:exactMatch", base), str(WD[code["wikidata"]])))
    if "ipcc2006" in code:
        out.append((concept, expand("skos:closeMatch", base),
                    t.code_uri(base, "ipcc2006", code["ipcc2006"])))
    for industry in code.get("gbt4754", []):
        out.append((concept, expand("skos:narrowMatch", base),
                    t.code_uri(base, "industry", industry)))
    if scheme == "industry" and "sector" in code:
        out.append((concept, expand("skos:broadMatch", base),
                    t.code_uri(base, "sector", code["sector"])))
    if scheme == "ccer_project_type" and "methodology" in code:
        out.append((concept, expand("skos:related", base),
                    t.code_uri(base, "ccer_methodology", code["methodology"])))
    if "qudt" in code:
        qudt = code["qudt"]
        if qudt in _QUDT_CLOSE:
            out.append((concept, expand("skos:closeMatch", base), _QUDT_CLOSE[qudt]))
            out.append((concept, expand("qudt:hasQuantityKind", base),
                        expand("quantitykind:CO2Equivalent", base)))
        else:
            out.append((concept, expand("skos:exactMatch", base), expand(qudt, base)))
    if scheme == "party":
        out.append((concept, expand("skos:exactMatch", base),
                    f"{EU}country/{code['notation']}"))
    return out
