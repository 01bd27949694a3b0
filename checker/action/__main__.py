"""``python -m checker.action``: what the container runs."""

from checker.action.step import run

run()
