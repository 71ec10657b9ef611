"""``gateway publish``."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import click


def register(cli: click.Group) -> None:
    cli.add_command(publish_command)


@click.command("publish")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Where to write (default: DATA_DIR/publish).")
@click.option("--step", "only", multiple=True, help="Run only this step (repeatable).")
@click.option("--release", default=None, help="Release date YYYY-MM-DD (default: today, UTC).")
@click.option("--json", "as_json", is_flag=True, help="Print the step summaries as JSON.")
@click.pass_obj
def publish_command(obj, out_dir: Path | None, only: tuple[str, ...], release: str | None,
                    as_json: bool) -> None:
    """Build the published artefacts (public.db, RDF dumps, snapshots) from the store."""
    from ..publish import PublishContext, publish, steps

    settings = obj.settings
    store = obj.store()
    ctx = PublishContext(settings, store, out_dir or settings.data_dir / "publish",
                         release or dt.datetime.now(dt.UTC).date().isoformat(),
                         progress=lambda m: click.echo(m, err=True))
    known = [m.STEP for m in steps()]
    unknown = sorted(set(only) - set(known))
    if unknown:
        raise click.UsageError(f"unknown step(s) {unknown}; steps: {known}")
    results = publish(ctx, list(only) or None)
    store.close()
    if as_json:
        click.echo(json.dumps(results, ensure_ascii=False, indent=2, default=str))
    else:
        for step, summary in results.items():
            click.echo(f"{step}: {json.dumps(summary, ensure_ascii=False, default=str)}")
