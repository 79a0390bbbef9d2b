"""``papernotes export --bib``: what the shipped library becomes as a .bib, and the guarantees."""

from __future__ import annotations

import shutil
import subprocess
import sys
from dataclasses import replace

import bibtexparser
import pytest

from papernotes.formats.bibtex.keys import base_key
from papernotes.formats.bibtex.venues import VenueTable
from papernotes.formats.bibtex.write import render_bibliography, render_entry
from papernotes.library import Library
from papernotes.model import Paper
from tests.helpers import folder_bytes, run

SHIPPED_KEYS = [  # in export order: by year, then key
    "liu2019roberta",
    "yang2019xlnet",
    "jiao2020tinybert",
    "lan2020albert",
    "he2021deberta",
    "wei2021nezha",
    "zhang2021mengzi",
    "he2023debertav3",
]


def export(root, *args) -> str:
    result = run(root, "export", "--bib", *args)
    assert result.exit_code == 0, result.output
    return result.stdout


def parsed(text: str):
    library = bibtexparser.parse_string(text)
    assert library.failed_blocks == []
    return {entry.key: entry for entry in library.entries}


def test_the_shipped_library_exports_eight_parseable_entries_with_scheme_keys(seed_library):
    entries = parsed(export(seed_library))
    assert set(entries) == set(SHIPPED_KEYS)
    for note in Library(seed_library).notes():
        assert note.paper.key == base_key(note.paper)


def test_iclr_papers_are_inproceedings_with_the_full_booktitle(seed_library):
    entries = parsed(export(seed_library))
    for key in ("lan2020albert", "he2021deberta", "he2023debertav3"):
        assert entries[key].entry_type == "inproceedings"
        assert entries[key]["booktitle"] == "International Conference on Learning Representations"


def test_papers_without_a_venue_are_misc_with_their_arxiv_fields(seed_library):
    entries = parsed(export(seed_library))
    for key, arxiv in (("wei2021nezha", "1909.00204"), ("yang2019xlnet", "1906.08237")):
        entry = entries[key]
        assert entry.entry_type == "misc"
        assert entry["eprint"] == arxiv
        assert entry["archivePrefix"] == "arXiv"
        assert entry["primaryClass"] == "cs.CL"
        assert entry["url"] == f"https://arxiv.org/abs/{arxiv}"
        assert "booktitle" not in entry.fields_dict and "journal" not in entry.fields_dict


def test_the_venue_the_user_wrote_counts_roberta_is_emnlp(seed_library):
    entry = parsed(export(seed_library))["liu2019roberta"]
    assert entry.entry_type == "inproceedings"
    assert entry["booktitle"] == "Conference on Empirical Methods in Natural Language Processing"


def test_titles_are_canonical_with_every_word_that_has_a_capital_brace_protected(seed_library):
    entries = parsed(export(seed_library))
    assert entries["he2021deberta"]["title"] == (
        "{DeBERTa}: {Decoding}-enhanced {BERT} with {Disentangled Attention}"
    )
    assert entries["lan2020albert"]["title"].startswith("{ALBERT}: {A Lite BERT} for {Self}-")
    assert entries["he2021deberta"]["author"] == (
        "He, Pengcheng and Liu, Xiaodong and Gao, Jianfeng and Chen, Weizhu"
    )
    assert entries["yang2019xlnet"]["author"].endswith("and Le, Quoc V.")


def test_no_notes_or_local_paths_unless_asked(seed_library):
    text = export(seed_library)
    assert "annote" not in text and "相比BERT" not in text
    assert str(seed_library) not in text and ".md" not in text
    with_notes = parsed(export(seed_library, "--with-notes"))
    assert "动态mask机制" in with_notes["liu2019roberta"]["annote"]


def test_entries_are_ordered_by_year_then_key_and_bytes_are_stable(seed_library):
    first = export(seed_library)
    assert first == export(seed_library)
    keys = [
        line.split("{", 1)[1].rstrip(",") for line in first.splitlines() if line.startswith("@")
    ]
    assert keys == SHIPPED_KEYS


