"""``python -m publishers.simulated``: serve the three systems until Ctrl-C or SIGTERM.

Prints one JSON line with the three base URLs once they are listening.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import signal
import sys
import threading

from .systems import SYSTEMS, SimulatedSystems


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m publishers.simulated",
                                description="Simulated registry, exchange and platform / 模拟内部系统")
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--trades", default="small", help="number of trades, or small|medium|large")
    p.add_argument("--units", type=int, default=None, help="units listed for 2025 (default 3378)")
    p.add_argument("--parameter-units", type=int, default=None, help="units with monthly deposits (default 16)")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--hold-trade-pages", type=int, default=None, metavar="LIMIT",
                   help="generate the trade pages of this size before listening and serve them "
                        "from memory (for benchmarks of the puller)")
    for system in SYSTEMS:
        p.add_argument(f"--{system}-port", type=int, default=0)
        p.add_argument(f"--token-{system}", default=None, help=f"bearer token the {system} requires")
    return p


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    trades = int(args.trades) if args.trades.isdigit() else args.trades
    sim = SimulatedSystems(
        seed=args.seed, trades=trades, host=args.host, units=args.units, parameter_units=args.parameter_units,
        tokens={s: getattr(args, f"token_{s}") for s in SYSTEMS if getattr(args, f"token_{s}")},
        ports={s: getattr(args, f"{s}_port") for s in SYSTEMS},
    )
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    with sim:
        if args.hold_trade_pages:
            sim.hold_trade_pages(args.hold_trade_pages)
        print(json.dumps(sim.urls), flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            stop.wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
