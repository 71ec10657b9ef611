"""``SimulatedSystems``: the registry, the exchange and the platform on local ports."""

from __future__ import annotations

from types import TracebackType

from .apps.exchange import ExchangeApp
from .apps.platform import PlatformApp
from .apps.registry import RegistryApp
from .generator.world import TRADE_SCALES, SimConfig, World, shared_world
from .servers import SimServer

SYSTEMS = ("registry", "exchange", "platform")


class SimulatedSystems:
    """The three simulated internal systems, each a real HTTP server on ``host``.

    ``trades`` is the number of trades the exchange holds (or ``"small"`` 20,000,
    ``"medium"`` 200,000, ``"large"`` 1,000,000); ``tokens`` maps a system to the bearer
    token it requires; ``ports`` maps a system to a fixed port (0 = ephemeral).
    """

    def __init__(self, seed: int = 7, trades: int | str = "small", tokens: dict[str, str] | None = None,
                 host: str = "127.0.0.1", ports: dict[str, int] | None = None, units: int | None = None,
                 parameter_units: int | None = None) -> None:
        count = TRADE_SCALES[trades] if isinstance(trades, str) else int(trades)
        defaults = SimConfig()
        self.config = SimConfig(seed, count, units or defaults.units, parameter_units or defaults.parameter_units)
        self.host, self.tokens, self.ports = host, dict(tokens or {}), dict(ports or {})
        self.world: World | None = None
        self._servers: dict[str, SimServer] = {}

    def start(self) -> SimulatedSystems:
        """Build the data (a few seconds, once per process and configuration) and start the
        three servers."""
        if self._servers:
            return self
        self.world = self.world or shared_world(self.config)
        apps = {"registry": RegistryApp, "exchange": ExchangeApp, "platform": PlatformApp}
        for name in SYSTEMS:
            server = SimServer(apps[name](self.world), self.host, self.ports.get(name, 0), self.tokens.get(name))
            server.start()
            self._servers[name] = server
        return self

    def stop(self) -> None:
        """Stop the servers (the generated data is kept for a restart)."""
        for server in self._servers.values():
            server.stop()
        self._servers.clear()

    def __enter__(self) -> SimulatedSystems:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()

    def _server(self, system: str) -> SimServer:
        if system not in SYSTEMS:
            raise ValueError(f"unknown system {system!r}; known: {', '.join(SYSTEMS)}")
        if system not in self._servers:
            raise RuntimeError("the simulated systems are not running; call start() first")
        return self._servers[system]

    def hold_trade_pages(self, limit: int) -> int:
        """Generate and encode the exchange's trade pages of ``limit`` now, and serve them
        from memory (see :meth:`ExchangeApp.hold_trade_pages`)."""
        app = self._server("exchange").app
        assert isinstance(app, ExchangeApp)
        return app.hold_trade_pages(limit)

    @property
    def urls(self) -> dict[str, str]:
        """Base URL of each system."""
        return {name: self._server(name).url for name in SYSTEMS}

    def inject(self, system: str, fault: str, times: int | None = 1, path: str | None = None,
               **options: float) -> None:
        """Arm ``fault`` on ``system`` for the next ``times`` requests it applies to."""
        self._server(system).faults.arm(fault, times, path, **options)

    def clear_faults(self, system: str | None = None) -> None:
        """Disarm every fault (of one system, or of all)."""
        for name in [system] if system else SYSTEMS:
            self._server(name).faults.clear()

    def armed_faults(self) -> dict[str, list[dict]]:
        return {name: self._server(name).faults.armed() for name in SYSTEMS}

    @property
    def requests_served(self) -> dict[str, int]:
        """Data requests answered per system (control requests excluded)."""
        return {name: self._server(name).requests_served for name in SYSTEMS}

    def known_defects(self) -> list[dict]:
        """Every deliberately bad record: ``{system, kind, where, defect}``."""
        if self.world is None:
            self.world = shared_world(self.config)
        return self.world.known_defects()
