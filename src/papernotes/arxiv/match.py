"""Finding a paper on arXiv by its title: the queries to send and how candidates are scored.

score = 0.85 × title similarity + 0.15 × year closeness, both 0–100:
- title similarity is rapidfuzz's ``fuzz.ratio`` of the two titles after ``normalize_title``
  (case, accents, punctuation and spacing ignored);
- year closeness is 100 when the note's year is the arXiv year or up to one year later
  (the usual conference delay), and 25 less for every year further off.
A candidate is linked automatically when its score is at least ``AUTO_LINK_SCORE``, its title
similarity at least ``AUTO_LINK_TITLE``, and no other arXiv paper scores within
``AUTO_LINK_MARGIN`` of it. Anything less is listed for the user to decide.
"""

from __future__ import annotations

from dataclasses import dataclass

from papernotes.model import Paper, normalize_title

AUTO_LINK_SCORE = 90.0
AUTO_LINK_TITLE = 90.0
AUTO_LINK_MARGIN = 5.0
TITLE_WEIGHT = 0.85
MAX_QUERY_WORDS = 8
_STOP_WORDS = frozenset(
    {"a", "an", "and", "are", "as", "at", "by", "for", "from", "in", "is", "of", "on", "or"}
    | {"the", "to", "via", "with"}
)


@dataclass(frozen=True)
class Candidate:
    """An arXiv paper that may be the one a note is about, with its scores (0–100)."""

    paper: Paper
    score: float
    title_score: float

    @property
    def arxiv(self) -> str:
        return self.paper.arxiv


def title_similarity(a: str, b: str) -> float:
    """0–100; 100 when the titles differ only in case, accents, punctuation or spacing."""
    from rapidfuzz import fuzz

    return float(fuzz.ratio(normalize_title(a), normalize_title(b)))


def year_closeness(note_year: int, arxiv_year: int) -> float:
    """100 within [arXiv year, arXiv year + 1]; 25 less per year outside it, down to 0."""
    if arxiv_year <= note_year <= arxiv_year + 1:
        return 100.0
    off = arxiv_year - note_year if note_year < arxiv_year else note_year - arxiv_year - 1
    return max(0.0, 100.0 - 25.0 * off)


def score(note: Paper, found: Paper) -> Candidate:
    title = title_similarity(note.title, found.arxiv_title or found.title)
    year = year_closeness(note.year, found.year)
    total = TITLE_WEIGHT * title + (1 - TITLE_WEIGHT) * year
    return Candidate(found, round(total, 1), round(title, 1))


def rank(note: Paper, found: list[Paper]) -> list[Candidate]:
    """One candidate per arXiv id, best first."""
    best: dict[str, Candidate] = {}
    for paper in found:
        candidate = score(note, paper)
        if paper.arxiv not in best or candidate.score > best[paper.arxiv].score:
            best[paper.arxiv] = candidate
    return sorted(best.values(), key=lambda c: (-c.score, c.arxiv))


def sure_match(ranked: list[Candidate]) -> Candidate | None:
    """The candidate to link without asking, or None when a person has to decide."""
    if not ranked:
        return None
    best = ranked[0]
    if best.score < AUTO_LINK_SCORE or best.title_score < AUTO_LINK_TITLE:
        return None
    if len(ranked) > 1 and best.score - ranked[1].score < AUTO_LINK_MARGIN:
        return None
    return best


def why_unsure(ranked: list[Candidate]) -> str:
    """One clause saying why ``sure_match`` declined."""
    if not ranked:
        return "arXiv has no paper with a similar title"
    best = ranked[0]
    if best.score < AUTO_LINK_SCORE or best.title_score < AUTO_LINK_TITLE:
        return (
            f"the best candidate scores {best.score:g} (title {best.title_score:g}), "
            f"below the auto-link threshold of {AUTO_LINK_SCORE:g}"
        )
    return (
        f"{best.arxiv} and {ranked[1].arxiv} score within {AUTO_LINK_MARGIN:g} points "
        f"({best.score:g} and {ranked[1].score:g})"
    )


def title_queries(title: str) -> list[str]:
    """arXiv title searches to try in turn until one finds something.

    First every significant word (``ti:a AND ti:b …``), which tolerates word order and
    punctuation; then, for a ``Name: subtitle`` title, the name alone, which survives a typo
    in the subtitle.
    """
    queries = []
    words = [w for w in normalize_title(title).split() if w not in _STOP_WORDS]
    words = list(dict.fromkeys(words))[:MAX_QUERY_WORDS]
    if words:
        queries.append(" AND ".join(f"ti:{w}" for w in words))
    head = normalize_title(title.split(":", 1)[0]) if ":" in title else ""
    if head and head != " ".join(words):
        phrase = f'ti:"{head}"' if " " in head else f"ti:{head}"
        if phrase not in queries:
            queries.append(phrase)
    return queries
