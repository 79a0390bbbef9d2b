"""Checks of option values shared by several commands, so that a wrong value is a usage
error (exit 2) everywhere rather than a filter quietly matching everything or nothing."""

from __future__ import annotations

import click


def non_empty(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """A click callback refusing an empty or blank value (``--tag ''``): it names nothing."""
    if value is not None and not value.strip():
        raise click.BadParameter(f"{value!r} is empty; give a value or leave the option out.")
    return value
