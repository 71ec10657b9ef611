"""The ``cm:`` vocabulary as data: classes, properties (with zh/en labels), and the
cube structures. Published as Turtle at ``{base}/def/cm`` (``vocabulary_graph``).

Property labels come from the schemas' field labels (the first field, in kind order,
that maps to the property) unless :data:`PROPERTY_LABELS` gives a better one.
"""

from __future__ import annotations

from functools import cache

from rdflib import Graph

import schemas

from . import terms as t
from .cube import CUBES, structure_triples
from .namespaces import EU
from .tables import FACILITY_ROWS, METHOD_ROWS, TABLES
from .values import RANGES, RDF_TYPE, RDFS_LABEL, expand

VERSION = "1.0"

# (local name, zh, en, superclasses as CURIEs)
CLASSES: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    ("KeyEmittingUnit", "重点排放单位", "Key emitting unit", ("rov:RegisteredOrganization",)),
    ("Facility", "排放设施", "Facility", ("org:Site",)),
    ("Listing", "重点排放单位名录条目", "Key emitting unit list entry", ("prov:Entity",)),
    ("EmissionReport", "年度排放报告", "Annual emission report", ("prov:Entity",)),
    ("KeyParameterDeposit", "月度关键参数存证", "Monthly key-parameter deposit", ("prov:Entity",)),
    ("ComplianceRecord", "履约情况", "Compliance record", ("prov:Entity",)),
    ("Transaction", "登记交易", "Registry transaction", ("prov:Activity",)),
    ("Allocation", "配额分配", "Allowance allocation", ("cm:Transaction",)),
    ("Surrender", "清缴", "Surrender", ("cm:Transaction",)),
    ("Cancellation", "配额自愿注销", "Voluntary cancellation of allowances", ("cm:Transaction",)),
    ("Trade", "成交", "Trade", ("cm:Transaction",)),
    ("MarketDay", "每日行情", "Market day", ("prov:Entity",)),
    ("MethodTotal", "分交易方式统计", "Total per trading method", ("prov:Entity",)),
    ("Pledge", "质押", "Pledge", ("prov:Entity",)),
    ("PledgeEvent", "质押解除与处置", "Pledge release or enforcement", ("cm:Transaction",)),
    ("MitigationProject", "减排项目", "Mitigation project", ("prov:Entity",)),
    ("CreditIssuance", "减排量签发", "Credit issuance", ("prov:Activity",)),
    ("CreditCancellation", "减排量注销", "Credit cancellation", ("cm:Transaction",)),
    ("CreditBlock", "减排量序列号段", "Block of credit serial numbers", ("prov:Entity",)),
    ("Article6Action", "第六条行动", "Article 6 action", ("prov:Activity",)),
    ("Article6Authorization", "第六条授权", "Article 6 authorization", ("cm:Article6Action",)),
    ("Article6Transfer", "第六条转让", "Article 6 transfer", ("cm:Article6Action",)),
    ("IngestRun", "数据采集运行", "Ingest run", ("prov:Activity",)),
)

PROPERTY_LABELS: dict[str, tuple[str, str]] = {
    "cm:emitter": ("所涉单位", "Organisation concerned (key emitting unit or account holder)"),
    "cm:unitName": ("单位名称", "Name of the unit"),
    "cm:quantity": ("数量", "Quantity"),
    "cm:unitType": ("单位类型", "Unit type"),
    "cm:project": ("项目", "Project"),
    "cm:turnover": ("成交额", "Turnover"),
    "cm:volume": ("成交量", "Volume"),
    "cm:tradeDate": ("交易日期", "Trading day"),
    "cm:product": ("交易标的", "Product"),
    "cm:tradingMethod": ("交易方式", "Trading method"),
    "cm:vintageYear": ("年份", "Vintage year"),
    "cm:facility": ("排放设施", "Facility"),
    "cm:methodTotal": ("分交易方式统计", "Total per trading method"),
    "cm:facilityKind": ("设施类型", "Facility kind"),
    "cm:capacity": ("装机容量/产能", "Capacity"),
    "cm:capacityUnit": ("容量单位", "Capacity unit"),
    "cm:eventTime": ("事件时间", "Event time"),
    "cm:cancellationPurpose": ("注销用途", "Cancellation purpose"),
}

