"""Publish step ``snapshots``: dated bulk files of every public kind, verifiable offline.

Writes ``out_dir/snapshots/{release}/``:

- ``{kind}.csv`` (UTF-8; a BOM when ``GATEWAY_SNAPSHOT_BOM=1``, for spreadsheet users)
  and ``{kind}.jsonl`` (one record per line): the current, not retracted records of
  every kind the public may read, public-tier fields only, in natural-key order;
- ``datapackage.json``: a Frictionless Data Package (Table Schema per CSV from the
  schemas: types, units, bilingual titles, primary key; licence; sources);
- ``diff-from-{previous}.json``: against the latest earlier release, every key added,
  changed or withdrawn per kind, with the reasons the disclosure log gives;
- ``manifest.json`` (bytes and SHA-256 of every other file, the release, the log seq
  the snapshot reflects) and ``SHA256SUMS`` (for ``sha256sum -c``).

Also ``out_dir/snapshots/releases.json``, the list of releases. Every kind is read in
one read transaction (the files are one consistent state: the log up to ``log_seq``,
so a mirror can load a release and follow ``/feeds/changes?since=log_seq``). Rows are
streamed, and the diff is a merge of the two releases' sorted JSONL files, so memory
stays flat. A release is written beside the others and swapped in when complete.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import schemas

from .. import __version__
from ..feeds import changes
from ..store import current_table, utc_now
from ..store.canonical import csv_cell as _cell
from ..store.ddl import DERIVED
from . import PublishContext

STEP = "snapshots"
ORDER = 60
TIER = "public"
LICENSE = {"name": "CC-BY-4.0", "title": "Creative Commons Attribution 4.0 International",
           "path": "https://creativecommons.org/licenses/by/4.0/"}
TYPES = {"Quantity": "integer", "Integer": "integer", "Year": "year", "DecimalValue": "number",
         "Money": "number", "StrictDate": "date", "LocalDateTime": "datetime",
         "YearMonth": "yearmonth", "Boolean": "boolean", "List": "array",
         "CodeListText": "array"}
SYSTEMS = {"platform": "全国碳市场管理平台 · National carbon market management platform",
           "registry": "全国碳排放权注册登记系统 · National carbon emission allowance registry",
           "exchange": "全国碳排放权交易系统（上海环境能源交易所） · National carbon emission "
                       "allowance trading system (Shanghai Environment and Energy Exchange)"}


def publishable() -> list[str]:
    """Kinds the public may read (their key fields are public)."""
    return changes.readable_kinds(TIER)


def run(ctx: PublishContext) -> dict[str, Any]:
    root = ctx.out_dir / "snapshots"
    root.mkdir(parents=True, exist_ok=True)
    work = root / f".{ctx.release}.partial"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir()
    bom = os.environ.get("GATEWAY_SNAPSHOT_BOM", "").strip() in {"1", "true", "yes"}
    conn = ctx.store.conn
    rows: dict[str, int] = {}
    conn.execute("BEGIN")  # one read snapshot for every kind
    try:
        head = changes.head(conn)
        for kind in publishable():
            ctx.progress(f"snapshots: {kind}")
            rows[kind] = _write_kind(conn, kind, work, bom)
    finally:
        conn.execute("COMMIT")
    _write_json(work / "datapackage.json", datapackage(ctx, rows, work, bom))
    previous = _previous(root, ctx.release)
    diff = None
    if previous is not None:
        diff = _write_diff(conn, previous, work, ctx.release, head)
    _write_manifest(work, ctx.release, head, rows)
    target = _swap(work, root / ctx.release)
    _write_json(root / "releases.json", releases(root))
    return {"dir": str(target), "release": ctx.release, "log_seq": head, "rows": rows,
            "diff": diff}


# rows ----------------------------------------------------------------------------------
def _fields(kind: str) -> list[str]:
    return schemas.visible_fields(kind, TIER)


def records(conn: sqlite3.Connection, kind: str) -> Iterator[dict[str, Any]]:
    """Current, not retracted records of ``kind`` (public fields, with derived ones)."""
    names = _fields(kind)
    derived = [d for d in DERIVED.get(kind, {}) if d in names]
    extra = "".join(f', "{d}"' for d in derived)
    cur = conn.execute(f'SELECT _record{extra} FROM "{current_table(kind)}" '
                       "WHERE _retracted = 0 ORDER BY _key")
    for row in cur:
        data = json.loads(row[0])
        data.update(zip(derived, row[1:], strict=True))
        yield {name: data.get(name) for name in names}



def _write_kind(conn: sqlite3.Connection, kind: str, out: Path, bom: bool) -> int:
    names, count = _fields(kind), 0
    with (open(out / f"{kind}.csv", "w", encoding="utf-8-sig" if bom else "utf-8",
               newline="") as csv_file,
          open(out / f"{kind}.jsonl", "w", encoding="utf-8", newline="\n") as jsonl):
        writer = csv.writer(csv_file, lineterminator="\r\n")
        writer.writerow(names)
        for record in records(conn, kind):
            writer.writerow([_cell(record[name]) for name in names])
            jsonl.write(json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n")
            count += 1
    return count


# the data package ----------------------------------------------------------------------
def _type(kind: str, spec: dict[str, Any]) -> str:
    name = spec["type"]
    if name == "Withholdable":
        name = type(schemas.KINDS[kind]().fields[spec["name"]].inner).__name__
    return TYPES.get(name, "string")


def table_schema(kind: str) -> dict[str, Any]:
    """The Table Schema of a kind's public CSV, from the field declarations."""
    keys = schemas.KINDS[kind].key_fields
    visible = set(_fields(kind))
    fields = []
    for spec in schemas.field_specs(kind):
        if spec["name"] not in visible:
            continue
        label, unit = spec["label"], spec["unit"]
        field: dict[str, Any] = {
            "name": spec["name"], "type": _type(kind, spec),
            "title": f"{label.get('zh', '')} / {label.get('en', '')}",
            "description": " · ".join(p for p in (label.get("zh"), label.get("en"),
                                                   f"unit: {unit}" if unit else None) if p)}
        if unit:
            field["unit"] = unit
        if spec.get("codelist"):
            field["codelist"] = spec["codelist"]
        if spec["name"] in keys:
            field["constraints"] = {"required": True}
        fields.append(field)
    return {"fields": fields, "primaryKey": list(keys), "missingValues": [""]}