def test_export_to_a_file_twice_leaves_one_copy_of_each_entry(seed_library, tmp_path):
    out = tmp_path / "refs.bib"
    out.write_text("@misc{stale, title={Old}, year={1999}}\n", encoding="utf-8")
    for _ in range(2):
        result = run(seed_library, "export", "--bib", "-o", str(out))
        assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert text.count("@") == 8 and "stale" not in text
    assert text == export(seed_library)


def test_year_tag_and_named_papers_select_entries(seed_library):
    assert set(parsed(export(seed_library, "--year", "2020"))) == {
        "jiao2020tinybert",
        "lan2020albert",
    }
    assert set(parsed(export(seed_library, "nezha", "1906.08237"))) == {
        "wei2021nezha",
        "yang2019xlnet",
    }
    assert parsed(export(seed_library, "--tag", "nothing-has-this")) == {}


def test_notes_without_a_key_get_one_stored_when_exported(seed_library):
    library = Library(seed_library)
    note = library.find("he2021deberta")
    library.save(note, replace(note.paper, key=""))
    result = run(seed_library, "export", "--bib")
    assert "assigned key he2021deberta to 2021/deberta.md" in result.stderr
    assert "@inproceedings{he2021deberta," in result.stdout
    assert "key: he2021deberta" in (seed_library / "2021/deberta.md").read_text(encoding="utf-8")
    before = folder_bytes(seed_library)
    run(seed_library, "export", "--bib")
    assert folder_bytes(seed_library) == before


def test_special_characters_are_escaped_and_utf8_is_kept_by_default():
    paper = Paper(
        title="Cost & Benefit: 100% of $x_1$ #1 {sic} for $5",
        year=2022,
        key="muller2022cost",
        authors=("Jürgen Müller", "魏俊秋", "Ludwig van Beethoven"),
    )
    text = render_entry(paper, venues=VenueTable())
    # Inline math is LaTeX already and is written as it is; a lone dollar is escaped.
    assert r"{Cost} \& {Benefit}: 100\% of $x_1$ \#1 \{sic\} for \$5" in text
    assert "author = {Müller, Jürgen and {魏俊秋} and van Beethoven, Ludwig}" in text
    entry = parsed(text)["muller2022cost"]
    assert entry.entry_type == "misc"


def test_ascii_turns_accents_into_latex_and_leaves_chinese_alone(caplog):
    paper = Paper(
        title="Über Čech: Ångström für 中文",
        year=2022,
        key="k",
        authors=("Ana Marasović", "魏俊秋"),
    )
    with caplog.at_level("WARNING"):
        text = render_entry(paper, ascii=True, venues=VenueTable())
    assert r"{{\"U}ber {\v{C}}ech}: {{\AA}ngstr{\"o}m} f{\"u}r 中文" in text
    assert r"Marasovi{\'c}, Ana and {魏俊秋}" in text
    assert caplog.records == []


def test_a_cjk_name_is_written_as_one_braced_unit():
    paper = Paper(
        title="NEZHA",
        year=2019,
        key="wei2019nezha",
        authors=("魏俊秋", "欧阳修", "山田太郎", "김연아", "Junqiu Wei", "山田 太郎", "Jacob 张"),
    )
    text = render_entry(paper, venues=VenueTable())
    assert (
        "author = {{魏俊秋} and {欧阳修} and {山田太郎} and {김연아} and Wei, Junqiu"
        " and {山田 太郎} and 张, Jacob}"
    ) in text
    assert base_key(paper) == "wei2019nezha"  # the key keeps its pinyin


# -- what the real bibtex program prints -------------------------------------------------------


