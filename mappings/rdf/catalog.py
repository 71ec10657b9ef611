"""The DCAT-AP 3 catalogue at ``{base}/catalog``, built from a plain summary of the store.

``catalog_graph(summary, info)`` takes ``{kind: {"count", "first", "last", "modified",
"periods": {period: {"count", "first", "last"}} or [period, …]}}`` — the caller
(``gateway publish`` or the API) computes it; nothing here reads a database. It emits:
one ``dcat:DatasetSeries`` per kind, one ``dcat:Dataset`` per period (also the
``qb:DataSet`` of cube kinds) plus one ``…/all`` dataset per kind carrying the bulk
dumps, distributions for every format, ``dcat:DataService`` for the API and Datasette,
licence, publisher, contact point, temporal coverage and update frequency.

The EU and IANA terms we reference are typed and labelled here (class, ``skos:inScheme``,
``skos:prefLabel`` zh/en), so the official range and code-list shapes can check them
without fetching the EU vocabularies (see docs/linked-data.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rdflib import Graph

import schemas

from . import terms as t
from .cube import CUBES, dsd_uri
from .namespaces import EU
from .records import publishable
from .values import RDF_TYPE, expand

IANA = "https://www.iana.org/assignments/media-types/"
LICENCE = f"{EU}licence/CC_BY_4_0"
FREQUENCY = {"entity": "ANNUAL", "emission_report": "ANNUAL", "compliance": "ANNUAL",
             "market_day": "DAILY"}                        # every other kind: IRREG
# format: (file-type NAL code, IANA media type, dump extension, zh, en)
FORMATS = {
    "ttl": ("RDF_TURTLE", "text/turtle", ".ttl", "Turtle", "Turtle"),
    "jsonld": ("JSON_LD", "application/ld+json", ".jsonld", "JSON-LD", "JSON-LD"),
    "nt": ("RDF_N_TRIPLES", "application/n-triples", ".nt", "N-Triples", "N-Triples"),
    "json": ("JSON", "application/json", ".json", "JSON 接口", "JSON API"),
    "csv": ("CSV", "text/csv", ".csv", "CSV 表格", "CSV table"),
}
# EU terms we use: IRI suffix → (classes, scheme suffix, zh, en)
EU_TERMS: dict[str, tuple[tuple[str, ...], str, str, str]] = {
    "licence/CC_BY_4_0": (("dct:LicenseDocument",), "licence", "知识共享署名 4.0", "Creative Commons Attribution 4.0"),
    "language/ZHO": (("dct:LinguisticSystem",), "language", "中文", "Chinese"),
    "language/ENG": (("dct:LinguisticSystem",), "language", "英语", "English"),
    "country/CHN": (("dct:Location",), "country", "中国", "China"),
    "data-theme/ENVI": ((), "data-theme", "环境", "Environment"),
    "data-theme/ECON": ((), "data-theme", "经济与金融", "Economy and finance"),
    "frequency/ANNUAL": (("dct:Frequency",), "frequency", "每年", "annual"),
    "frequency/DAILY": (("dct:Frequency",), "frequency", "每日", "daily"),
    "frequency/IRREG": (("dct:Frequency",), "frequency", "不定期", "irregular"),
    "planned-availability/STABLE": ((), "planned-availability", "稳定", "stable"),
    "access-right/PUBLIC": (("dct:RightsStatement",), "access-right", "公开", "public"),
    **{f"file-type/{f[0]}": (("dct:MediaTypeOrExtent",), "file-type", f[3], f[4])
       for f in FORMATS.values()},
}
SCHEME_LABELS = {"licence": ("许可协议", "Licences"), "language": ("语言", "Languages"),
                 "country": ("国家和地区", "Countries and territories"),
                 "data-theme": ("数据主题", "Data themes"), "frequency": ("更新频率", "Frequencies"),
                 "planned-availability": ("计划可用性", "Planned availability"),
                 "access-right": ("访问权限", "Access rights"), "file-type": ("文件类型", "File types")}
PUBLISHER_TYPE = "http://purl.org/adms/publishertype/NationalAuthority"


@dataclass(frozen=True)
class CatalogInfo:
    """Everything about the catalogue that is not in the store: names, links, dates."""

    base: str
    issued: str = "2025-01-01"                 # the catalogue's first publication (date)
    modified: str | None = None                # this release (date); default: issued
    title: tuple[str, str] = ("全国碳市场信息公开目录", "National carbon market disclosure catalogue")
    description: tuple[str, str] = (
        "全国碳排放权交易市场和温室气体自愿减排交易市场的公开信息：重点排放单位、排放、履约、行情、质押、CCER及《巴黎协定》第六条。",
        "Public disclosures of China's national carbon market and CCER market: key emitting "
        "units, emissions, compliance, market data, pledges, CCER and Paris Agreement Article 6.")
    publisher: tuple[str, str] = ("全国碳市场信息公开网关", "National carbon market disclosure gateway")
    email: str = "opendata@example.org"
    api_path: str = "/api/v1/"
    api_description_path: str = "/api/v1/openapi.json"
    datasette_path: str = "/datasette/"
    dumps_path: str = "/download/rdf/"         # where gateway publish's rdf/ folder is served

    def url(self, path: str) -> str:
        return t.root(self.base) + path


def catalog_graph(summary: dict[str, dict[str, Any]], info: CatalogInfo,
                  tier: str = "public") -> Graph:
    """The DCAT-AP 3 catalogue of the kinds in ``summary`` publishable at ``tier``."""
    return t.graph_of(catalog_triples(summary, info, tier), info.base)


def catalog_triples(summary: dict[str, dict[str, Any]], info: CatalogInfo,
                    tier: str = "public") -> list[t.Triple]:
    b = _Builder(info)
    kinds = [k for k in schemas.KINDS if k in summary and publishable(k, tier)
             and _periods(summary[k])]
    b.catalog(kinds)
    b.agents()
    datasets = []
    for kind in kinds:
        datasets += b.series(kind, summary[kind])
    datasets.append(b.everything([summary[k] for k in kinds]))
    b.services(datasets)
    b.background()
    return b.out


def _periods(entry: dict[str, Any]) -> dict[str, dict[str, Any]]:
    periods = entry.get("periods") or {}
    if isinstance(periods, list):
        return {str(p): {} for p in periods}
    return {str(p): v or {} for p, v in periods.items()}


class _Builder:
    """Accumulates catalogue triples; one method per DCAT-AP class."""

    def __init__(self, info: CatalogInfo):
        self.info, self.base = info, info.base
        self.out: list[t.Triple] = []
        self.catalog_iri = info.url("/catalog")
        self.publisher = info.url("/id/org/publisher")
        self.contact = f"{self.catalog_iri}#contact"
        self.api = info.url(info.api_path)
        self.datasette = info.url(info.datasette_path)

    # helpers ----------------------------------------------------------------------
    def add(self, s: str, curie: str, o: t.Term) -> None:
        self.out.append((s, expand(curie, self.base), o))

    def a(self, s: str, *classes: str) -> None:
        for c in classes:
            self.out.append((s, RDF_TYPE, expand(c, self.base)))

    def text(self, s: str, curie: str, zh: str, en: str) -> None:
        self.add(s, curie, t.Lit(zh, lang="zh"))
        self.add(s, curie, t.Lit(en, lang="en"))

    def date(self, s: str, curie: str, value: str) -> None:
        dt = t.XSD_DATETIME if "T" in value else t.XSD_DATE
        self.add(s, curie, t.Lit(value, dt))

    def common(self, s: str, frequency: str | None = None) -> None:
        """Publisher, contact point, spatial coverage (and frequency) of a dataset."""
        self.add(s, "dct:publisher", self.publisher)
        self.add(s, "dcat:contactPoint", self.contact)
        self.add(s, "dct:spatial", f"{EU}country/CHN")
        if frequency:
            self.add(s, "dct:accrualPeriodicity", f"{EU}frequency/{frequency}")

    def keywords_and_themes(self, s: str) -> None:
        self.text(s, "dcat:keyword", "碳市场", "carbon market")
        self.text(s, "dcat:keyword", "温室气体", "greenhouse gas")
        for theme in ("ENVI", "ECON"):
            self.add(s, "dcat:theme", f"{EU}data-theme/{theme}")

    def temporal(self, s: str, first: str | None, last: str | None) -> None:
        if not (first or last):
            return
        period = f"{s}#temporal"
        self.add(s, "dct:temporal", period)
        self.a(period, "dct:PeriodOfTime")
        if first:
            self.add(period, "dcat:startDate", t.Lit(first[:10], t.XSD_DATE))
        if last:
            self.add(period, "dcat:endDate", t.Lit(last[:10], t.XSD_DATE))

    # classes ----------------------------------------------------------------------
    def catalog(self, kinds: list[str]) -> None:
        c, info = self.catalog_iri, self.info
        self.a(c, "dcat:Catalog")
        self.text(c, "dct:title", *info.title)
        self.text(c, "dct:description", *info.description)
        self.add(c, "dct:publisher", self.publisher)
        self.add(c, "foaf:homepage", info.url("/"))
        self.a(info.url("/"), "foaf:Document")
        for lang in ("ZHO", "ENG"):
            self.add(c, "dct:language", f"{EU}language/{lang}")
        self.add(c, "dct:license", LICENCE)
        self.date(c, "dct:issued", info.issued)
        self.date(c, "dct:modified", info.modified or info.issued)
        self.add(c, "dct:spatial", f"{EU}country/CHN")
        self.add(c, "dcat:themeTaxonomy", f"{EU}data-theme")
        self.add(c, "dct:conformsTo", f"{t.root(self.base)}/def/cm")
        for service in (self.api, self.datasette):
            self.add(c, "dcat:service", service)

    def agents(self) -> None:
        p = self.publisher
        self.a(p, "foaf:Agent", "foaf:Organization")
        self.text(p, "foaf:name", *self.info.publisher)
        self.add(p, "dct:type", PUBLISHER_TYPE)
        self.a(PUBLISHER_TYPE, "skos:Concept")
        self.add(PUBLISHER_TYPE, "skos:inScheme", "http://purl.org/adms/publishertype/1.0")
        self.text(PUBLISHER_TYPE, "skos:prefLabel", "国家机关", "National authority")
        self.a("http://purl.org/adms/publishertype/1.0", "skos:ConceptScheme")
        self.text("http://purl.org/adms/publishertype/1.0", "dct:title", "发布者类型", "Publisher types")
        self.a(self.contact, "vcard:Organization", "vcard:Kind")
        self.text(self.contact, "vcard:fn", *self.info.publisher)
        self.add(self.contact, "vcard:hasEmail", f"mailto:{self.info.email}")

    def series(self, kind: str, entry: dict[str, Any]) -> list[str]:
        """The series of one kind, its datasets per period and its ``all`` dataset."""
        s = t.dataset_uri(self.base, kind)
        label = schemas.KINDS[kind].label
        self.a(s, "dcat:DatasetSeries", "dcat:Dataset")   # the subclass axiom, made explicit
        self.text(s, "dct:title", f"{label['zh']}（按年）", f"{label['en']} (by year)")
        self.text(s, "dct:description", f"{label['zh']}，每年一个数据集。",
                  f"{label['en']}, one dataset per year.")
        self.common(s, FREQUENCY.get(kind, "IRREG"))
        self.keywords_and_themes(s)
        self.temporal(s, entry.get("first"), entry.get("last"))
        if entry.get("modified"):
            self.date(s, "dct:modified", str(entry["modified"])[:10])
        periods = sorted(_periods(entry).items())
        made = [self.dataset(kind, period, data) for period, data in periods]
        self.add(s, "dcat:first", made[0])
        self.add(s, "dcat:last", made[-1])
        made.append(self.dump_dataset(kind, entry))
        for ds in made:
            self.add(self.catalog_iri, "dcat:dataset", ds)
        self.add(self.catalog_iri, "dcat:dataset", s)
        return made

    def dataset(self, kind: str, period: str, data: dict[str, Any]) -> str:
        ds = t.dataset_uri(self.base, kind, period)
        label = schemas.KINDS[kind].label
        self._dataset_head(ds, kind, f"{label['zh']} {period}年", f"{label['en']} {period}")
        self.add(ds, "dcat:inSeries", t.dataset_uri(self.base, kind))
        self.add(ds, "dct:identifier", t.Lit(f"{kind}/{period}"))
        self.temporal(ds, data.get("first") or f"{period}-01-01",
                      data.get("last") or f"{period}-12-31")
        if kind in CUBES:
            self.a(ds, "qb:DataSet")
            self.add(ds, "qb:structure", dsd_uri(kind, self.base))
        for fmt in ("ttl", "jsonld", "nt"):
            self.distribution(ds, fmt, ds, f"{ds}{FORMATS[fmt][2]}")
        self.distribution(ds, "json", self.info.url(f"{self.info.api_path}{kind}"), None,
                          self.api)
        self.distribution(ds, "csv", self.info.url(f"{self.info.datasette_path}{kind}"),
                          None, self.datasette)
        return ds

    def dump_dataset(self, kind: str, entry: dict[str, Any]) -> str:
        ds = t.dataset_uri(self.base, kind, "all")
        label = schemas.KINDS[kind].label
        self._dataset_head(ds, kind, f"{label['zh']}（全部年份，批量下载）",
                           f"{label['en']} (all years, bulk download)")
        self.add(ds, "dcat:inSeries", t.dataset_uri(self.base, kind))
        self.add(ds, "dct:identifier", t.Lit(f"{kind}/all"))
        self.temporal(ds, entry.get("first"), entry.get("last"))
        for fmt in ("nt", "ttl", "jsonld"):
            url = self.info.url(f"{self.info.dumps_path}{kind}{FORMATS[fmt][2]}")
            self.distribution(ds, fmt, url, url)
        return ds

    def everything(self, entries: list[dict[str, Any]]) -> str:
        ds = t.dataset_uri(self.base, "all")
        self._dataset_head(ds, None, "全国碳市场全部公开数据（批量下载）",
                           "All public carbon market disclosures (bulk download)")
        self.add(ds, "dct:identifier", t.Lit("all"))
        firsts = [str(e["first"]) for e in entries if e.get("first")]
        lasts = [str(e["last"]) for e in entries if e.get("last")]
        self.temporal(ds, min(firsts, default=None), max(lasts, default=None))
        for fmt in ("nt", "ttl", "jsonld"):
            url = self.info.url(f"{self.info.dumps_path}all{FORMATS[fmt][2]}")
            self.distribution(ds, fmt, url, url)
        self.add(self.catalog_iri, "dcat:dataset", ds)
        return ds

    def _dataset_head(self, ds: str, kind: str | None, zh: str, en: str) -> None:
        self.a(ds, "dcat:Dataset")
        self.text(ds, "dct:title", zh, en)
        source = schemas.KINDS[kind].source if kind else "registry, exchange, platform"
        self.text(ds, "dct:description", f"{zh}。仅含公开字段。来源：{source}",
                  f"{en}. Public fields only. Source: {source}")
        self.common(ds, FREQUENCY.get(kind or "", "IRREG"))
        self.keywords_and_themes(ds)
        self.add(ds, "dct:accessRights", f"{EU}access-right/PUBLIC")
        self.add(ds, "dct:conformsTo", f"{t.root(self.base)}/def/cm")
        if self.info.modified:
            self.date(ds, "dct:modified", self.info.modified)

    def distribution(self, ds: str, fmt: str, access: str, download: str | None,
                     service: str | None = None) -> None:
        code, media, _, zh, en = FORMATS[fmt]
        d = f"{ds}/distribution/{fmt}"
        self.add(ds, "dcat:distribution", d)
        self.a(d, "dcat:Distribution")
        self.text(d, "dct:title", zh, en)
        self.text(d, "dct:description", f"{zh}格式", f"{en} format")
        self.add(d, "dcat:accessURL", access)
        if download:
            self.add(d, "dcat:downloadURL", download)
        if service:
            self.add(d, "dcat:accessService", service)
        self.add(d, "dct:format", f"{EU}file-type/{code}")
        self.add(d, "dcat:mediaType", IANA + media)
        self.a(IANA + media, "dct:MediaType", "dct:MediaTypeOrExtent")
        self.add(d, "dct:license", LICENCE)
        self.add(d, "dcatap:availability", f"{EU}planned-availability/STABLE")
        if fmt in ("ttl", "jsonld", "nt"):
            self.add(d, "dct:conformsTo", f"{t.root(self.base)}/def/cm")

    def services(self, datasets: list[str]) -> None:
        info = self.info
        for iri, zh, en, endpoint_desc in (
                (self.api, "碳市场信息公开接口", "Carbon market disclosure API",
                 info.url(info.api_description_path)),
                (self.datasette, "Datasette 公开数据浏览", "Datasette public data browser", None)):
            self.a(iri, "dcat:DataService")
            self.text(iri, "dct:title", zh, en)
            self.text(iri, "dct:description", zh, en)
            self.add(iri, "dcat:endpointURL", iri)
            self.a(iri, "rdfs:Resource")          # the generated ranges.ttl asks for it
            if endpoint_desc:
                self.add(iri, "dcat:endpointDescription", endpoint_desc)
                self.a(endpoint_desc, "rdfs:Resource")
                self.add(iri, "dct:conformsTo", "https://spec.openapis.org/oas/v3.1.0")
            self.common(iri)
            self.add(iri, "dct:license", LICENCE)
            self.add(iri, "dct:accessRights", f"{EU}access-right/PUBLIC")
            self.text(iri, "dcat:keyword", "碳市场", "carbon market")
            for theme in ("ENVI", "ECON"):
                self.add(iri, "dcat:theme", f"{EU}data-theme/{theme}")
            for ds in datasets:
                self.add(iri, "dcat:servesDataset", ds)

    def background(self) -> None:
        """Type and label the EU terms and standards we point at (for the range shapes)."""
        for suffix, (classes, scheme, zh, en) in EU_TERMS.items():
            iri = f"{EU}{suffix}"
            self.a(iri, "skos:Concept", *classes)
            self.add(iri, "skos:inScheme", f"{EU}{scheme}")
            self.text(iri, "skos:prefLabel", zh, en)
        for scheme, (zh, en) in SCHEME_LABELS.items():
            self.a(f"{EU}{scheme}", "skos:ConceptScheme")
            self.text(f"{EU}{scheme}", "dct:title", zh, en)
        for std, zh, en in ((f"{t.root(self.base)}/def/cm", "全国碳市场信息公开词汇",
                             "Carbon market disclosure vocabulary"),
                            ("https://spec.openapis.org/oas/v3.1.0", "OpenAPI 3.1 规范",
                             "OpenAPI Specification 3.1")):
            self.a(std, "dct:Standard")
            self.text(std, "dct:title", zh, en)
