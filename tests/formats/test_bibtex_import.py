"""``papernotes import FILE.bib``: new notes, merges, broken entries, and the round trip."""

from __future__ import annotations

import re
from pathlib import Path

from papernotes.formats.bibtex.venues import VenueTable
from papernotes.library import Library
from papernotes.library.bib_import import import_bibtex
from papernotes.model import Paper
from tests.helpers import folder_bytes, run
from tests.real_clients import needs, run_biber, run_bibtex

HAND_WRITTEN = Path(__file__).resolve().parents[1] / "data" / "hand-written.bib"


def write_bib(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "in.bib"
    path.write_text(text, encoding="utf-8")
    return path


def test_export_then_import_into_an_empty_library_then_export_gives_identical_bytes(
    seed_library, tmp_path
):
    empty_library = tmp_path / "empty"
    empty_library.mkdir()
    first = tmp_path / "first.bib"
    assert run(seed_library, "export", "--bib", "-o", str(first)).exit_code == 0
    result = run(empty_library, "import", str(first))
    assert result.exit_code == 0, result.output
    assert result.stdout.strip().endswith("8 added, 0 merged, 0 skipped.")
    second = run(empty_library, "export", "--bib")
    assert second.stdout == first.read_text(encoding="utf-8")


def test_a_hand_written_bib_imports_its_valid_entries_and_reports_both_problems(empty_library):
    result = run(empty_library, "import", str(HAND_WRITTEN))
    assert result.exit_code == 0, result.output
    assert (
        result.stdout.strip().splitlines()[-1]
        == "3 added, 0 merged, 2 skipped, 2 problem(s) reported."
    )
    warnings = result.stderr
    assert f"{HAND_WRITTEN}:28: cannot parse entry 'broken2022'" in warnings
    assert f"{HAND_WRITTEN}:33: duplicate key 'liu2021chinese' (first at line 22)" in warnings
    assert "Parsing of" not in warnings  # bibtexparser's own log lines are not shown

    library = Library(empty_library)
    emnlp = library.find("marasovic2020natural").paper
    assert emnlp.title == (
        "Natural Language Rationales with Full-Stack Visual Reasoning: "
        "From Pixels to Semantic Frames"
    )
    assert emnlp.authors[0] == "Ana Marasović"
    assert emnlp.authors[-1] == "Ronan Le Bras"
    assert emnlp.venue == "EMNLP"  # "Proceedings of the " # emnlp, resolved and recognised
    assert emnlp.year == 2020

    tacl = library.find("sun2021chinesebert").paper
    assert tacl.title == "ChineseBERT: Chinese Pretraining Enhanced by Glyph and Pinyin Information"
    assert tacl.authors == ("孙子钧", "Xiaoya Li", "Jürgen Müller")
    assert tacl.venue == "TACL" and tacl.doi == "10.1162/tacl_a_00001"

    chinese = library.find("liu2021chinese")
    assert chinese.paper.title == "中文预训练语言模型综述"
    assert chinese.paper.authors == ("刘知远",)
    assert chinese.path.startswith("2021/")
    assert "A second entry" not in "".join(n.paper.title for n in library.notes())


def test_import_keeps_fields_it_cannot_place_and_exports_them_again(empty_library):
    run(empty_library, "import", str(HAND_WRITTEN))
    text = run(empty_library, "export", "--bib", "marasovic2020natural").stdout
    assert "pages = {2810--2829}" in text
    assert "booktitle = {Conference on Empirical Methods in Natural Language Processing}" in text
    assert r"Marasovi{\'c}" in run(empty_library, "export", "--bib", "--ascii").stdout


def test_dry_run_writes_nothing_and_says_what_would_happen(seed_library):
    before = folder_bytes(seed_library)
    result = run(seed_library, "import", str(HAND_WRITTEN), "--dry-run")
    assert result.exit_code == 0, result.output
    assert "would add: 2020: Natural Language Rationales" in result.stdout
    assert result.stdout.strip().splitlines()[-1].startswith("Dry run: 3 added, 0 merged")
    assert folder_bytes(seed_library) == before


def test_an_entry_is_merged_into_the_note_with_the_same_arxiv_id(seed_library, tmp_path):
    bib = write_bib(
        tmp_path,
        "@article{whatever2019,\n"
        "  title = {Some Other Title Entirely},\n"
        "  journal = {arXiv preprint arXiv:1906.08237},\n"
        "  year = {2019},\n"
        "  doi = {10.5555/xlnet},\n"
        "  pages = {1--10},\n"
        "}\n",
    )
    result = run(seed_library, "import", str(bib))
    assert result.stdout.strip().splitlines()[-1] == "0 added, 1 merged, 0 skipped."
    library = Library(seed_library)
    assert len(library.notes()) == 8
    xlnet = library.find("yang2019xlnet").paper
    assert xlnet.doi == "10.5555/xlnet"  # the gap is filled
    assert xlnet.key == "yang2019xlnet"  # the key stays
    assert xlnet.title.startswith("XLNet")  # what the user wrote wins
    assert xlnet.venue == ""


def test_an_entry_is_merged_by_normalised_title_without_a_duplicate(seed_library, tmp_path):
    bib = write_bib(
        tmp_path,
        "@inproceedings{Lan2020ALBERT,\n"
        "  title = {{ALBERT}: a lite {BERT} for self-supervised learning of language "
        "representations},\n"
        "  booktitle = {Proceedings of the 8th International Conference on Learning "
        "Representations (ICLR 2020)},\n"
        "  year = {2020},\n"
        "  url = {https://openreview.net/forum?id=H1eA7AEtvS},\n"
        "}\n",
    )
    result = run(seed_library, "import", str(bib))
    assert "merged: 2020/albert.md (fills in missing fields)" in result.stdout
    library = Library(seed_library)
    assert len(library.notes()) == 8
    albert = library.find("lan2020albert").paper
    assert albert.key == "lan2020albert"
    assert dict(albert.extra)["bibtex"] == {"url": "https://openreview.net/forum?id=H1eA7AEtvS"}
    again = run(seed_library, "import", str(bib))
    assert "merged: 2020/albert.md (nothing new)" in again.stdout


def test_the_same_paper_twice_in_one_file_is_added_once(empty_library, tmp_path):
    entry = (
        "@misc{{{key},\n  title = {{Same Paper}},\n  year = {{2020}},\n"
        "  eprint = {{2001.00001}},\n}}\n"
    )
    bib = write_bib(tmp_path, entry.format(key="a2020") + entry.format(key="b2020"))
    report = import_bibtex(Library(empty_library), bib.read_text(), "in.bib", venues=VenueTable())
    assert len(report.added) == 1 and len(report.skipped) == 1
    assert "is the same paper as entry 'a2020'" in report.problems[0].message
    assert report.problems[0].line == 6


def test_an_imported_key_already_used_by_another_paper_gets_a_fresh_one(seed_library, tmp_path):
    bib = write_bib(
        tmp_path,
        "@misc{he2021deberta,\n  title = {A Different Paper},\n  author = {He, Pengcheng},\n"
        "  year = {2021},\n}\n",
    )
    result = run(seed_library, "import", str(bib))
    assert "'he2021deberta' is already used in the library; the paper gets 'he2021different'" in (
        result.stderr
    )
    assert Library(seed_library).find("he2021different").paper.title == "A Different Paper"


def test_entries_without_title_or_year_are_skipped_with_their_line(empty_library, tmp_path):
    bib = write_bib(
        tmp_path, "@misc{ok,\n title={Fine},\n year={2020}}\n\n@misc{noyear,\n title={X}}\n"
    )
    result = run(empty_library, "import", str(bib))
    assert f"{bib}:5: entry 'noyear' has no year; skipped" in result.stderr
    assert result.stdout.strip().splitlines()[-1].startswith("1 added, 0 merged, 1 skipped")


def test_a_misc_venue_and_an_arxiv_venue_survive_the_round_trip(empty_library, tmp_path):
    library = Library(empty_library)
    library.add(Paper(title="A Preprint", year=2020, venue="arXiv", arxiv="2001.00002"))
    library.add(Paper(title="No Venue", year=2020, arxiv="2001.00003"))
    library.add(Paper(title="A DBLP Preprint", year=2020, venue="CoRR"))
    library.add(
        Paper(
            title="A Blog Post",
            year=2020,
            venue="Some Blog",
            extra=(("bibtex", {"entry_type": "misc"}),),
        )
    )
    first = run(empty_library, "export", "--bib").stdout
    assert "howpublished = {Some Blog}" in first
    assert "howpublished = {arXiv}" in first and "howpublished = {CoRR}" in first
    assert first.count("howpublished") == 3  # the paper without a venue has none
    again = tmp_path / "again"
    again.mkdir()
    run(again, "import", str(write_bib(tmp_path, first)))
    venues = {n.paper.title: n.paper.venue for n in Library(again).notes()}
    assert venues == {
        "A Preprint": "arXiv",
        "No Venue": "",
        "A DBLP Preprint": "CoRR",
        "A Blog Post": "Some Blog",
    }
    assert run(again, "export", "--bib").stdout == first


# -- CJK names, and the fields a round trip keeps: code, tags, notes ---------------------------


def test_a_braced_cjk_name_and_an_older_family_comma_given_name_read_back_as_written(
    empty_library, tmp_path
):
    bib = write_bib(
        tmp_path,
        "@misc{a,\n  title = {A},\n  author = {{魏俊秋} and {山田太郎} and {김연아} and "
        "{Google Research} and Wei, Junqiu and {山田 太郎}},\n  year = {2019}\n}\n\n"
        "@misc{b,\n  title = {B},\n  author = {魏, 俊秋 and 欧阳, 修 and 刘知远},\n"
        "  year = {2019}\n}\n",
    )
    assert run(empty_library, "import", str(bib)).exit_code == 0
    library = Library(empty_library)
    assert library.find("a").paper.authors == (
        "魏俊秋",
        "山田太郎",
        "김연아",
        "{Google Research}",
        "Junqiu Wei",
        "山田 太郎",
    )
    assert library.find("b").paper.authors == ("魏俊秋", "欧阳修", "刘知远")
    out = run(empty_library, "export", "--bib").stdout
    assert "author = {{魏俊秋} and {欧阳修} and {刘知远}}" in out


def test_code_tags_venue_arxiv_and_notes_survive_export_with_notes_and_import(
    empty_library, tmp_path
):
    library = Library(empty_library)
    library.add(
        Paper(
            title="Don't Stop Pretraining",
            year=2020,
            venue="arXiv",
            arxiv="2004.10964",
            code="https://github.com/allenai/dont-stop-pretraining_%20#x",
            authors=("Suchin Gururangan", "魏俊秋"),
            tags=("pretraining", "domain, task", "{braced}", "C:\\path"),
            notes=("first line\nsecond line", "2. looks numbered", "100% & $x$ ~ {ok}"),
        )
    )
    library.add(Paper(title="A Plain One", year=2021, venue="ICLR", code="see {paper}"))
    before = {n.paper.key: n.paper for n in Library(empty_library).notes()}
    first = run(empty_library, "export", "--bib", "--with-notes").stdout
    assert "@misc{gururangan2020dont," in first
    assert (
        "keywords = {pretraining, {domain, task}, \\{braced\\}, C:\\textbackslash{}path}" in first
    )
    assert "verba = {https://github.com/allenai/dont-stop-pretraining_%20#x}" in first
    assert "annote = {1. first line\n   second line\n2. 2. looks numbered\n3. 100\\%" in first
    again = tmp_path / "again"
    again.mkdir()
    assert run(again, "import", str(write_bib(tmp_path, first))).exit_code == 0
    after = {n.paper.key: n.paper for n in Library(again).notes()}
    assert after.keys() == before.keys()
    for key, paper in before.items():
        back = after[key]
        assert (back.title, back.year, back.venue, back.arxiv, back.code) == (
            paper.title,
            paper.year,
            paper.venue,
            paper.arxiv,
            paper.code,
        )
        assert (back.authors, back.tags, back.notes) == (paper.authors, paper.tags, paper.notes)
    assert run(again, "export", "--bib", "--with-notes").stdout == first


def test_keywords_verba_and_a_wrapped_annote_from_another_tool_become_tags_code_and_notes(
    empty_library, tmp_path
):
    bib = write_bib(
        tmp_path,
        "@article{x,\n  title = {X},\n  journal = {JMLR},\n  year = {2020},\n"
        "  keywords = {nlp,  transfer learning ,{a, b},},\n"
        "  verba = {https://github.com/x/y},\n"
        "  annote = {A long remark that\n             wraps here.\n"
        "Another remark.}\n}\n",
    )
    assert run(empty_library, "import", str(bib)).exit_code == 0
    paper = Library(empty_library).find("x").paper
    assert paper.tags == ("nlp", "transfer learning", "a, b")
    assert paper.code == "https://github.com/x/y"
    assert paper.notes == ("A long remark that\nwraps here.", "Another remark.")


def test_a_merge_fills_missing_tags_and_code_and_keeps_the_notes_own():
    from papernotes.library.bib_import import merge_entry

    incoming = Paper(title="T", year=2020, code="https://b", tags=("b",))
    assert merge_entry(Paper(title="T", year=2020), incoming, set()).tags == ("b",)
    assert merge_entry(Paper(title="T", year=2020), incoming, set()).code == "https://b"
    mine = Paper(title="T", year=2020, code="https://a", tags=("a",))
    merged = merge_entry(mine, incoming, set())
    assert (merged.code, merged.tags) == ("https://a", ("a",))


# -- arXiv preprints filed as @article (Google Scholar), and what a merge may change ------------

SCHOLAR_PREPRINT = (
    "@article{{{key},\n"
    "  title={{{title}}},\n"
    "  author={{Wei, Junqiu and Ren, Xiaozhe}},\n"
    "  journal={{arXiv preprint arXiv:{arxiv}}},\n"
    "  year={{{year}}}\n"
    "}}\n"
)


def test_a_scholar_arxiv_article_is_imported_and_exported_as_a_misc_preprint(
    empty_library, tmp_path
):
    bib = write_bib(
        tmp_path,
        SCHOLAR_PREPRINT.format(
            key="doe2021brand", title="A Brand New Paper", arxiv="2101.00001", year=2021
        ),
    )
    assert run(empty_library, "import", str(bib)).exit_code == 0
    (note,) = Library(empty_library).notes()
    assert "entry_type" not in dict(note.paper.extra).get("bibtex", {})
    out = run(empty_library, "export", "--bib").stdout
    assert out.startswith("@misc{doe2021brand,\n"), out
    assert "journal" not in out and "eprint = {2101.00001}" in out


def test_merging_a_scholar_arxiv_article_keeps_nezha_a_misc(seed_library, tmp_path):
    before = run(seed_library, "export", "--bib", "nezha").stdout
    bib = write_bib(
        tmp_path,
        SCHOLAR_PREPRINT.format(
            key="wei2019nezha",
            title="NEZHA: Neural contextualized representation for chinese language understanding",
            arxiv="1909.00204",
            year=2019,
        ),
    )
    assert run(seed_library, "import", str(bib)).exit_code == 0
    after = run(seed_library, "export", "--bib", "nezha").stdout
    assert after.startswith("@misc{wei2021nezha,\n"), after
    assert after == before


def test_a_merge_never_changes_the_entry_type_of_an_existing_note(seed_library, tmp_path):
    bib = write_bib(
        tmp_path,
        "@misc{blog,\n  title = {Whatever},\n  howpublished = {Some Blog},\n"
        "  eprint = {2006.03654},\n  year = {2021},\n}\n\n"
        "@techreport{tr,\n  title = {Other},\n  institution = {Huawei},\n"
        "  eprint = {1909.00204},\n  year = {2019},\n}\n",
    )
    result = run(seed_library, "import", str(bib))
    assert result.stdout.strip().splitlines()[-1] == "0 added, 2 merged, 0 skipped."
    out = run(seed_library, "export", "--bib", "deberta", "nezha").stdout
    assert "@inproceedings{he2021deberta," in out  # ICLR, as the user wrote
    assert "@misc{wei2021nezha," in out  # no venue: a preprint, not a tech report
    assert "howpublished = {Some Blog}" not in out
    for name in ("deberta", "nezha"):
        extra = dict(Library(seed_library).find(name).paper.extra).get("bibtex", {})
        assert "entry_type" not in extra


def test_merge_entry_fills_gaps_but_never_the_entry_type():
    from papernotes.library.bib_import import merge_entry

    old = Paper(title="T", year=2020, venue="", extra=(("bibtex", {"pages": "1--2"}),))
    new = Paper(
        title="T",
        year=2020,
        venue="Some Blog",
        doi="10.1/x",
        extra=(("bibtex", {"entry_type": "misc", "volume": "3"}),),
    )
    merged = merge_entry(old, new, set())
    assert dict(merged.extra)["bibtex"] == {"pages": "1--2", "volume": "3"}
    assert merged.doi == "10.1/x"
    assert merged.venue == ""  # that venue only meant something as a @misc's howpublished
    conference = Paper(title="T", year=2020, venue="ICLR")
    assert merge_entry(old, conference, set()).venue == "ICLR"  # a plain gap is filled


# -- math in titles ---------------------------------------------------------------------------


def test_math_in_a_title_is_kept_on_import_and_written_back_verbatim(empty_library, tmp_path):
    bib = write_bib(
        tmp_path,
        "@inproceedings{uber2021,\n"
        '  title = {The {\\"U}ber: $\\alpha$-Tuning of $k$-{NN} with $\\ell_1$ and '
        "$\\mathcal{O}(n^2)$ Costs},\n"
        "  booktitle = {ICML},\n"
        "  year = {2021},\n"
        "}\n",
    )
    assert run(empty_library, "import", str(bib)).exit_code == 0
    (note,) = Library(empty_library).notes()
    assert note.paper.title == (
        "The Über: $\\alpha$-Tuning of $k$-NN with $\\ell_1$ and $\\mathcal{O}(n^2)$ Costs"
    )
    first = run(empty_library, "export", "--bib").stdout
    assert (
        "title = {{The Über}: $\\alpha$-{Tuning} of $k$-{NN} with $\\ell_1$ and "
        "$\\mathcal{O}(n^2)$ {Costs}}" in first
    ), first
    again = tmp_path / "again"
    again.mkdir()
    assert run(again, "import", str(write_bib(tmp_path, first))).exit_code == 0
    assert Library(again).notes()[0].paper.title == note.paper.title
    assert run(again, "export", "--bib").stdout == first


def test_a_dollar_that_is_not_math_is_still_escaped(empty_library):
    library = Library(empty_library)
    for title in ("Training costs $5 a day", "From $5 to $10 per hour", "Odd $ sign"):
        library.add(Paper(title=title, year=2020))
    out = run(empty_library, "export", "--bib").stdout
    assert "title = {{Training} costs \\$5 a day}" in out
    assert "title = {{From} \\$5 to \\$10 per hour}" in out
    assert "title = {{Odd} \\$ sign}" in out
    import_back = empty_library.parent / "back"
    import_back.mkdir()
    bib = empty_library.parent / "out.bib"
    bib.write_text(out, encoding="utf-8")
    run(import_back, "import", str(bib))
    titles = {n.paper.title for n in Library(import_back).notes()}
    assert titles == {"Training costs $5 a day", "From $5 to $10 per hour", "Odd $ sign"}


def test_an_escaped_brace_before_a_hash_is_not_a_concatenation(empty_library):
    library = Library(empty_library)
    library.add(Paper(title="Closing } # and { opening", year=2020))
    library.add(Paper(title="}#", year=2021))
    text = run(empty_library, "export", "--bib").stdout
    back = empty_library.parent / "back"
    back.mkdir()
    bib = empty_library.parent / "out.bib"
    bib.write_text(text, encoding="utf-8")
    assert run(back, "import", str(bib)).exit_code == 0
    assert {n.paper.title for n in Library(back).notes()} == {"Closing } # and { opening", "}#"}


def test_month_macros_are_written_back_as_macros(empty_library, tmp_path):
    bib = write_bib(
        tmp_path,
        "@article{a2020,\n  title = {First},\n  journal = {JMLR},\n  year = {2020},\n"
        "  month = jun,\n}\n\n"
        "@article{b2020,\n  title = {Second},\n  journal = {JMLR},\n  year = {2020},\n"
        "  month = {Summer},\n}\n",
    )
    assert run(empty_library, "import", str(bib)).exit_code == 0
    first = run(empty_library, "export", "--bib").stdout
    assert re.search(r"^  month = jun,?$", first, re.M), first
    assert "month = {jun}" not in first
    assert re.search(r"^  month = \{Summer\},?$", first, re.M), first
    again = tmp_path / "again"
    again.mkdir()
    assert run(again, "import", str(write_bib(tmp_path, first))).exit_code == 0
    assert run(again, "export", "--bib").stdout == first


STRAY_ATS = """@article{ok1, title = {Kept One}, journal = {TACL}, year = 2020}
@misc a3, title = {No Brace}, year = 2020}
@artİcle{a4, title = {Dotted Capital I}, year = 2020}
@comment{jabref-meta: databaseType:bibtex;}
@Comment this line is BibTeX's comment command
@string{tacl = "Transactions of the ACL"}
@preamble{"\\newcommand{\\noopsort}[1]{}"}
@misc{ok2, title = {Kept Two}, year = 2021,
  abstract = {Write to
@alice.example.org for the data.}}
@ {a8, title = {No Type}, year = 2020}
@12abc{a9, title = {Digit First}, year = 2020}
   @oops, this is not an entry either
@commentary{c1, title = {Read As A Comment}, year = 2020}
@
"""


def test_every_at_at_a_line_start_that_is_no_entry_is_reported_with_its_line_and_skipped(
    empty_library, tmp_path
):
    bib = write_bib(tmp_path, STRAY_ATS)
    result = run(empty_library, "import", str(bib))
    assert result.exit_code == 0, result.output
    reported = sorted(
        int(line.split(":")[-2]) for line in re.findall(rf"{bib}:\d+:", result.stderr)
    )
    # not line 4-7 (@comment, @string, @preamble) nor line 10 (an e-mail inside ok2's abstract)
    assert reported == [2, 3, 11, 12, 13, 14, 15], result.stderr
    assert re.search(
        rf"{bib}:2: '@misc a3, title = {{No Brace}}.*' does not start an entry", (result.stderr)
    )
    assert f"{bib}:3: entry 'a4' has the type '@artİcle', which is not an ASCII BibTeX type " in (
        result.stderr
    )
    assert "(did you mean @article?); skipped" in result.stderr
    assert f"{bib}:15: '@' does not start an entry" in result.stderr
    last = result.stdout.strip().splitlines()[-1]
    assert last == "2 added, 0 merged, 7 skipped, 7 problem(s) reported."
    titles = sorted(n.paper.title for n in Library(empty_library).notes())
    assert titles == ["Kept One", "Kept Two"]
    assert "alice.example.org" in Library(empty_library).find("ok2").paper.abstract


def test_entry_types_match_in_ascii_only_and_what_imports_exports_to_the_same_papers(
    empty_library, tmp_path
):
    bib = write_bib(
        tmp_path,
        "@ARTICLE{up, title = {Upper}, author = {Devlin, Jacob}, journal = {Some Journal},"
        " year = 2020}\n"
        "@TechReport{tr, title = {Report}, author = {He, Pengcheng}, institution = {MIT},"
        " year = 2021}\n"
        "@ARTİCLE{dotted, title = {Dotted}, journal = {Some Journal}, year = 2022}\n",
    )
    result = run(empty_library, "import", str(bib))
    assert f"{bib}:3: entry 'dotted' has the type '@ARTİCLE'" in result.stderr
    assert result.stdout.strip().splitlines()[-1].startswith("2 added, 0 merged, 1 skipped")
    exported = run(empty_library, "export", "--bib").stdout
    assert "@article{up," in exported and "@techreport{tr," in exported
    assert exported.isascii()
    again = tmp_path / "again"
    again.mkdir()
    reimport = run(again, "import", str(write_bib(tmp_path, exported)))
    assert reimport.stderr == "" and reimport.stdout.strip().endswith(
        "2 added, 0 merged, 0 skipped."
    )
    papers = {n.paper.key: n.paper for n in Library(again).notes()}
    assert papers == {n.paper.key: n.paper for n in Library(empty_library).notes()}


def test_a_space_after_the_at_sign_is_read_as_bibtex_and_biber_read_it(empty_library, tmp_path):
    bib = write_bib(
        tmp_path,
        "@ misc{a2, title = {Spaced}, year = 2020}\n"
        "@misc{a5, title = {Inside}, year = 2020, note = {line one\n"
        "@ home{not an entry: a value}}}\n",
    )
    result = run(empty_library, "import", str(bib))
    assert result.exit_code == 0 and result.stderr == "", result.output
    library = Library(empty_library)
    assert library.find("a2").paper.title == "Spaced"
    assert "@ home{not an entry" in str(dict(library.find("a5").paper.extra)["bibtex"]["note"])


def test_an_author_less_entry_keeps_its_type_through_export_and_import(empty_library, tmp_path):
    bib = write_bib(
        tmp_path,
        "@Book{manual, title = {The Manual}, publisher = {ACME}, year = 2019}\n"
        "@misc{talk, title = {A Talk}, booktitle = {ICLR}, year = 2021}\n",
    )
    run(empty_library, "import", str(bib))
    exported = run(empty_library, "export", "--bib").stdout
    assert "@misc{manual," in exported and "entrysubtype = {book}" in exported  # biblatex-valid
    again = tmp_path / "again"
    again.mkdir()
    assert run(again, "import", str(write_bib(tmp_path, exported))).stderr == ""
    papers = {n.paper.key: n.paper for n in Library(again).notes()}
    assert papers == {n.paper.key: n.paper for n in Library(empty_library).notes()}
    assert dict(papers["manual"].extra)["bibtex"]["entry_type"] == "book"


def test_a_repeated_field_keeps_the_first_value_with_a_warning_and_the_entry_is_imported(
    empty_library, tmp_path
):
    bib = write_bib(
        tmp_path,
        "@misc{k, title={First}, title={Second}, Year={2020}, YEAR={1999}}\n"
        "@misc{k, title={Same Key Later}, year={2021}}\n"
        "@misc{j, title={Other}, TITLE={Upper}, year={2019}}\n",
    )
    result = run(empty_library, "import", str(bib))
    assert result.exit_code == 0, result.output
    assert f"{bib}:1: entry 'k': duplicate field title; kept the first" in result.stderr
    assert f"{bib}:1: entry 'k': duplicate field year; kept the first" in result.stderr
    assert f"{bib}:2: duplicate key 'k' (first at line 1); this entry was skipped" in (
        result.stderr
    )
    assert f"{bib}:3: entry 'j': duplicate field title; kept the first" in result.stderr
    assert result.stdout.strip().endswith("2 added, 0 merged, 1 skipped, 4 problem(s) reported.")
    library = Library(empty_library)
    assert (library.find("k").paper.title, library.find("k").paper.year) == ("First", 2020)
    assert library.find("j").paper.title == "Other"


def test_braces_bibtex_balances_after_an_escaped_backslash_are_read_not_reported(
    empty_library, tmp_path
):
    # BibTeX counts every brace: in {a {x \\}} the \\ is a line break and } closes {x
    bib = write_bib(
        tmp_path,
        "@misc{j, title={Broken {Line \\\\} Here}, author={Doe, Jane}, year={2020}}\n"
        "@misc{m, title={Kept \\\\\\\\ Too}, year={2021}}\n",
    )
    result = run(empty_library, "import", str(bib))
    assert result.exit_code == 0, result.output
    assert "cannot parse" not in result.stderr, result.stderr
    assert result.stdout.strip().endswith("2 added, 0 merged, 0 skipped.")
    library = Library(empty_library)
    assert library.find("j").paper.title == "Broken Line Here"
    assert library.find("m").paper.title == "Kept Too"


LATEX_COMMANDS_BIB = r"""@article{l1, title={The {\LaTeX} Companion \url{http://a.b/c_d} {\em x}
  \emph{y} \textsf{z} 50\,\% {\noop{a}}Sorted \TeX{} \href{http://h.i}{Link}},
  author={G, M}, journal={TUGboat}, year={1994}}
@article{l2, title={A {\foo{Bar}} Thing}, author={G, M}, journal={J \weird{}}, year={1995}}
"""


def test_latex_commands_in_an_imported_bib_read_as_what_they_print_and_unknown_ones_are_reported(
    empty_library, tmp_path
):
    bib = write_bib(tmp_path, LATEX_COMMANDS_BIB)
    result = run(empty_library, "import", str(bib))
    assert result.exit_code == 0, result.output
    library = Library(empty_library)
    assert library.find("l1").paper.title == (
        "The LaTeX Companion http://a.b/c_d x y z 50 % Sorted TeX Link"
    )
    assert library.find("l2").paper.title == r"A \foo{Bar} Thing"
    assert library.find("l2").paper.venue == r"J \weird{}"
    assert f"{bib}:4: entry 'l2': title holds LaTeX papernotes cannot read (\\foo); kept as " in (
        result.stderr
    )
    assert f"{bib}:4: entry 'l2': journal holds LaTeX papernotes cannot read (\\weird)" in (
        result.stderr
    )
    assert f"{bib}:1:" not in result.stderr
    exported = run(empty_library, "export", "--bib").stdout
    assert "textbackslash" not in exported.split("journal")[0]
    assert r"title = {A {\foo{Bar}} Thing}," in exported
    again = tmp_path / "again"
    again.mkdir()
    assert run(again, "import", str(write_bib(tmp_path, exported))).exit_code == 0
    assert run(again, "export", "--bib").stdout == exported


def test_urldate_and_date_are_kept_and_a_crossref_fills_the_entry_with_a_warning(
    empty_library, tmp_path
):
    bib = write_bib(
        tmp_path,
        "@online{m8, title={T}, author={A, B}, year={2020}, url={http://x.y},\n"
        "  urldate={2020-01-01}}\n"
        "@online{m9, title={T2}, author={A, B}, date={2020-01-05}}\n"
        "@inproceedings{c1, title={Child}, author={A, B}, crossref={proc}}\n"
        "@proceedings{proc, title={Proceedings of Things}, year={2019}, publisher={P}}\n"
        "@article{c2, title={Orphan}, author={A, B}, journal={J}, year={2018}, crossref={no}}\n",
    )
    result = run(empty_library, "import", str(bib))
    assert result.exit_code == 0, result.output
    assert (
        f"{bib}:4: entry 'c1': took booktitle, publisher, year from its crossref 'proc'; "
        "the crossref itself is not kept"
    ) in result.stderr
    assert f"{bib}:6: entry 'c2': crossref 'no' is not in this file; not kept" in result.stderr
    library = Library(empty_library)
    child = library.find("c1").paper
    assert (child.year, child.venue) == (2019, "Proceedings of Things")
    exported = run(empty_library, "export", "--bib").stdout
    assert "urldate = {2020-01-01}," in exported
    assert "date = {2020-01-05}" in exported
    assert "crossref" not in exported


@needs("bibtex", "pdflatex", "biber")
def test_an_online_entry_exports_as_a_misc_bibtex_accepts_and_imports_back_as_online(
    empty_library, tmp_path
):
    bib = write_bib(
        tmp_path,
        "@online{m8, title={T}, author={Doe, Jane}, year={2020}, url={http://x.y},\n"
        "  urldate={2020-01-01}}\n"
        "@report{r1, title={R}, author={Doe, Jane}, year={2021}, institution={I}}\n",
    )
    assert run(empty_library, "import", str(bib)).exit_code == 0
    exported = run(empty_library, "export", "--bib").stdout
    assert "@online" not in exported and "@report" not in exported and "@techreport" in exported
    assert "entrysubtype = {online}," in exported and "entrysubtype = {report}," in exported
    out = write_bib(tmp_path, exported)
    for client in (run_bibtex(out, "plain", tmp_path / "p"), run_biber(out, tmp_path / "b")):
        assert client.complaints == [], (client.program, client.complaints)
        assert client.keys == {"m8", "r1"}
    again = tmp_path / "again"
    again.mkdir()
    assert run(again, "import", str(out)).exit_code == 0
    assert run(again, "export", "--bib").stdout == exported
    assert "entry_type: online" in (again / "2020" / "t.md").read_text(encoding="utf-8")


def test_an_entry_with_a_link_for_a_venue_is_skipped_with_its_line_and_the_rest_imported(
    empty_library, tmp_path
):
    bib = write_bib(
        tmp_path,
        "@article{first2020,\n  title = {First Paper},\n  year = {2020},\n}\n\n"
        "@article{middle2020,\n  title = {Middle Paper},\n  year = {2020},\n"
        "  journal = {See https://example.com/venue},\n}\n\n"
        "@article{third2020,\n  title = {Third Paper},\n  year = {2020},\n}\n",
    )
    dry = run(empty_library, "import", str(bib), "--dry-run")
    result = run(empty_library, "import", str(bib))
    assert result.exit_code == 0, result.output
    summary = "2 added, 0 merged, 1 skipped, 1 problem(s) reported."
    assert result.stdout.strip().splitlines()[-1] == summary
    assert dry.exit_code == 0, dry.output
    assert summary.removesuffix(".") in dry.stdout  # the dry run says the same
    assert f"{bib}:6: entry 'middle2020'" in result.stderr
    titles = sorted(n.paper.title for n in Library(empty_library).notes())
    assert titles == ["First Paper", "Third Paper"]


def test_a_name_read_once_per_import_reads_as_it_does_alone():
    """Issue 20: an import remembers how each name as written was read (co-authors recur);
    every name, repeated or not, reads exactly as it does on its own."""
    from papernotes.formats.bibtex.author_names import parse_authors

    values = [
        "Devlin, Jacob and Chang, Ming-Wei and {魏俊秋} and {Google Research}",
        "Jacob Devlin and Devlin, Jacob and 魏, 俊秋 and van der Berg, Jr, Jan",
        "Devlin, Jacob and M{\\\"u}ller, J{\\'e}r{\\^o}me and {魏俊秋} and Ming-Wei Chang",
        "Devlin, Jacob and van der Berg, Jr, Jan and M{\\\"u}ller, J{\\'e}r{\\^o}me",
    ]
    known: dict[str, str] = {}
    assert [parse_authors(v, known) for v in values] == [parse_authors(v) for v in values]
    assert len(known) == 9  # each distinct name as written read once


def test_a_year_that_is_not_one_skips_the_entry_with_its_line_instead_of_guessing(
    empty_library, tmp_path
):
    """``year = {abc2014}`` was read as 2014 (the paper filed under a guessed year); a year is
    four digits (in braces or quotes), a ``date`` begins with one (ISO 8601)."""
    bib = write_bib(
        tmp_path,
        "@misc{bad,\n title={Bad},\n year={abc2014}}\n\n"
        "@misc{braced,\n title={Braced},\n year={{2014}}}\n\n"
        "@misc{dated,\n title={Dated},\n date={2019-05/2020}}\n\n"
        "@misc{lettered,\n title={Lettered},\n year={2014a}}\n",
    )
    result = run(empty_library, "import", str(bib))
    assert f"{bib}:1: entry 'bad' has year 'abc2014', which is not a year; skipped" in (
        result.stderr
    )
    assert f"{bib}:13: entry 'lettered' has year '2014a', which is not a year; skipped" in (
        result.stderr
    )
    years = {n.paper.title: n.paper.year for n in Library(empty_library).notes()}
    assert years == {"Braced": 2014, "Dated": 2019}
    assert result.stdout.strip().splitlines()[-1].startswith("2 added, 0 merged, 2 skipped")