def bibtex_output(tmp_path, bib: str, style: str) -> str:
    """The .bbl that the real ``bibtex`` makes of ``bib`` with ``style``, whitespace collapsed
    and braces (TeX grouping, not printed) removed."""
    if shutil.which("bibtex") is None:
        pytest.skip("the bibtex program is not installed (Debian: texlive-binaries)")
    (tmp_path / "refs.bib").write_text(bib, encoding="utf-8")
    (tmp_path / "job.aux").write_text(
        f"\\relax\n\\citation{{*}}\n\\bibstyle{{{style}}}\n\\bibdata{{refs}}\n",
        encoding="utf-8",
    )
    done = subprocess.run(["bibtex", "job"], cwd=tmp_path, capture_output=True, text=True)
    log = (tmp_path / "job.blg").read_text(encoding="utf-8", errors="replace")
    assert done.returncode == 0 and "Warning--" not in log, log
    bbl = (tmp_path / "job.bbl").read_text(encoding="utf-8")
    return " ".join(bbl.replace("{", "").replace("}", "").split())


@pytest.mark.parametrize("style", ["plain", "plainnat", "unsrtnat"])
def test_bibtex_prints_a_chinese_name_exactly_as_written(tmp_path, style):
    papers = [
        Paper(title="NEZHA", year=2019, key="wei2019nezha", authors=("魏俊秋", "Xiaozhe Ren")),
        Paper(title="Solo", year=2019, key="wei2019solo", authors=("魏俊秋",)),
        Paper(title="Pinyin", year=2019, key="wei2019pinyin", authors=("Junqiu Wei",)),
        Paper(title="Spaced", year=2019, key="yamada2019spaced", authors=("山田 太郎",)),
    ]
    text = render_bibliography(papers, venues=VenueTable())
    out = bibtex_output(tmp_path, text, style)
    assert "山田 太郎. \\newblock Spaced" in out
    assert "魏俊秋 and Xiaozhe Ren. \\newblock NEZHA" in out
    assert "魏俊秋. \\newblock Solo" in out and "Junqiu Wei. \\newblock Pinyin" in out
    assert "俊秋" not in out.replace("魏俊秋", "")  # never "俊秋 魏"
    if style != "plain":  # natbib's label: the family name, here the whole name
        assert "\\bibitem[魏俊秋 and Ren(2019)]wei2019nezha" in out
        assert "\\bibitem[魏俊秋(2019)]wei2019solo" in out
        assert "\\bibitem[Wei(2019)]wei2019pinyin" in out
        assert "\\bibitem[山田 太郎(2019)]yamada2019spaced" in out


@pytest.mark.parametrize("style", ["plain", "unsrtnat"])
def test_bibtex_styles_print_neither_the_code_link_nor_tags_nor_notes(tmp_path, style):
    paper = Paper(
        title="NEZHA",
        year=2019,
        key="wei2019nezha",
        venue="arXiv",
        authors=("魏俊秋",),
        code="https://github.com/huawei-noah/Pretrained-Language-Model",
        tags=("pretraining", "chinese, nlp"),
        notes=("a reading note", "another\nspanning lines"),
    )
    text = render_bibliography([paper], with_notes=True, venues=VenueTable())
    assert "verba = {" in text and "keywords = {" in text and "annote = {" in text
    out = bibtex_output(tmp_path, text, style)  # and no warning about them
    assert "魏俊秋. \\newblock NEZHA. \\newblock arXiv, 2019." in out
    for hidden in ("github", "pretraining", "chinese", "reading note", "spanning"):
        assert hidden not in out