# Properties that are not fields: provenance and annotations.
EXTRA_PROPERTIES: tuple[tuple[str, str, str, str], ...] = (
    ("cm:recordVersion", "记录版本", "Record version", "xsd:integer"),
    ("cm:publisherSystem", "数据来源系统", "Source system", "xsd:string"),
    ("cm:runStatus", "运行状态", "Run status", "xsd:string"),
    ("cm:cadtField", "对应CADT字段", "Corresponding CAD Trust field", "xsd:string"),
)

MEASURE_UNITS = {
    "cm:verifiedEmissions": "unit:TONNE", "cm:reportedEmissions": "unit:TONNE",
    "cm:obligation": "unit:TONNE", "cm:allowancesSurrendered": "unit:TONNE",
    "cm:offsetsSurrendered": "unit:TONNE", "cm:volume": "unit:TONNE",
    "cm:turnover": "unit:CCY_CNY", "cm:quantity": "unit:TONNE",
    "cm:securedAmount": "unit:CCY_CNY",
}
PRICES = ("cm:openPrice", "cm:highPrice", "cm:lowPrice", "cm:closePrice",
          "cm:previousClosePrice", "cm:unitPrice")
CO2E = ("cm:verifiedEmissions", "cm:reportedEmissions", "cm:obligation",
        "cm:expectedAnnualReductions", "cm:maxQuantity")
REF_PERIODS = ("cm:reportingYear", "cm:tradeDate", "cm:complianceYear")
CADT = {"cm:methodology": "methodology", "cm:projectStatus": "projectStatus",
        "cm:vintageYear": "vintageYear", "cm:serialStart": "serialNumberBlock",
        "cm:serialEnd": "serialNumberBlock", "cm:unitType": "unitType",
        "cm:projectName": "projectName", "cm:projectType": "projectType",
        "cm:province": "projectLocationId", "cm:cancellationPurpose": "unitStatusReason",
        "cm:holder": "unitOwner", "cm:projectOwner": "projectDeveloper"}


@cache
def properties() -> dict[str, tuple[str, str, str]]:
    """Every ``cm:`` property of the tables: CURIE → (zh, en, converter)."""
    found: dict[str, tuple[str, str, str]] = {}
    nested = [("", r) for r in FACILITY_ROWS + METHOD_ROWS]
    for kind, rows in TABLES.items():
        specs = {f["name"]: f["label"] for f in schemas.field_specs(kind)}
        for row in rows:
            if row.predicate.startswith("cm:") and row.predicate not in found:
                label = PROPERTY_LABELS.get(row.predicate) or (
                    specs[row.field]["zh"], specs[row.field]["en"])
                found[row.predicate] = (*label, row.convert)
    for _, row in nested:
        if row.predicate.startswith("cm:") and row.predicate not in found:
            found[row.predicate] = (*PROPERTY_LABELS[row.predicate], row.convert)
    return found


def vocabulary_triples(base: str) -> list[t.Triple]:
    """The whole ``cm:`` vocabulary as plain triples."""
    out = _ontology(base) + _classes(base)
    for curie, (zh, en, convert) in properties().items():
        out += _property(curie, zh, en, convert, base)
    for curie, zh, en, rng in EXTRA_PROPERTIES:
        out += _labelled(expand(curie, base), "owl:DatatypeProperty", zh, en, base)
        out.append((expand(curie, base), expand("rdfs:range", base), expand(rng, base)))
    out += _units(base) + structure_triples(base)
    return out


