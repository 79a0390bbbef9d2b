"""PyYAML, safe and bounded: hostile YAML fails with its line, never a crash or a blow-up.

libyaml's parser keeps its nesting on the heap, but the composer PyYAML puts on top of it
(C or Python) recurses once per level: 50,000 ``[`` crash the C one (a segfault, not an
exception). Here libyaml's events are composed by PyYAML's Python ``Composer``, which
refuses to go deeper than ``MAX_DEPTH`` levels, so the recursion stays bounded whatever
the input. It also refuses anchors and aliases: a few hundred bytes of nested aliases
stand for billions of nodes once anything walks the data (JSON output, a merge). Without
them the data read is never larger than the text, and the dumper never writes them.
Imported only when a file needs PyYAML (the front matters papernotes writes are read and
written by ``frontmatter.py``).
"""

from __future__ import annotations

from typing import Any

import yaml
from yaml.composer import Composer, ComposerError
from yaml.constructor import ConstructorError, SafeConstructor
from yaml.events import AliasEvent, NodeEvent
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.resolver import Resolver

try:  # the wheels ship libyaml, about 10x faster than the pure-Python reader
    # types-PyYAML's cyaml stub imports CParser without re-exporting it; yaml.cyaml has it
    from yaml.cyaml import CParser as EventSource  # type: ignore[attr-defined]
    from yaml.cyaml import CSafeDumper as SafeDumper
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml.dumper import SafeDumper  # type: ignore[assignment]
    from yaml.parser import Parser
    from yaml.reader import Reader
    from yaml.scanner import Scanner

    class EventSource(Reader, Scanner, Parser):  # type: ignore[no-redef]
        """PyYAML's pure-Python event stream (what ``CParser`` gives from libyaml)."""

        def __init__(self, stream: str) -> None:
            Reader.__init__(self, stream)
            Scanner.__init__(self)
            Parser.__init__(self)


MAX_DEPTH = 100
"""Deepest nesting of lists and mappings read. What papernotes writes stays far below it:
flat front matters, and ``document.yaml`` links nested at most 32 levels (2 YAML levels each)."""


ALIASES_REFUSED = "anchors and aliases (& and *) are not allowed; papernotes never writes them"


class BoundedSafeLoader(Composer, EventSource, SafeConstructor, Resolver):
    """The safe loader (no tags that build Python objects) with nesting bounded."""

    def __init__(self, stream: str) -> None:
        EventSource.__init__(self, stream)
        Composer.__init__(self)
        SafeConstructor.__init__(self)
        Resolver.__init__(self)
        self.depth = 0

    def compose_node(self, parent: Node | None, index: int) -> Node | None:
        event = self.peek_event()
        if not isinstance(event, NodeEvent):  # never: the parser asks only at a node's event
            return super().compose_node(parent, index)
        # (the marks: types-PyYAML's errors take only the pure-Python Mark; libyaml's works too)
        if isinstance(event, AliasEvent) or event.anchor is not None:
            raise ComposerError(None, None, ALIASES_REFUSED, event.start_mark)  # type: ignore[arg-type]
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH:
                problem = f"nested more than {MAX_DEPTH} levels deep"
                raise ComposerError(None, None, problem, event.start_mark)  # type: ignore[arg-type]
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1

    def compose_mapping_node(self, anchor: Any) -> MappingNode:
        """A mapping, or a ``ComposerError`` at the second line of a key written twice:
        PyYAML keeps the last value and drops the other without a word (a conflict resolved
        by hand that kept both lines would lose one on the next save)."""
        node = super().compose_mapping_node(anchor)
        seen: set[str] = set()
        for key, _ in node.value:
            if isinstance(key, ScalarNode):
                if key.value in seen:
                    problem = f"{key.value!r} is written twice (keep one)"
                    raise ComposerError(None, None, problem, key.start_mark)
                seen.add(key.value)
        return node

    def construct_yaml_int(self, node: ScalarNode) -> int:
        """An integer, or a ``ConstructorError`` at its line for one of more digits than
        Python converts (``ValueError``: over 4300 digits), never an exception of another kind."""
        try:
            return int(super().construct_yaml_int(node))
        except ValueError:
            problem = "an integer with too many digits"
            raise ConstructorError(None, None, problem, node.start_mark) from None


BoundedSafeLoader.add_constructor(  # type: ignore[type-var]  # the stub's loaders only
    "tag:yaml.org,2002:int", BoundedSafeLoader.construct_yaml_int
)


def load_yaml(text: str) -> object:
    """The data of one YAML document; ``yaml.YAMLError`` (with its mark) when it does not read."""
    loader = BoundedSafeLoader(text)  # what yaml.load does (its stub takes only PyYAML's loaders)
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()


class Locations:
    """Where the lists and mappings of loaded data were in the text (1-based lines), so a
    value of the wrong shape can be reported at its line (``document.yaml``)."""

    def __init__(self) -> None:
        self.starts: dict[int, int] = {}  # id(list or dict) -> its first line
        # id -> the line of each value or item
        self.inner: dict[int, dict[object, int] | list[int]] = {}

    def line(self, container: object, key: object = None) -> int:
        """The line of ``container[key]`` (``key`` None: of ``container``); 1 if unknown."""
        inner = self.inner.get(id(container))
        if key is not None and isinstance(inner, dict) and key in inner:
            return inner[key]
        if isinstance(key, int) and isinstance(inner, list) and 0 <= key < len(inner):
            return inner[key]
        return self.starts.get(id(container), 1)


class LocatingLoader(BoundedSafeLoader):
    """``BoundedSafeLoader`` that notes each list's and mapping's lines in ``locations``."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.locations = Locations()

    def construct_object(self, node: Node, deep: bool = False) -> object:
        data = super().construct_object(node, deep)
        if isinstance(node, SequenceNode | MappingNode):
            self.locations.starts[id(data)] = node.start_mark.line + 1
            if isinstance(node, SequenceNode):
                self.locations.inner[id(data)] = [n.start_mark.line + 1 for n in node.value]
            else:
                self.locations.inner[id(data)] = {
                    k.value: v.start_mark.line + 1
                    for k, v in node.value
                    if isinstance(k, ScalarNode)
                }
        return data


def load_located(text: str) -> tuple[object, Locations]:
    """``load_yaml(text)`` and where its lists and mappings were."""
    loader = LocatingLoader(text)
    try:
        return loader.get_single_data(), loader.locations
    finally:
        loader.dispose()


class NoAliasSafeDumper(SafeDumper):
    """The safe dumper (libyaml's emitter), writing an object met twice out in full each
    time instead of as an anchor and an alias, which ``load_yaml`` refuses."""

    def ignore_aliases(self, data: object) -> bool:
        return True


def dump_yaml(data: object) -> str:
    """YAML as papernotes writes it: block style, readable Unicode, keys in their order."""
    return yaml.dump(
        data,
        Dumper=NoAliasSafeDumper,
        allow_unicode=True,
        sort_keys=False,
        width=4096,
        default_flow_style=False,
    )
