"""Configuration and plugins of the public Datasette site."""