def vocabulary_graph(base: str) -> Graph:
    """The ``cm:`` vocabulary as an rdflib Graph (serve it as Turtle at ``/def/cm``)."""
    return t.graph_of(vocabulary_triples(base), base)


def _labelled(iri: str, rdf_class: str, zh: str, en: str, base: str) -> list[t.Triple]:
    return [(iri, RDF_TYPE, expand(rdf_class, base)),
            (iri, RDFS_LABEL, t.Lit(zh, lang="zh")), (iri, RDFS_LABEL, t.Lit(en, lang="en"))]


def _ontology(base: str) -> list[t.Triple]:
    onto = f"{t.root(base)}/def/cm"
    out = _labelled(onto, "owl:Ontology", "全国碳市场信息公开词汇", "Carbon market disclosure vocabulary",
                    base)
    out += [(onto, expand("owl:versionIRI", base), f"{onto}/{VERSION}"),
            (onto, expand("owl:versionInfo", base), t.Lit(VERSION)),
            (onto, expand("dct:license", base), f"{EU}licence/CC_BY_4_0"),
            (onto, expand("dct:identifier", base), t.Lit("cm"))]
    uscc = expand("cm:USCC", base)
    out += _labelled(uscc, "skos:Concept", "统一社会信用代码（GB 32100-2015）",
                     "Unified Social Credit Code (GB 32100-2015)", base)
    out.append((uscc, expand("skos:prefLabel", base), t.Lit("统一社会信用代码", lang="zh")))
    out.append((uscc, expand("skos:prefLabel", base), t.Lit("Unified Social Credit Code", lang="en")))
    return out


def _classes(base: str) -> list[t.Triple]:
    out: list[t.Triple] = []
    for local, zh, en, supers in CLASSES:
        iri = expand(f"cm:{local}", base)
        out += _labelled(iri, "owl:Class", zh, en, base)
        out += [(iri, expand("rdfs:subClassOf", base), expand(s, base)) for s in supers]
    return out


def _property(curie: str, zh: str, en: str, convert: str, base: str) -> list[t.Triple]:
    iri = expand(curie, base)
    literal = RANGES[convert].startswith(("xsd:", "rdf:"))
    out = _labelled(iri, "owl:DatatypeProperty" if literal else "owl:ObjectProperty", zh, en,
                    base)
    out.append((iri, expand("rdfs:range", base), expand(RANGES[convert], base)))
    measures = {m for c in CUBES.values() for m in c.measures}
    if curie in measures:
        out.append((iri, expand("rdfs:subPropertyOf", base), expand("sdmx-measure:obsValue", base)))
    if curie in REF_PERIODS:
        out.append((iri, expand("rdfs:subPropertyOf", base),
                    expand("sdmx-dimension:refPeriod", base)))
    if curie in MEASURE_UNITS:
        out.append((iri, expand("sdmx-attribute:unitMeasure", base),
                    expand(MEASURE_UNITS[curie], base)))
    if curie in PRICES:
        out.append((iri, expand("sdmx-attribute:unitMeasure", base),
                    t.code_uri(base, "unit", "CNY-PER-TONNE")))
    if curie in CO2E:
        out.append((iri, expand("qudt:hasQuantityKind", base), expand("quantitykind:CO2Equivalent",
                                                                        base)))
    if curie in CADT:
        out.append((iri, expand("cm:cadtField", base), t.Lit(CADT[curie])))
    return out


def _units(base: str) -> list[t.Triple]:
    """The one unit QUDT lacks: CNY per tonne."""
    unit = t.code_uri(base, "unit", "CNY-PER-TONNE")
    out = _labelled(unit, "qudt:Unit", "元/吨", "CNY per tonne", base)
    out += [(unit, expand("rdfs:seeAlso", base), expand("unit:CCY_CNY", base)),
            (unit, expand("rdfs:seeAlso", base), expand("unit:TONNE", base))]
    return out
