"""The three simulated internal systems, each an app served by ``servers.SimServer``."""
