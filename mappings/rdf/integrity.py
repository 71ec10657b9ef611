"""RDF Data Cube integrity constraints (W3C vocab-data-cube §11) as rdflib SPARQL ASKs.

``true`` from an ASK means a violation. IC-12 (no duplicate observations) is quadratic
as written in the spec, so it is replaced by a linear GROUP BY over each observation's
dimension values (linked-data.md Appendix B). IC-20 and IC-21 are templates for
hierarchical code lists, which we do not use; they are not run.
"""

from __future__ import annotations

from rdflib import Graph

PREFIXES = """PREFIX qb: <http://purl.org/linked-data/cube#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
"""

ASKS: dict[str, str] = {
    "IC-1": """ASK { { ?obs a qb:Observation . FILTER NOT EXISTS { ?obs qb:dataSet ?d } }
        UNION { ?obs a qb:Observation ; qb:dataSet ?d1, ?d2 . FILTER (?d1 != ?d2) } }""",
    "IC-2": """ASK { { ?ds a qb:DataSet . FILTER NOT EXISTS { ?ds qb:structure ?s } }
        UNION { ?ds a qb:DataSet ; qb:structure ?s1, ?s2 . FILTER (?s1 != ?s2) } }""",
    "IC-3": """ASK { ?dsd a qb:DataStructureDefinition .
        FILTER NOT EXISTS { ?dsd qb:component [ qb:componentProperty [ a qb:MeasureProperty ] ] } }""",
    "IC-4": "ASK { ?dim a qb:DimensionProperty . FILTER NOT EXISTS { ?dim rdfs:range [] } }",
    "IC-5": """ASK { ?dim a qb:DimensionProperty ; rdfs:range skos:Concept .
        FILTER NOT EXISTS { ?dim qb:codeList [] } }""",
    "IC-6": """ASK { ?dsd qb:component ?spec . ?spec qb:componentRequired "false"^^xsd:boolean ;
        qb:componentProperty ?c . FILTER NOT EXISTS { ?c a qb:AttributeProperty } }""",
    "IC-7": """ASK { ?key a qb:SliceKey .
        FILTER NOT EXISTS { [ a qb:DataStructureDefinition ] qb:sliceKey ?key } }""",
    "IC-8": """ASK { ?key a qb:SliceKey ; qb:componentProperty ?p . ?dsd qb:sliceKey ?key .
        FILTER NOT EXISTS { ?dsd qb:component [ qb:componentProperty ?p ] } }""",
    "IC-9": """ASK { { ?slice a qb:Slice . FILTER NOT EXISTS { ?slice qb:sliceStructure ?k } }
        UNION { ?slice a qb:Slice ; qb:sliceStructure ?k1, ?k2 . FILTER (?k1 != ?k2) } }""",
    "IC-10": """ASK { ?slice qb:sliceStructure [ qb:componentProperty ?dim ] .
        FILTER NOT EXISTS { ?slice ?dim [] } }""",
    "IC-11": """ASK { ?obs qb:dataSet/qb:structure/qb:component/qb:componentProperty ?dim .
        ?dim a qb:DimensionProperty . FILTER NOT EXISTS { ?obs ?dim [] } }""",
    "IC-13": """ASK { ?obs qb:dataSet/qb:structure/qb:component ?c .
        ?c qb:componentRequired "true"^^xsd:boolean ; qb:componentProperty ?attr .
        FILTER NOT EXISTS { ?obs ?attr [] } }""",
    "IC-14": """ASK { ?obs qb:dataSet/qb:structure ?dsd .
        FILTER NOT EXISTS { ?dsd qb:component/qb:componentProperty qb:measureType }
        ?dsd qb:component/qb:componentProperty ?m . ?m a qb:MeasureProperty .
        FILTER NOT EXISTS { ?obs ?m [] } }""",
    "IC-15": """ASK { ?obs qb:dataSet/qb:structure ?dsd ; qb:measureType ?m .
        ?dsd qb:component/qb:componentProperty qb:measureType .
        FILTER NOT EXISTS { ?obs ?m [] } }""",
    "IC-16": """ASK { ?obs qb:dataSet/qb:structure ?dsd ; qb:measureType ?m ; ?other [] .
        ?dsd qb:component/qb:componentProperty qb:measureType ;
             qb:component/qb:componentProperty ?other .
        ?other a qb:MeasureProperty . FILTER (?other != ?m) }""",
    "IC-18": """ASK { ?ds qb:slice ?slice . ?slice qb:observation ?obs .
        FILTER NOT EXISTS { ?obs qb:dataSet ?ds } }""",
    "IC-19a": """ASK { ?obs qb:dataSet/qb:structure/qb:component/qb:componentProperty ?dim .
        ?dim a qb:DimensionProperty ; qb:codeList ?list . ?list a skos:ConceptScheme .
        ?obs ?dim ?v . FILTER NOT EXISTS { ?v a skos:Concept ; skos:inScheme ?list } }""",
    "IC-19b": """ASK { ?obs qb:dataSet/qb:structure/qb:component/qb:componentProperty ?dim .
        ?dim a qb:DimensionProperty ; qb:codeList ?list . ?list a skos:Collection .
        ?obs ?dim ?v . FILTER NOT EXISTS { ?v a skos:Concept . ?list skos:member+ ?v } }""",
}

# IC-17 only concerns cubes with a measure dimension (qb:measureType), which ours are not:
# it holds vacuously when no observation has qb:measureType.
IC17_GUARD = "ASK { ?obs qb:measureType ?m }"

# The linear replacement for IC-12: observations of one data set with equal dimension values.
IC12_LINEAR = """SELECT ?ds ?key (COUNT(?obs) AS ?n) WHERE {
  { SELECT ?ds ?obs (GROUP_CONCAT(STR(?v); separator="|") AS ?key) WHERE {
      { SELECT ?ds ?obs ?dim ?v WHERE {
          ?obs qb:dataSet ?ds . ?ds qb:structure/qb:component/qb:componentProperty ?dim .
          ?dim a qb:DimensionProperty . ?obs ?dim ?v } ORDER BY ?obs ?dim }
  } GROUP BY ?ds ?obs }
} GROUP BY ?ds ?key HAVING (COUNT(?obs) > 1)"""


def check_cube(graph: Graph) -> dict[str, bool]:
    """Every constraint's name → True when it is violated."""
    found = {name: bool(graph.query(PREFIXES + q).askAnswer) for name, q in ASKS.items()}
    found["IC-12"] = bool(list(graph.query(PREFIXES + IC12_LINEAR)))
    found["IC-17"] = bool(graph.query(PREFIXES + IC17_GUARD).askAnswer)
    return found
