"""subprocessor-check: keep a public data-subprocessors page honest."""

__version__ = "0.1.0"
