"""The gateway core: settings, the store, the ingest pipeline, the CLI and serving."""

__version__ = "0.1.0"
