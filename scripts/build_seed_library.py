"""Rebuild the shipped ``notes/`` from the seed document and the verified arXiv facts.

    python scripts/build_seed_library.py SEED.md FACTS.tsv NOTES_DIR

Imports the document, then fills each paper's arXiv id, authors, canonical arXiv
title, first-version date and primary category from the facts file (no abstracts).
Citation keys are assigned last, once the authors are known (``he2021deberta``).
"""

from __future__ import annotations

import csv
import sys
from dataclasses import replace
from pathlib import Path

from papernotes.library import Library
from papernotes.library.bibtex_ops import assign_keys
from papernotes.model import normalize_title


def main(seed: Path, facts: Path, root: Path) -> None:
    library = Library(root)
    library.store.init()
    library.import_markdown(seed.read_text(encoding="utf-8"), str(seed))
    rows = list(
        csv.DictReader(
            (
                line
                for line in facts.read_text(encoding="utf-8").splitlines()
                if not line.startswith("#")
            ),
            delimiter="\t",
        )
    )
    for row in rows:
        wanted = normalize_title(row["title"])
        note = next(
            n
            for n in library.notes()
            if normalize_title(n.paper.title).replace(" ", "") == wanted.replace(" ", "")
            or normalize_title(n.paper.title).startswith(normalize_title(row["short"]) + " ")
        )
        library.save(
            note,
            replace(
                note.paper,
                arxiv=row["arxiv_id"],
                arxiv_title=row["title"],
                authors=tuple(a.strip() for a in row["authors"].split(";")),
                published=row["v1_date"],
                primary_category=row["primary"],
                categories=(row["primary"],),
                key="",  # the import gave a title-based key; the authors give the real one
            ),
        )
    assign_keys(library)


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]))