@pytest.mark.slow
def test_biber_validates_the_fields_for_code_tags_notes_and_an_arxiv_venue(tmp_path):
    for program in ("pdflatex", "biber", "kpsewhich"):
        if shutil.which(program) is None:
            pytest.skip(f"the {program} program is not installed (Debian: texlive, biber)")
    found = subprocess.run(["kpsewhich", "biblatex.sty"], capture_output=True, text=True)
    if not found.stdout.strip():
        pytest.skip("biblatex is not installed (Debian: texlive-bibtex-extra)")
    extras = dict(
        code="https://github.com/x/y_z%20#readme",
        tags=("pretraining", "a, b"),
        notes=("one\ntwo", "three"),
        authors=("魏俊秋", "Junqiu Wei"),
    )
    papers = [
        Paper(title="A", year=2020, key="a", venue="ICLR", **extras),
        Paper(title="B", year=2020, key="b", venue="JMLR", **extras),
        Paper(title="C", year=2020, key="c", venue="arXiv", arxiv="2004.10964", **extras),
        Paper(title="D", year=2020, key="d", arxiv="2004.10965", **extras),
    ]
    (tmp_path / "refs.bib").write_text(
        render_bibliography(papers, with_notes=True, venues=VenueTable()), encoding="utf-8"
    )
    (tmp_path / "doc.tex").write_text(
        "\\documentclass{article}\n\\usepackage[backend=biber]{biblatex}\n"
        "\\addbibresource{refs.bib}\n\\begin{document}\n\\nocite{*}\n\\printbibliography\n"
        "\\end{document}\n",
        encoding="utf-8",
    )
    latex = ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "doc.tex"]
    subprocess.run(latex, cwd=tmp_path, capture_output=True, check=True)
    done = subprocess.run(
        ["biber", "--validate-datamodel", "doc"], cwd=tmp_path, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert " WARN - " not in done.stdout and " ERROR - " not in done.stdout, done.stdout
    bbl = (tmp_path / "doc.bbl").read_text(encoding="utf-8")
    assert (
        bbl.count("family={{魏俊秋}}") == 4 and "\\keyw{pretraining,{a,b}}" in bbl
    )  # one tag "a, b"


def test_venue_table_kinds_and_the_user_config_file(tmp_path):
    venues = VenueTable()
    paper = Paper(title="A Study", year=2020, key="k", venue="TACL", authors=("Ann Lee",))
    assert render_entry(paper, venues=venues).startswith("@article{k,")
    assert "journal = {Transactions of the Association for Computational Linguistics}" in (
        render_entry(paper, venues=venues)
    )
    findings = render_entry(replace(paper, venue="Findings of EMNLP 2020"), venues=venues)
    assert "booktitle = {Findings of the Association for Computational Linguistics: EMNLP}" in (
        findings
    )
    config = tmp_path / "papernotes"
    config.mkdir()
    (config / "venues.toml").write_text(
        '[MYCONF]\nkind = "conference"\nname = "My Own Conference"\naliases = ["MC"]\n',
        encoding="utf-8",
    )
    custom = VenueTable.load(config)
    assert "booktitle = {My Own Conference}" in render_entry(
        replace(paper, venue="MC"), venues=custom
    )


def test_the_user_config_folder_follows_xdg_config_home(seed_library, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    (tmp_path / "config" / "papernotes").mkdir(parents=True)
    (tmp_path / "config" / "papernotes" / "venues.toml").write_text(
        '[EMNLP]\nkind = "conference"\nname = "Empirical Methods, My Way"\n', encoding="utf-8"
    )
    entry = parsed(export(seed_library))["liu2019roberta"]
    assert entry["booktitle"] == "Empirical Methods, My Way"


def test_a_broken_venue_config_is_one_clear_error(seed_library, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    (tmp_path / "config" / "papernotes").mkdir(parents=True)
    (tmp_path / "config" / "papernotes" / "venues.toml").write_text("[X\n", encoding="utf-8")
    result = run(seed_library, "export", "--bib")
    assert result.exit_code == 1
    assert "venues.toml is not valid TOML" in result.stderr


def test_a_generated_bibliography_parses_with_one_entry_per_paper():
    papers = [
        Paper(title=f"Paper {i}: BERT & Friends", year=2000 + i % 20, key=f"k{i}")
        for i in range(50)
    ]
    text = render_bibliography(papers, venues=VenueTable())
    assert len(parsed(text)) == 50


def test_list_does_not_import_bibtexparser(seed_library):
    code = (
        "import sys\n"
        "from papernotes.cli.main import main\n"
        f"sys.argv = ['papernotes', '--notes', {str(seed_library)!r}, 'list']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print('bibtexparser' in sys.modules, 'pypinyin' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "False False"


def test_a_stored_article_type_without_a_journal_is_exported_as_a_preprint():
    # Notes imported before the fix hold entry_type: article with no venue.
    paper = Paper(
        title="A Brand New Paper",
        year=2021,
        arxiv="2101.00001",
        key="doe2021brand",
        authors=("Jane Doe",),
        extra=(("bibtex", {"entry_type": "article"}),),
    )
    assert render_entry(paper, venues=VenueTable()).startswith("@misc{doe2021brand,\n")
    with_journal = replace(paper, venue="JMLR")
    assert render_entry(with_journal, venues=VenueTable()).startswith("@article{")


# -- hand-edited keys and arXiv ids: `check` names them, `export --bib` refuses them -------------


def hand_edit(root, rel: str, old: str, new: str) -> None:
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def field_line(root, rel: str, name: str) -> int:
    lines = (root / rel).read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, 1) if line.startswith(f"{name}:"))


def test_check_names_an_invalid_key_and_arxiv_id_at_their_line(seed_library):
    hand_edit(seed_library, "2021/nezha.md", "key: wei2021nezha", 'key: "bad key{"')
    hand_edit(seed_library, "2021/nezha.md", "arxiv: '1909.00204'", "arxiv: not-an-id")
    result = run(seed_library, "check")
    assert result.exit_code == 1, result.output
    key_line = field_line(seed_library, "2021/nezha.md", "key")
    arxiv_line = field_line(seed_library, "2021/nezha.md", "arxiv")
    assert f"2021/nezha.md:{key_line}: key 'bad key{{' is not a valid citation key" in result.stdout
    assert f"2021/nezha.md:{arxiv_line}: arxiv 'not-an-id' is not an arXiv id" in result.stdout


def test_check_names_an_arxiv_id_written_with_a_version_or_prefix(seed_library):
    hand_edit(seed_library, "2021/nezha.md", "arxiv: '1909.00204'", "arxiv: arXiv:1909.00204v2")
    result = run(seed_library, "check")
    assert result.exit_code == 1
    line = field_line(seed_library, "2021/nezha.md", "arxiv")
    assert (
        f"2021/nezha.md:{line}: arxiv 'arXiv:1909.00204v2' should be the base id '1909.00204'"
        in (result.stdout)
    )


def test_check_names_an_arxiv_id_held_by_two_notes(seed_library):
    hand_edit(seed_library, "2019/xlnet.md", "arxiv: '1906.08237'", "arxiv: '1909.00204'")
    result = run(seed_library, "check")
    assert result.exit_code == 1
    line = field_line(seed_library, "2019/xlnet.md", "arxiv")
    assert (
        f"2019/xlnet.md:{line}: arXiv id '1909.00204' is also used by 2021/nezha.md"
        in result.stdout
    )


def test_check_names_keys_that_differ_only_in_case(seed_library):
    hand_edit(seed_library, "2019/xlnet.md", "key: yang2019xlnet", "key: Wei2021Nezha")
    result = run(seed_library, "check")
    assert result.exit_code == 1
    line = field_line(seed_library, "2019/xlnet.md", "key")
    assert f"2019/xlnet.md:{line}: key 'Wei2021Nezha' is also used by 2021/nezha.md" in (
        result.stdout
    )


def test_export_refuses_notes_with_an_invalid_key_or_arxiv_id_and_writes_nothing(
    seed_library, tmp_path
):
    hand_edit(seed_library, "2021/nezha.md", "key: wei2021nezha", 'key: "bad key{"')
    hand_edit(seed_library, "2019/xlnet.md", "arxiv: '1906.08237'", "arxiv: not-an-id")
    before = folder_bytes(seed_library)
    out = tmp_path / "refs.bib"
    result = run(seed_library, "export", "--bib", "-o", str(out))
    assert result.exit_code == 1
    assert "2021/nezha.md: key 'bad key{' is not a valid citation key" in result.stderr
    assert "2019/xlnet.md: arxiv 'not-an-id' is not an arXiv id" in result.stderr
    assert not out.exists()
    assert folder_bytes(seed_library) == before
    to_stdout = run(seed_library, "export", "--bib")
    assert to_stdout.exit_code == 1 and to_stdout.stdout == ""
    # The other papers still export when named.
    assert run(seed_library, "export", "--bib", "deberta").exit_code == 0
