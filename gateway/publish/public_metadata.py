"""Datasette metadata for ``public.db``: hand-written config plus generated descriptions.

``datasette_config/metadata.yaml`` holds what a person writes (title, licence, canned
queries, facets, plugin options). Table titles and bilingual column descriptions with
units are generated from the same declarations that build ``public.db``, so they cannot
drift from it. The hand-written file wins where both say something.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

import yaml

import datasette_config

from .public_tables import Source, TableSpec, field_spec

CONFIG_DIR = Path(datasette_config.__file__).resolve().parent
DATABASE = "public"


def load_config_metadata(base_uri: str) -> dict[str, Any]:
    text = (CONFIG_DIR / "metadata.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text.replace("{base_uri}", base_uri)) or {}


def column_description(source: Source) -> str:
    """'核查排放量 · Verified emissions · tCO2e' and the like."""
    if source.how == "field":
        spec = field_spec(source.kind, source.field)
        parts = [spec["label"].get("zh", ""), spec["label"].get("en", "")]
        unit = spec["unit"] or source.unit
    elif source.how == "label":
        spec = field_spec(source.kind, source.field)
        parts = [f"{spec['label'].get('zh', '')}（{source.zh}）",
                 f"{spec['label'].get('en', '')} ({source.en})"]
        unit = None
    else:
        parts, unit = [source.zh, source.en], source.unit
    if unit:
        parts.append(f"单位 unit: {unit}")
    return " · ".join(p for p in parts if p)


def _description_html(description: dict[str, str]) -> str:
    return "".join(f'<p lang="{lang}">{html.escape(description[lang])}</p>'
                   for lang in ("zh", "en") if description.get(lang))


def _title(label: dict[str, str]) -> str:
    return " · ".join(v for v in (label.get("zh"), label.get("en")) if v)


def generated_tables(tables: list[TableSpec], views: list[Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for spec in [*tables, *views]:
        entry: dict[str, Any] = {
            "title": _title(spec.label),
            "description_html": _description_html(spec.description),
            "columns": {name: column_description(src) for name, src in spec.columns.items()},
        }
        facets = getattr(spec, "facets", None)
        if facets:
            entry["facets"] = facets
        out[spec.name] = entry
    return out


def deep_merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    """``over`` merged into a copy of ``base``; nested dicts merge, anything else replaces."""
    merged = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def site_metadata(tables: list[TableSpec], views: list[Any], base_uri: str) -> dict[str, Any]:
    generated = {"databases": {DATABASE: {"tables": generated_tables(tables, views)}}}
    return deep_merge(generated, load_config_metadata(base_uri))
