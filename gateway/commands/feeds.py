"""``gateway feeds deliver|status``: the webhook queue (see gateway/feeds/webhooks.py)."""

from __future__ import annotations

import contextlib
import json
import signal
import threading
from typing import Any

import click


def register(cli: click.Group) -> None:
    cli.add_command(feeds_group)


@click.group("feeds")
def feeds_group() -> None:
    """Change-feed webhooks for agencies (the feeds themselves are served by `gateway serve`).

    向各机构推送变更（订阅源本身由 gateway serve 提供）。
    """


@feeds_group.command("deliver")
@click.option("--once", is_flag=True,
              help="One pass: deliver until every subscription is caught up or failing, "
                   "then exit.")
@click.option("--replay-from", "replay_from", type=click.IntRange(min=1),
              help="First reset the cursor(s) so that every entry with seq >= this is "
                   "delivered again.")
@click.option("--subscription", "name", help="Only this subscription (for --replay-from).")
@click.option("--poll", default=1.0, show_default=True, help="Seconds between idle passes.")
@click.option("--json", "as_json", is_flag=True, help="Print the totals as JSON (with --once).")
@click.pass_obj
def deliver_command(obj: Any, once: bool, replay_from: int | None, name: str | None,
                    poll: float, as_json: bool) -> None:
    """Run the webhook queue: POST every new log entry to each subscription, signed.

    Undelivered entries stay queued in the store (per-subscription cursor), so stopping
    and restarting loses nothing. Configure subscriptions as [webhooks.NAME] in the
    settings or through POST /feeds/webhooks.
    """
    from ..feeds import webhooks

    store = obj.store()
    try:
        deliverer = webhooks.Deliverer(store.conn, obj.settings)
        if replay_from is not None:
            count = webhooks.replay(store.conn, replay_from, name)
            if name and not count:
                raise click.ClickException(f"no subscription named {name!r}")
            click.echo(f"replaying from seq {replay_from} for {count} subscription(s)", err=True)
        if once:
            totals = deliverer.run_once()
            if as_json:
                click.echo(json.dumps({"totals": totals, "subscriptions":
                                       webhooks.status(store.conn)}, ensure_ascii=False))
            else:
                click.echo(f"delivered {totals['delivered']}, failed {totals['failed']}, "
                           f"waiting to retry {totals['waiting']}")
            return
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        click.echo("delivering webhooks; Ctrl-C to stop", err=True)
        with contextlib.suppress(KeyboardInterrupt):
            deliverer.run_forever(stop, poll, report=lambda t: click.echo(
                f"delivered {t['delivered']}, failed {t['failed']}", err=True))
    except webhooks.WebhookError as error:
        raise click.ClickException(str(error)) from None
    finally:
        store.close()


@feeds_group.command("status")
@click.option("--json", "as_json", is_flag=True, help="Print the subscriptions as JSON.")
@click.pass_obj
def status_command(obj: Any, as_json: bool) -> None:
    """Each webhook subscription: cursor, log head, delivered count, retry in progress."""
    from ..feeds import webhooks

    store = obj.store()
    try:
        webhooks.sync_settings(store.conn, obj.settings)
        found = webhooks.status(store.conn)
    finally:
        store.close()
    if as_json:
        click.echo(json.dumps(found, ensure_ascii=False, indent=2))
        return
    for sub in found:
        retry = sub["retrying"]
        line = (f"{sub['name']:<20} {'active' if sub['active'] else 'inactive':<8} "
                f"cursor {sub['cursor']}/{sub['head']}  delivered {sub['delivered']}")
        if retry:
            line += f"  retrying seq {retry['seq']} (attempt {retry['attempts']}: " \
                    f"{retry['last_error']})"
        click.echo(line)
    if not found:
        click.echo("no webhook subscriptions; add [webhooks.NAME] to the settings")