def _source(kind: str, base: str) -> dict[str, Any]:
    system = schemas.KINDS[kind].source.split()[0]
    return {"title": f"{SYSTEMS.get(system, system)} — {schemas.KINDS[kind].source}",
            "path": f"{base}/catalog"}


def datapackage(ctx: PublishContext, rows: dict[str, int], out: Path,
                bom: bool) -> dict[str, Any]:
    base = ctx.settings.base_uri
    resources = []
    for kind, count in rows.items():
        label = schemas.KINDS[kind].label
        path = out / f"{kind}.csv"
        resources.append({
            "name": kind.replace("_", "-"), "path": f"{kind}.csv", "profile": "tabular-data-resource",
            "title": f"{label['zh']} / {label['en']}", "format": "csv", "mediatype": "text/csv",
            "encoding": "utf-8-sig" if bom else "utf-8", "bytes": path.stat().st_size,
            "hash": f"sha256:{_sha256(path)}", "dialect": {"header": True},
            "schema": table_schema(kind), "sources": [_source(kind, base)],
            "licenses": [LICENSE], "rows": count,
            "jsonl": f"{kind}.jsonl",
            "homepage": f"{base}/api/v1/{kind}"})
    return {"profile": "tabular-data-package", "name": "cn-carbon-market-disclosures",
            "title": "全国碳市场信息公开数据 / China national carbon market disclosures",
            "description": ("公开层级的当前记录（每类一个 CSV 与 JSON Lines 文件）。"
                            "Current public-tier records, one CSV and one JSON Lines file per "
                            "kind; diff and manifest alongside."),
            "version": ctx.release, "created": utc_now(), "homepage": f"{base}/feeds/",
            "licenses": [LICENSE],
            "sources": [{"title": title, "path": f"{base}/catalog"}
                        for title in SYSTEMS.values()],
            "contributors": [{"title": "全国碳市场信息公开网关 · carbon-gateway "
                              f"{__version__}", "role": "publisher"}],
            "resources": resources}


# diff ----------------------------------------------------------------------------------
def _previous(root: Path, release: str) -> Path | None:
    earlier = sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")
                     and p.name < release and (p / "manifest.json").exists())
    return earlier[-1] if earlier else None


