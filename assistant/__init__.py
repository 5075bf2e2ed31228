"""A fully local smart-home voice assistant."""

__version__ = "0.1.0"
