"""``export --bib`` read by the real programs: bibtex (plain, unsrtnat), biber, pandoc.

Four libraries — the shipped one, the seed document imported, a hostile .bib imported and a
generated one of hundreds of papers without authors or by Chinese authors — are exported once
per test module; each client must read each export without a single warning or error and
list every key. Without the programs (see tests/real_clients.py) these tests are skipped.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest

from papernotes.formats.bibtex.venues import VenueTable
from papernotes.library import Library
from papernotes.library.bib_import import import_bibtex
from papernotes.library.bibtex_ops import export_bibtex
from papernotes.model import Paper
from tests.conftest import DATA, SEED_DOC, SHIPPED_NOTES
from tests.formats.test_bibtex_properties import SEED_BIB, TRICKY
from tests.real_clients import (
    ClientRun,
    authorless_document,
    chinese_author_bib,
    needs,
    run_biber,
    run_bibtex,
    run_pandoc,
)

VENUES = VenueTable()  # the built-in table: no user config in module-scoped fixtures
GENERATED_AUTHORLESS = 150  # 100 of them in 2021, 25 of those with the short title "Survey"
GENERATED_CHINESE = 150

CLIENTS = {
    "plain": (needs("bibtex"), lambda bib, work: run_bibtex(bib, "plain", work)),
    "unsrtnat": (needs("bibtex"), lambda bib, work: run_bibtex(bib, "unsrtnat", work)),
    "biber": (needs("pdflatex", "biber"), run_biber),
    "pandoc": (needs("pandoc"), run_pandoc),
}
LIBRARIES = ("shipped", "seed", "hostile", "generated", "published")


def hostile_bib() -> str:
    """The hostile .bib content of the importer's tests, in one file: macros, comments,
    duplicate keys, broken entries, odd years, LaTeX in titles and names, math, BOM and CRLF."""
    tricky = "\n".join(
        f"@misc{{tricky{i},\n  title = {{Tricky {piece} Title {i}}},\n"
        f"  author = {{{piece} Smith and Ann Lee}},\n  note = {{Says {piece}}},\n"
        f"  year = {{{1980 + i}}}\n}}\n"  # natbib tells only 26 "Smith and Lee (2020)" apart
        f"@inproceedings{{alone{i},\n  title = {{{piece}: Alone {i}}},\n"
        f"  booktitle = {{ICML}},\n  year = {{2019}}\n}}\n"
        for i, piece in enumerate(TRICKY)
    )
    maths = "\n".join(
        f"@article{{math{i},\n  title = {{{title}}},\n  author = {{Müller, Jürgen}},\n"
        f"  journal = {{JMLR}},\n  year = {{2022}},\n  pages = {{1--{i + 2}}},\n}}\n"
        for i, title in enumerate(
            [
                r"$\alpha$-Tuning of $k$-{NN} with $\ell_1$ and $\mathcal{O}(n^2)$ Costs",
                r"Costs $5 a day, or from $5 to $10",
                r"The {\"U}ber {\v{C}}ech {\AA}ngstr{\"o}m 100\% \& \#1",
            ]
        )
    )
    odd = (
        "@misc{../../etc/passwd, title = {Traversal}, year = 2021}\n"
        "@misc{yaml, title = {!!python/object/apply:os.system ['id']}, year = 2021}\n"
        "@misc{bigyear, title = {X}, year = {99999}}\n"
        "@misc{notitle, title = {}, year = 2021}\n"
        "@article{" + "{" * 50 + "}\n"
    )
    odd += (  # the hostile tester's: repeated field, LaTeX commands, @online, lone math brace
        "@misc{twice, title={First}, title={Second}, author={Doe, Jane}, year={2020}}\n"
        "@article{latex1, title={The {\\LaTeX} Companion \\url{http://a.b/c_d} {\\em x} 50\\,\\%"
        " {\\noop{a}}Sorted}, author={G, M}, journal={TUGboat}, year={1994}}\n"
        "@article{latex2, title={A {\\foo{Bar}} Thing}, author={G, M}, journal={J}, year={1995}}\n"
        "@online{web1, title={A Page}, author={Doe, Jane}, year={2020}, url={http://x.y},"
        " urldate={2020-01-01}}\n"
        "@misc{brace1, title={Open $\\{$ alone}, author={Doe, Jane}, year={2020}}\n"
        "@misc{brace2, title={Line {x \\\\} Break}, author={Doe, Jane}, year={2020}}\n"
    )
    hand = (DATA / "hand-written.bib").read_text(encoding="utf-8")
    return "\n".join(["\ufeff" + SEED_BIB.replace("\n", "\r\n"), hand, tricky, maths, odd])


def published_bib() -> str:
    """The shipped papers as ``papernotes venue`` leaves them: the published venues of
    ``tests/data/published-venues.tsv`` (full name, pages, DOI, a publisher) filled in."""
    import csv

    with (DATA / "published-venues.tsv").open(encoding="utf-8") as handle:
        facts = {row["arxiv"]: row for row in csv.DictReader(handle, delimiter="\t")}
    papers = []
    for note in Library(SHIPPED_NOTES).notes():
        fact = facts.get(note.paper.arxiv, {})
        paper = note.paper
        if fact.get("venue"):
            paper = replace(
                paper,
                venue=fact["venue"],
                venue_full=fact["venue_full"],
                pages=fact["pages"],
                doi=fact["doi"] or paper.doi,
                publisher="Association for Computational Linguistics" if fact["doi"] else "",
                venue_source="dblp",
            )
        papers.append(paper)
    from papernotes.formats.bibtex.write import render_bibliography

    return render_bibliography(papers, venues=VENUES)


def _export(root: Path) -> str:
    library = Library(root)
    text, _ = export_bibtex(library, library.notes(), venues=VENUES)
    return text


def _build(name: str, folder: Path) -> Path:
    """The export of library ``name``, written to ``folder/name.bib``."""
    root = folder / name
    if name == "shipped":
        text = _export(SHIPPED_NOTES)
    elif name == "published":
        text = published_bib()
    else:
        root.mkdir(parents=True)
        library = Library(root)
        if name == "seed":
            library.import_markdown(SEED_DOC.read_text(encoding="utf-8"), str(SEED_DOC))
        elif name == "hostile":
            import_bibtex(library, hostile_bib(), "hostile.bib", venues=VENUES)
        else:
            library.import_markdown(authorless_document(GENERATED_AUTHORLESS), "generated.md")
            bib = chinese_author_bib(GENERATED_CHINESE)
            import_bibtex(Library(root), bib, "generated.bib", venues=VENUES)
        text = _export(root)
    out = folder / f"{name}.bib"
    out.write_text(text, encoding="utf-8")
    return out


@pytest.fixture(scope="module")
def bib_files(tmp_path_factory) -> dict[str, Path]:
    """Each library's export, built once for the module (in its own temporary folders)."""
    folder = tmp_path_factory.mktemp("bib-real-clients")
    with pytest.MonkeyPatch.context() as patch:
        for variable in ("HOME", "XDG_CACHE_HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME"):
            patch.setenv(variable, str(folder / "home"))
        return {name: _build(name, folder) for name in LIBRARIES}


