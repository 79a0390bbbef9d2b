"""Every setting papernotes reads, the order its sources win in, and where each value came from.

Highest first: a command-line option, then the setting's own environment variable
(``PAPERNOTES_…``), then ``config.toml``, then the general variables other programs read too
(``VISUAL``/``EDITOR``, ``PAGER``, ``NO_COLOR``), then the default; as git reads
``GIT_EDITOR``, ``core.editor``, then ``VISUAL``/``EDITOR``.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from papernotes.errors import InvalidInputError

if TYPE_CHECKING:
    from papernotes.config.toml_file import TomlFile

CONFIG_ENV = "PAPERNOTES_CONFIG"
CONFIG_FILE = "config.toml"
ORIGINS = ("default", "file", "environment", "option")
TRUE_WORDS = ("1", "true", "yes", "on")
FALSE_WORDS = ("", "0", "false", "no", "off")
VENUE_KINDS = ("conference", "journal")


class Spec:
    """One setting: its dotted name in ``config.toml``, type, default and variables (``env``
    beat the file: papernotes' own; ``env_after`` lose to it: shared with other programs).

    Plain classes, not dataclasses or named tuples, here: every command imports this module,
    and building those classes costs milliseconds at each start."""

    __slots__ = ("name", "kind", "default", "help", "env", "env_after", "choices", "minimum")

    def __init__(  # noqa: PLR0913 - one argument per field
        self,
        name: str,
        kind: type,
        default: Any,
        help: str,
        env: tuple[str, ...] = (),
        env_after: tuple[str, ...] = (),
        choices: tuple[str, ...] = (),
        minimum: float | None = None,
    ) -> None:
        self.name, self.kind, self.default, self.help = name, kind, default, help
        self.env, self.env_after, self.choices, self.minimum = env, env_after, choices, minimum


SPECS = (
    Spec("library", str, "", "The library folder (--notes).", env=("PAPERNOTES_DIR",)),
    Spec(
        "editor",
        str,
        "vi",
        "The editor for add and edit (a command line, split like a shell would).",
        env=("PAPERNOTES_EDITOR",),
        env_after=("VISUAL", "EDITOR"),
    ),
    Spec(
        "color",
        str,
        "auto",
        "Colour: auto (on a terminal), always or never (--color).",
        env_after=("NO_COLOR",),
        choices=("auto", "always", "never"),
    ),
    Spec(
        "pager",
        str,
        "less -R",
        'The pager for show, export and long lists; "" for none (--no-pager).',
        env=("PAPERNOTES_PAGER",),
        env_after=("PAGER",),
    ),
    Spec(
        "lock_timeout",
        float,
        30.0,
        "Seconds a write waits for another papernotes (--lock-timeout).",
        env=("PAPERNOTES_LOCK_TIMEOUT",),
        minimum=0,
    ),
    Spec(
        "contact",
        str,
        "",
        "An email address sent in the User-Agent of requests to web services.",
        env=("PAPERNOTES_CONTACT",),
    ),
    Spec("export.bib.with_notes", bool, False, "export --bib: the notes in 'annote'."),
    Spec("export.bib.ascii", bool, False, "export --bib: accents as LaTeX."),
    Spec(
        "arxiv.timeout",
        float,
        15.0,
        "Seconds to wait for an arXiv answer (--timeout).",
        minimum=0.1,
    ),
    Spec("arxiv.interval", float, 3.0, "Seconds between two requests to arXiv.", minimum=0),
    Spec("arxiv.retries", int, 3, "Further tries after a failed arXiv request.", minimum=0),
    Spec("arxiv.backoff", float, 2.0, "Seconds before the first retry (doubles).", minimum=0),
    Spec("arxiv.max_wait", float, 60.0, "Longest wait before a retry, in seconds.", minimum=0),
    Spec(
        "arxiv.offline",
        bool,
        False,
        "Use only cached arXiv answers (--offline).",
        env=("PAPERNOTES_OFFLINE",),
    ),
)
SPEC_BY_NAME = {spec.name: spec for spec in SPECS}
TABLES = {tuple(s.name.split("."))[:end] for s in SPECS for end in range(1, s.name.count(".") + 1)}
VENUES = "venues"
"""The table of venue tables, as ``venues.toml`` holds them (``[venues.COLM]``)."""


class Setting:
    """A value in effect, its origin (one of ``ORIGINS``) and the source within it."""

    __slots__ = ("name", "value", "origin", "source")

    def __init__(self, name: str, value: Any, origin: str, source: str = "") -> None:
        self.name, self.value, self.origin, self.source = name, value, origin, source

    def __repr__(self) -> str:
        return f"Setting({self.name!r}, {self.value!r}, {self.origin!r}, {self.source!r})"


class UserVenue:
    """A ``[venues.SHORT]`` table of config.toml."""

    __slots__ = ("short", "kind", "name", "aliases")

    def __init__(self, short: str, kind: str, name: str, aliases: tuple[str, ...]) -> None:
        self.short, self.kind, self.name, self.aliases = short, kind, name, aliases


class Settings:
    """The settings in effect, and the config file they were read from."""

    def __init__(
        self,
        path_origin: Setting,
        exists: bool,
        values: dict[str, Setting],
        venues: tuple[UserVenue, ...] = (),
    ) -> None:
        self.path: Path = path_origin.value
        self.path_origin = path_origin
        self.exists = exists
        self.values = values
        self.venues = venues

    def __getitem__(self, name: str) -> Any:
        return self.values[name].value

    def changed(self, prefix: str) -> bool:
        """Whether any setting under ``prefix`` (``arxiv.``) is set to something but its default."""
        return any(s.origin != "default" for n, s in self.values.items() if n.startswith(prefix))


def config_path(option: Path | None = None, environ: Mapping[str, str] = os.environ) -> Setting:
    """The config file: ``--config FILE``, else ``$PAPERNOTES_CONFIG``, else ``config.toml``
    in the user config folder."""
    if option is not None:
        return Setting("config", Path(option), "option", "--config")
    if environ.get(CONFIG_ENV):
        return Setting("config", Path(environ[CONFIG_ENV]), "environment", f"${CONFIG_ENV}")
    from papernotes.user_folders import config_folder

    return Setting("config", config_folder() / CONFIG_FILE, "default")


def load_settings(
    config: Path | None = None,
    options: Mapping[str, Setting] | None = None,
    environ: Mapping[str, str] = os.environ,
) -> Settings:
    """The settings in effect: ``options`` (what the command line gave), then the environment,
    the config file and the defaults. A wrong file or variable is an ``InvalidInputError``
    naming its ``file:line`` (or variable)."""
    where = config_path(config, environ)
    file = None
    if os.path.lexists(where.value):  # tomllib is imported only for a file to read
        from papernotes.config.toml_file import TomlFile

        file = TomlFile.read(where.value)
    if file is None and where.origin != "default":
        raise InvalidInputError(f"The config file {where.value} ({where.source}) does not exist.")
    problems = unknown_keys(file) if file is not None else []
    values: dict[str, Setting] = {}
    for spec in SPECS:
        given = (options or {}).get(spec.name)
        try:
            values[spec.name] = given or resolve(spec, file, environ)
        except InvalidInputError as exc:
            problems.append(str(exc))
    venues: tuple[UserVenue, ...] = ()
    if file is not None and VENUES in file.data:
        venues = user_venues(file, problems)
    if problems:
        raise InvalidInputError("\n".join(problems))
    return Settings(where, file is not None, values, venues)


def contact(environ: Mapping[str, str] = os.environ) -> str:
    """The email address to name in the User-Agent of web services (``contact``, or
    ``$PAPERNOTES_CONTACT``); empty when the user gave none."""
    return str(load_settings(environ=environ)["contact"])


def resolve(spec: Spec, file: TomlFile | None, environ: Mapping[str, str]) -> Setting:
    """One setting from the first source that has it (options aside)."""
    for var in spec.env:
        if environ.get(var, "") != "":
            return Setting(spec.name, from_env(spec, var, environ[var]), "environment", f"${var}")
    if file is not None:
        path = tuple(spec.name.split("."))
        found, value = lookup(file.data, path)
        if found:
            return Setting(spec.name, checked(spec, value, file), "file", file.where(*path))
    for var in spec.env_after:
        if environ.get(var, "") != "":
            return Setting(spec.name, from_env(spec, var, environ[var]), "environment", f"${var}")
    return Setting(spec.name, spec.default, "default")


def lookup(data: dict[str, Any], path: tuple[str, ...]) -> tuple[bool, Any]:
    for part in path:
        if not isinstance(data, dict) or part not in data:
            return False, None
        data = data[part]
    return True, data


def checked(spec: Spec, value: Any, file: TomlFile) -> Any:
    """``value`` from the file if it has the setting's type, else a ``file:line`` error."""
    where = file.where(*spec.name.split("."))
    number = spec.kind in (int, float)
    ok = (
        isinstance(value, spec.kind) and not (spec.kind is not bool and isinstance(value, bool))
    ) or (spec.kind is float and isinstance(value, int) and not isinstance(value, bool))
    if not ok:
        wanted = {str: "a string", bool: "true or false", int: "a whole number", float: "a number"}
        raise InvalidInputError(
            f"{where}: {spec.name} must be {wanted[spec.kind]}, not {type_name(value)}."
        )
    if spec.choices and value not in spec.choices:
        raise InvalidInputError(
            f"{where}: {spec.name} must be one of {', '.join(spec.choices)}, not {value!r}."
        )
    if number and not math.isfinite(value):  # nan passes every comparison; inf never ends
        raise InvalidInputError(f"{where}: {spec.name} must be a finite number, not {value}.")
    if number and spec.minimum is not None and value < spec.minimum:
        raise InvalidInputError(f"{where}: {spec.name} must be at least {spec.minimum:g}.")
    if spec.name == "library":
        return home_expanded(value, f"{where}: library")
    return float(value) if spec.kind is float else value


def from_env(spec: Spec, var: str, text: str) -> Any:
    """The value a variable means for ``spec``; a malformed one names the variable."""
    if var == "NO_COLOR":
        return "never"  # https://no-color.org: any non-empty value
    if spec.kind is bool:
        return text.strip().lower() not in FALSE_WORDS
    if spec.kind in (int, float):
        try:
            value = spec.kind(text)
        except ValueError:
            value = None
        if (
            value is None
            or not math.isfinite(value)  # nan passes every comparison; inf never ends
            or (spec.minimum is not None and value < spec.minimum)
        ):
            raise InvalidInputError(
                f"${var}={text!r} is not a number of at least {spec.minimum or 0:g} ({spec.name})."
            )
        return value
    if spec.choices and text not in spec.choices:
        raise InvalidInputError(f"${var} must be one of {', '.join(spec.choices)}, not {text!r}.")
    return home_expanded(text, f"${var}") if spec.name == "library" else text


def home_expanded(path: str, where: str) -> str:
    """``path`` with a leading ``~`` or ``~user`` made the home folder; a user (or a home)
    that cannot be found is an error naming ``where`` the path came from."""
    try:
        return str(Path(path).expanduser())
    except RuntimeError:  # "Could not determine home directory."
        user = path[1:].split("/", 1)[0] or os.environ.get("USER", "you")
        raise InvalidInputError(
            f"{where} = {path!r}: the home folder of {user!r} cannot be found."
        ) from None


def unknown_keys(file: TomlFile) -> list[str]:
    """One ``file:line`` sentence per key papernotes does not know (a typo, most likely)."""
    problems = []

    def walk(data: dict[str, Any], path: tuple[str, ...]) -> None:
        for key, value in data.items():
            here = (*path, key)
            if here == (VENUES,):
                continue
            if here in TABLES and isinstance(value, dict):
                walk(value, here)
            elif here in TABLES:
                problems.append(f"{file.where(*here)}: [{'.'.join(here)}] must be a table.")
            elif ".".join(here) not in SPEC_BY_NAME:
                known = sorted(s.name for s in SPECS if s.name.startswith(".".join(path)))
                problems.append(
                    f"{file.where(*here)}: unknown setting {'.'.join(here)!r} "
                    f"(known: {', '.join(known)}, and [venues.NAME] tables)."
                )

    walk(file.data, ())
    return problems


def user_venues(file: TomlFile, problems: list[str]) -> tuple[UserVenue, ...]:
    """The ``[venues.SHORT]`` tables, as ``venues.toml`` holds them; problems appended."""
    table = file.data[VENUES]
    if not isinstance(table, dict):
        problems.append(f"{file.where(VENUES)}: [venues] must hold [venues.NAME] tables.")
        return ()
    venues = []
    for short, venue in table.items():
        where = file.where(VENUES, short)
        if not isinstance(venue, dict):
            problems.append(f"{where}: [venues.{short}] must be a table with kind and name.")
            continue
        extra = sorted(set(venue) - {"kind", "name", "aliases"})
        kind, name = venue.get("kind", "conference"), venue.get("name")
        aliases = venue.get("aliases", [])
        if extra:
            problems.append(
                f"{file.where(VENUES, short, extra[0])}: unknown venue key {extra[0]!r}."
            )
        elif kind not in VENUE_KINDS or not isinstance(name, str) or not name.strip():
            problems.append(
                f'{where}: [venues.{short}] needs name = "..." and '
                'kind = "conference" or "journal".'
            )
        elif not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
            problems.append(f"{where}: [venues.{short}] aliases must be a list of strings.")
        else:
            venues.append(UserVenue(short, kind, name.strip(), tuple(aliases)))
    return tuple(venues)


def type_name(value: Any) -> str:
    names = {bool: "true/false", int: "a number", float: "a number", str: "a string"}
    names.update({list: "a list", dict: "a table"})
    return names.get(type(value), type(value).__name__)
