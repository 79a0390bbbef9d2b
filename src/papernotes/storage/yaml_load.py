"""PyYAML's safe loader with a bound on nesting: hostile YAML fails with a line, never a crash.

libyaml's parser keeps its nesting on the heap, but the composer PyYAML puts on top of it
(C or Python) recurses once per level: 50,000 ``[`` crash the C one (a segfault, not an
exception). Here libyaml's events are composed by PyYAML's Python ``Composer``, which
refuses to go deeper than ``MAX_DEPTH`` levels, so the recursion stays bounded whatever
the input. Imported only when a file needs PyYAML (the front matters papernotes writes
are read by ``frontmatter.py``).
"""

from __future__ import annotations

import yaml
from yaml.composer import Composer, ComposerError
from yaml.constructor import SafeConstructor
from yaml.resolver import Resolver

try:  # the wheels ship libyaml, about 10x faster than the pure-Python reader
    from yaml.cyaml import CParser as EventSource
except ImportError:  # pragma: no cover - depends on how PyYAML was built
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


class BoundedSafeLoader(Composer, EventSource, SafeConstructor, Resolver):
    """The safe loader (no tags that build Python objects) with nesting bounded."""

    def __init__(self, stream: str) -> None:
        EventSource.__init__(self, stream)
        Composer.__init__(self)
        SafeConstructor.__init__(self)
        Resolver.__init__(self)
        self.depth = 0

    def compose_node(self, parent, index):  # noqa: ANN001, ANN201 - PyYAML's signature
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH:
                mark = self.peek_event().start_mark
                raise ComposerError(None, None, f"nested more than {MAX_DEPTH} levels deep", mark)
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


def load_yaml(text: str) -> object:
    """The data of one YAML document; ``yaml.YAMLError`` (with its mark) when it does not read."""
    return yaml.load(text, Loader=BoundedSafeLoader)