@pytest.fixture(scope="module")
def client_runs(bib_files, tmp_path_factory):
    """Run a client on a library's export once per module: ``client_runs(client, library)``."""
    done: dict[tuple[str, str], ClientRun] = {}
    folder = tmp_path_factory.mktemp("client-runs")

    def get(client: str, library: str) -> ClientRun:
        if (client, library) not in done:
            done[client, library] = CLIENTS[client][1](
                bib_files[library], folder / f"{library}-{client}"
            )
        return done[client, library]

    return get


def keys_of(bib: Path) -> set[str]:
    return set(re.findall(r"^@\w+\{([^,]+),$", bib.read_text(encoding="utf-8"), re.M))


def text_of(html: str) -> str:
    """pandoc's HTML without its tags (it splits ``{{GPT}3}`` into spans)."""
    return re.sub(r"<[^>]*>", "", html)


def printed(text: str) -> str:
    """A .bbl's text with the case-protecting braces and line breaks gone."""
    return " ".join(text.replace("{", "").replace("}", "").split())


@pytest.mark.slow
@pytest.mark.parametrize("library", LIBRARIES)
@pytest.mark.parametrize(
    "client", [pytest.param(name, marks=mark) for name, (mark, _run) in CLIENTS.items()]
)
def test_every_real_client_reads_the_export_without_a_warning_and_lists_every_key(
    client, library, bib_files, client_runs
):
    run = client_runs(client, library)
    assert run.complaints == [], f"{run.program} on {library}.bib:\n" + "\n".join(run.complaints)
    expected = keys_of(bib_files[library])
    least = {"shipped": 8, "seed": 8, "hostile": 60, "generated": 300, "published": 8}
    assert len(expected) >= least[library]
    assert run.keys == expected


