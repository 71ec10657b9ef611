"""``gateway export aef``: the Article 6.2 Agreed Electronic Format for a year."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import click


def register(cli: click.Group) -> None:
    cli.add_command(export)


@click.group()
def export() -> None:
    """Export reports in international formats."""


@export.command("aef")
@click.option("--year", type=int, required=True, help="The reported year.")
@click.option("--out", type=click.Path(path_type=Path), required=True,
              help="File to write (xlsx, json) or directory (csv).")
@click.option("--format", "fmt", type=click.Choice(["xlsx", "csv", "json"]), default=None,
              help="Output format (default: from the --out suffix, else xlsx).")
@click.option("--bom", is_flag=True, help="CSV with a UTF-8 BOM, for Excel.")
@click.option("--submission-date", default=None,
              help="Submission date YYYY-MM-DD for Table 1 (default: today).")
@click.option("--strict", is_flag=True, help="Exit 1 when a check reports an error.")
@click.option("--json", "as_json", is_flag=True, help="Print the check findings as JSON.")
@click.pass_obj
def export_aef(obj, year: int, out: Path, fmt: str | None, bom: bool,
               submission_date: str | None, strict: bool, as_json: bool) -> None:
    """Build China's AEF for YEAR from Article 6 records, check it, and write it.

    The single-submission consistency checks run first; their findings are printed
    (errors do not stop the export unless --strict).
    """
    from ..article6 import aef_for_year, write_aef

    fmt = fmt or (out.suffix.lstrip(".") if out.suffix in (".xlsx", ".json") else
                  "csv" if not out.suffix else "xlsx")
    info = {"submission_date": submission_date or dt.date.today().isoformat()}
    store = obj.store()
    report = aef_for_year(store.conn, year, info)
    store.close()
    written = write_aef(report, out, fmt, bom)
    findings = [f.__dict__ for f in report.findings]
    if as_json:
        click.echo(json.dumps({"written": [str(p) for p in written], "findings": findings},
                              ensure_ascii=False, indent=2, default=str))
    else:
        rows = {name: len(getattr(report.aef, name)) for name in
                ("authorizations", "actions", "holdings", "authorized_entities")}
        click.echo(f"AEF {year}: {rows}; wrote {', '.join(str(p) for p in written)}")
        for f in report.findings:
            where = f"{f.table} row {f.row}" if f.row else (f.table or "submission")
            click.echo(f"  {f.severity:<7} {f.check_id:<6} {where}: {f.message_en}")
    if strict and report.errors:
        raise SystemExit(1)