def _keyed(path: Path, kind: str) -> Iterator[tuple[str, str]]:
    """(natural key, line) of a release's JSONL file, in key order."""
    if not path.exists():
        return
    key_fields = schemas.KINDS[kind].key_fields
    with open(path, encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            yield "/".join(str(record[name]) for name in key_fields), line


def compare(old: Iterator[tuple[str, str]],
            new: Iterator[tuple[str, str]]) -> Iterator[tuple[str, str]]:
    """(key, added|changed|withdrawn) by merging two key-ordered streams."""
    a, b = next(old, None), next(new, None)
    while a is not None or b is not None:
        if b is None or (a is not None and a[0] < b[0]):
            yield a[0], "withdrawn"  # type: ignore[index]
            a = next(old, None)
        elif a is None or b[0] < a[0]:
            yield b[0], "added"
            b = next(new, None)
        else:
            if a[1] != b[1]:
                yield a[0], "changed"
            a, b = next(old, None), next(new, None)


def _reasons(conn: sqlite3.Connection, kind: str, key: str, low: int,
             high: int) -> list[dict[str, Any]]:
    found = conn.execute("SELECT seq, version, op, recorded_at, reason FROM log WHERE kind=? "
                         "AND key=? AND seq > ? AND seq <= ? ORDER BY version",
                         (kind, key, low, high))
    return [{"seq": r[0], "version": r[1], "op": r[2], "recorded_at": r[3], "reason": r[4]}
            for r in found]


def _write_diff(conn: sqlite3.Connection, previous: Path, work: Path, release: str,
                head: int) -> dict[str, Any]:
    before = json.loads((previous / "manifest.json").read_text(encoding="utf-8"))
    low = int(before.get("log_seq") or 0)
    kinds = [k for k in schemas.KINDS if (previous / f"{k}.jsonl").exists()
             or (work / f"{k}.jsonl").exists()]
    summary: dict[str, dict[str, int]] = {}
    name = f"diff-from-{previous.name}.json"
    with open(work / name, "w", encoding="utf-8") as out:
        header = {"from": previous.name, "to": release, "from_log_seq": low,
                  "to_log_seq": head}
        out.write(json.dumps(header, ensure_ascii=False).removesuffix("}") + ',"changes":[')
        first = True
        for kind in kinds:
            counts = summary.setdefault(kind, {"added": 0, "changed": 0, "withdrawn": 0})
            for key, change in compare(_keyed(previous / f"{kind}.jsonl", kind),
                                       _keyed(work / f"{kind}.jsonl", kind)):
                counts[change] += 1
                entry = {"kind": kind, "key": key, "change": change,
                         "reasons": _reasons(conn, kind, key, low, head)}
                out.write(("" if first else ",\n") + json.dumps(entry, ensure_ascii=False))
                first = False
        out.write('],"summary":' + json.dumps(summary) + "}\n")
    return {"file": name, "summary": {k: v for k, v in summary.items() if any(v.values())}}


# manifest ------------------------------------------------------------------------------
def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _write_json(path: Path, data: Any) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def _write_manifest(work: Path, release: str, head: int, rows: dict[str, int]) -> None:
    files = [{"path": p.name, "bytes": p.stat().st_size, "sha256": _sha256(p)}
             for p in sorted(work.iterdir()) if p.is_file()]
    _write_json(work / "manifest.json", {
        "release": release, "created": utc_now(), "log_seq": head, "tier": TIER,
        "rows": rows, "files": files})
    (work / "SHA256SUMS").write_text("".join(f"{f['sha256']}  {f['path']}\n" for f in files),
                                     encoding="utf-8")


def _swap(work: Path, target: Path) -> Path:
    old = target.with_name(f".{target.name}.old")
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        target.rename(old)
    work.rename(target)
    shutil.rmtree(old, ignore_errors=True)
    return target


def releases(root: Path) -> list[dict[str, Any]]:
    found = []
    for path in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")):
        manifest = path / "manifest.json"
        if manifest.exists():
            data = json.loads(manifest.read_text(encoding="utf-8"))
            found.append({"release": path.name, "log_seq": data.get("log_seq"),
                          "manifest": f"{path.name}/manifest.json", "rows": data.get("rows")})
    return found