@needs("bibtex")
def test_natbib_labels_papers_without_authors_by_distinct_short_titles(client_runs, bib_files):
    """100 papers without authors in 2021 (25 of them "Survey: …") need no a–z suffixes."""
    bbl = client_runs("unsrtnat", "generated").output
    labels = re.findall(r"^\\bibitem\[(.*?)\]\{", bbl, re.M | re.S)
    authorless = [label for label in labels if label.endswith("()")]
    assert len(authorless) == GENERATED_AUTHORLESS
    assert len(set(authorless)) == len(authorless)
    seed = client_runs("unsrtnat", "seed").output
    assert "\\bibitem[{NEZHA}()]{nezha2021neural}" in seed
    assert "\\bibitem[{Mengzi}()]{mengzi2021lightweight}" in seed
    text = bib_files["generated"].read_text(encoding="utf-8")
    assert "key = {{Survey}}," not in text  # shared by 25 papers: their whole titles instead
    assert text.count("key = {{Survey}: ") == 25


@needs("bibtex")
def test_plain_prints_the_capitals_of_the_seed_titles_as_written(client_runs):
    shipped = printed(client_runs("plain", "shipped").output)
    assert "NEZHA: Neural Contextualized Representation for Chinese Language Understanding" in (
        shipped
    )
    assert "Mengzi: Towards Lightweight yet Ingenious Pre-trained Models for Chinese" in shipped
    assert "DeBERTa: Decoding-enhanced BERT with Disentangled Attention" in shipped
    seed = printed(client_runs("plain", "seed").output)
    # ALL CAPS as written: papernotes does not guess which words are acronyms
    assert "DEBERTA: DECODING-ENHANCED BERT WITH DISENTANGLED ATTENTION" in seed
    assert "ALBERT: A LITE BERT FOR SELF-SUPERVISED LEARNING OF LANGUAGE REPRESENTATIONS" in seed
    assert "chinese" not in shipped + seed


@needs("pandoc")
def test_pandoc_prints_capitals_mixed_with_digits_as_written(client_runs):
    html = text_of(client_runs("pandoc", "seed").output)
    assert "DEBERTAV3" in html and "Debertav3" not in html
    generated = text_of(client_runs("pandoc", "generated").output)
    for word in ("GPT3", "3D", "T5X"):
        assert word in generated
    assert not re.search(r"\b(Gpt3|3d|T5x)\b", generated)


@needs("pandoc")
def test_pandoc_keeps_the_arxiv_link_of_every_arxiv_paper(client_runs):
    html = client_runs("pandoc", "shipped").output
    for note in Library(SHIPPED_NOTES).notes():
        assert f'href="https://arxiv.org/abs/{note.paper.arxiv}"' in html


