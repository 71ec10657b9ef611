"""The ``gateway`` command line."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from typing import Any

import click

from .settings import Settings, SettingsError, load_settings, simulated_publishers
from .store import Store


class Context:
    def __init__(self, config: str | None):
        self.config = config
        self._settings: Settings | None = None

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            try:
                self._settings = load_settings(self.config)
            except SettingsError as error:
                raise click.ClickException(str(error)) from None
        return self._settings

    def store(self) -> Store:
        return Store(self.settings.db_path)


pass_context = click.make_pass_decorator(Context)


@click.group()
@click.option("--config", type=click.Path(dir_okay=False), envvar="GATEWAY_CONFIG",
              help="TOML settings file (default: $GATEWAY_CONFIG).")
@click.version_option(package_name="carbon-gateway")
@click.pass_context
def cli(ctx: click.Context, config: str | None) -> None:
    """Open-data gateway for China's national carbon market (CEA and CCER).

    全国碳市场信息公开与互操作网关。
    """
    ctx.obj = Context(config)


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@pass_context
def init(obj: Context, as_json: bool) -> None:
    """Create the data directory and an empty store (gateway.db)."""
    store = obj.store()
    result = {"db": str(store.path), "kinds": sorted(store.counts())}
    store.close()
    _emit(result, as_json, lambda r: f"store ready at {r['db']} ({len(r['kinds'])} kinds)")


@cli.command()
@click.argument("name", required=False)
@click.option("--all", "pull_all", is_flag=True, help="Run every configured publisher.")
@click.option("--json", "as_json", is_flag=True, help="Print one run report per publisher.")
@pass_context
def pull(obj: Context, name: str | None, pull_all: bool, as_json: bool) -> None:
    """Pull from one publisher (NAME) or from all of them (--all)."""
    from .pulls import pull as run_pull

    configured = obj.settings.publishers
    if bool(name) == pull_all:
        raise click.UsageError("name one publisher or pass --all")
    if not configured:
        raise click.ClickException("no publishers configured: add [publishers.NAME] sections "
                                   "to the settings file (see README, 'Publishers')")
    if name and name not in configured:
        raise click.ClickException(f"no publisher named {name!r}; configured: "
                                   f"{', '.join(sorted(configured))}")
    chosen = list(configured.values()) if pull_all else [configured[name or ""]]
    store = obj.store()
    reports = [run_pull(store, p, progress=_progress(p.name, as_json)) for p in chosen]
    store.close()
    _emit([r.as_dict() for r in reports], as_json, _pull_summary)
    failed = [r for r in reports if r.status != "ok"]
    if failed:
        for report in failed:
            click.echo(f"error: {report.publisher}: {report.failure}", err=True)
        sys.exit(1)


@cli.command()
@click.option("--limit", default=20, show_default=True, help="How many runs to show.")
@click.option("--json", "as_json", is_flag=True, help="Print the runs as JSON.")
@pass_context
def runs(obj: Context, limit: int, as_json: bool) -> None:
    """List recent pulls with their counts and status."""
    store = obj.store()
    rows = store.runs(limit)
    store.close()
    _emit(rows, as_json, _runs_table)


@cli.command()
@click.option("--publisher", help="Only this publisher's rejects.")
@click.option("--limit", default=20, show_default=True, help="How many records to list.")
@click.option("--json", "as_json", is_flag=True, help="Print summary and records as JSON.")
@pass_context
def quarantine(obj: Context, publisher: str | None, limit: int, as_json: bool) -> None:
    """Show rejected records: counts per publisher and reason, then the latest ones."""
    store = obj.store()
    result = {"summary": store.quarantine_summary(),
              "records": store.quarantined(limit, publisher),
              "findings": store.findings_summary()}
    store.close()
    for record in result["records"]:
        record["errors"] = json.loads(record["errors"])
        record["data"] = json.loads(record["data"])
    _emit(result, as_json, _quarantine_text)


@cli.command()
@click.option("--serve/--no-serve", default=True,
              help="After publishing, serve the API and the public site until Ctrl-C.")
@click.option("--trades", default=20_000, show_default=True,
              help="Trades the simulated exchange holds.")
@click.option("--seed", default=7, show_default=True, help="Seed of the simulated data.")
@click.option("--api-port", default=8000, show_default=True, help="Port of the partner API.")
@click.option("--site-port", default=8001, show_default=True, help="Port of the public site.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@pass_context
def demo(obj: Context, serve: bool, trades: int, seed: int, api_port: int, site_port: int,
         as_json: bool) -> None:
    """Start the simulated internal systems, pull everything, publish, and serve.

    With --no-serve it stops after printing the summary (counts per kind, rejects per
    reason, open findings).
    """
    from publishers.simulated import SimulatedSystems

    with SimulatedSystems(seed=seed, trades=trades) as sim:
        click.echo(f"simulated systems: {json.dumps(sim.urls)}", err=True)
        summary = _pull_everything(obj, sim.urls, as_json)
        if serve:
            summary["published"] = _publish(obj)
        _emit(summary, as_json, _demo_text)
        if serve:
            _serve(obj, api_port, site_port)


def _pull_everything(obj: Context, urls: dict[str, str], quiet: bool) -> dict[str, Any]:
    from .pulls import pull as run_pull

    with obj.store() as store:
        reports = [run_pull(store, p, progress=_progress(p.name, quiet))
                   for p in simulated_publishers(urls).values()]
        return {"db": str(store.path), "runs": [r.as_dict() for r in reports],
                "counts": store.counts(), "rejects": store.quarantine_summary(),
                "findings": store.findings_summary()}


def _publish(obj: Context) -> dict[str, Any]:
    import datetime as dt

    from .publish import PublishContext, publish

    with obj.store() as store:
        ctx = PublishContext(obj.settings, store, obj.settings.data_dir / "publish",
                             dt.datetime.now(dt.UTC).date().isoformat(),
                             progress=lambda m: click.echo(m, err=True))
        return {step: "ok" for step in publish(ctx)}


def _serve(obj: Context, api_port: int, site_port: int) -> None:
    """Serve the partner API (waitress thread) and the public site (Datasette process)."""
    from .commands.browse import site_dir, start
    from .web.server import serve_in_background

    api = serve_in_background(obj.settings, port=api_port)
    site = start(site_dir(obj.settings.data_dir), port=site_port)
    click.echo(f"partner API:  http://127.0.0.1:{api_port}/api/v1/  "
               f"(docs: http://127.0.0.1:{api_port}/api/v1/docs)", err=True)
    click.echo(f"public site:  http://127.0.0.1:{site_port}/", err=True)
    click.echo("serving; press Ctrl-C to stop", err=True)
    try:
        _wait_forever()
    finally:
        site.terminate()
        api.close()


def _wait_forever() -> None:
    import time
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass


def _progress(name: str, quiet: bool) -> Callable[[int], None] | None:
    if quiet or not sys.stderr.isatty():
        return None
    done = [0]

    def report(n: int) -> None:
        done[0] += n
        click.echo(f"\r{name}: {done[0]:,} records", err=True, nl=False)
    return report


def _emit(value: Any, as_json: bool, text: Callable[[Any], str]) -> None:
    if as_json:
        click.echo(json.dumps(value, ensure_ascii=False, indent=2, default=str))
    else:
        click.echo(text(value))


def _pull_summary(reports: list[dict[str, Any]]) -> str:
    lines = []
    for r in reports:
        lines.append(f"{r['publisher']}: {r['status']} — fetched {r['fetched']:,}, accepted "
                     f"{r['accepted']:,} ({r['new_versions']:,} new versions, {r['unchanged']:,} "
                     f"unchanged), rejected {r['rejected']:,}, bad payloads {r['bad_payloads']}")
    return "\n".join(lines)


def _runs_table(rows: list[dict[str, Any]]) -> str:
    if not rows:
        return "no runs yet: run `gateway pull --all`"
    head = f"{'id':>4}  {'publisher':<12} {'status':<11} {'fetched':>9} {'new':>9} {'rejected':>8}  started"
    body = [f"{r['id']:>4}  {r['publisher']:<12} {r['status']:<11} {r['fetched']:>9,} "
            f"{r['new_versions']:>9,} {r['rejected']:>8,}  {r['started_at'][:19]}" for r in rows]
    return "\n".join([head, *body])


def _quarantine_text(result: dict[str, Any]) -> str:
    if not result["summary"]:
        return "quarantine is empty"
    lines = ["rejected records per publisher and reason:"]
    lines += [f"  {s['publisher']:<10} {s['kind']:<18} {s['error_type']:<28} {s['records']:>6,}"
              for s in result["summary"]]
    lines.append("latest:")
    lines += [f"  #{r['id']} {r['source_ref']}: {r['message_en']}" for r in result["records"]]
    return "\n".join(lines)


def _demo_text(summary: dict[str, Any]) -> str:
    lines = [f"store: {summary['db']}", _pull_summary(summary["runs"]), "records per kind:"]
    lines += [f"  {kind:<18} {n:>9,}" for kind, n in summary["counts"].items()]
    lines.append("rejects per reason:")
    lines += [f"  {s['publisher']:<10} {s['kind']:<18} {s['error_type']:<28} {s['records']:>6,}"
              for s in summary["rejects"]] or ["  none"]
    lines.append("open findings (cross-record checks and validation warnings):")
    lines += [f"  {f['check_id']:<32} {f['kind']:<16} {f['findings']:>6,}"
              for f in summary["findings"]] or ["  none"]
    return "\n".join(lines)


def _register_feature_commands() -> None:
    from .commands import register_all
    register_all(cli)


_register_feature_commands()


def main() -> None:  # pragma: no cover - console entry point
    cli()


if __name__ == "__main__":  # pragma: no cover
    main()