@needs("pdflatex", "biber")
def test_biblatex_gets_the_eprint_and_the_url_of_arxiv_papers(client_runs):
    bbl = client_runs("biber", "shipped").output
    entries = re.split(r"\\entry\{", bbl)[1:]
    assert len(entries) == 8
    for entry in entries:
        eprint = re.search(r"\\verb\{eprint\}\s+\\verb (\S+)", entry).group(1)
        assert "\\field{eprinttype}{arXiv}" in entry
        assert f"\\verb https://arxiv.org/abs/{eprint}" in entry


@needs("pdflatex", "biber")
def test_biblatex_labels_a_paper_without_authors_by_its_short_title(client_runs):
    bbl = client_runs("biber", "seed").output
    nezha = bbl.split("\\entry{nezha2021neural}")[1].split("\\endentry")[0]
    assert "\\field{labeltitlesource}{shorttitle}" in nezha
    assert "\\field{shorttitle}{{NEZHA}}" in nezha


def test_a_paper_without_authors_comes_back_from_its_bib_with_its_venue(empty_library, tmp_path):
    """The @misc an author-less ICLR paper becomes is read back as that ICLR paper, so it is
    an @inproceedings again once it has authors."""
    library = Library(empty_library)
    library.add(Paper(title="DEBERTA: DECODING-ENHANCED BERT", year=2021, venue="ICLR"))
    text = _export(empty_library)
    assert text.startswith("@misc{deberta2021decoding,\n")
    again = tmp_path / "again"
    again.mkdir()
    import_bibtex(Library(again), text, "refs.bib", venues=VENUES)
    (note,) = Library(again).notes()
    assert note.paper.venue == "ICLR" and note.paper.extra == ()
    assert _export(again) == text
    Library(again).save(note, replace(note.paper, authors=("Pengcheng He",)))
    assert _export(again).startswith("@inproceedings{deberta2021decoding,\n")


@needs("bibtex", "pdflatex", "biber")
def test_a_lone_escaped_brace_in_title_math_is_balanced_for_bibtex_and_biber_and_reads_back(
    empty_library, tmp_path
):
    titles = [r"Open $\{$ alone", r"Close $\}$ alone", r"Pair $\{x\}$ kept"]
    library = Library(empty_library)
    for title in titles:
        library.add(Paper(title=title, year=2020, authors=("Jane Doe",)))
    text, _ = export_bibtex(library, library.notes(), venues=VENUES)
    assert r"$\lbrace{}$" in text and r"$\rbrace{}$" in text and r"$\{x\}$" in text
    bib = tmp_path / "math.bib"
    bib.write_text(text, encoding="utf-8")
    for client in (run_bibtex(bib, "plain", tmp_path / "plain"), run_biber(bib, tmp_path / "bbr")):
        assert client.complaints == [], (client.program, client.complaints)
        assert len(client.keys) == 3, client.program
    again = tmp_path / "again"
    again.mkdir()
    import_bibtex(Library(again), text, "math.bib", venues=VENUES)
    assert sorted(n.paper.title for n in Library(again).notes()) == sorted(titles)


@needs("bibtex")
def test_plain_prints_the_published_venue_pages_and_doi_of_a_published_preprint(
    client_runs, bib_files
):
    text = bib_files["published"].read_text(encoding="utf-8")
    tinybert = text[text.index("@inproceedings{jiao2020tinybert") :].split("\n}\n")[0]
    assert (
        "booktitle = {Findings of the Association for Computational Linguistics: EMNLP 2020}"
        in (tinybert)
    )
    assert "pages = {4163--4174}" in tinybert
    assert "doi = {10.18653/v1/2020.findings-emnlp.372}" in tinybert
    assert "eprint = {1909.10351}" in tinybert  # the arXiv version stays citable
    bbl = printed(client_runs("plain", "published").output)
    assert "Findings of the Association for Computational Linguistics: EMNLP 2020" in bbl
    assert "pages 4163--4174" in bbl
    assert "Advances in Neural Information Processing Systems 32 (NeurIPS 2019)" in bbl
