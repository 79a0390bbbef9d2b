"""Run the programs people cite with — bibtex, biber (via biblatex) and pandoc — on a .bib file.

Each ``run_*`` returns what the program complained about (warning and error lines of its log)
and which citation keys made it into its output, so tests can demand silence and completeness.
BibTeX needs only an .aux file (written here); biber needs the .bcf a LaTeX run with biblatex
writes (``\\nocite{*}``: cheap even for 10,000 entries, unlike 10,000 ``\\cite`` keys).
"""

from __future__ import annotations

import os
import random
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

INSTALL_HINT = "Debian: apt-get install texlive-binaries texlive-latex-base "
INSTALL_HINT += "texlive-latex-recommended texlive-bibtex-extra biber pandoc (.ci/run does)"


def needs(*programs: str) -> pytest.MarkDecorator:
    """Skip a test, saying why, when one of ``programs`` is not installed."""
    missing = [p for p in programs if shutil.which(p) is None]
    return pytest.mark.skipif(
        bool(missing), reason=f"{', '.join(missing)} not installed ({INSTALL_HINT})"
    )


@dataclass(frozen=True)
class ClientRun:
    """One program's verdict on a .bib: complaints (empty when it is happy) and keys it output."""

    program: str
    complaints: list[str]
    keys: set[str]
    output: str


# BibTeX: "Warning--..." lines, and errors such as "I was expecting a `,' or a `}'---line 5
# of file refs.bib" or "Sorry---you've exceeded BibTeX's ...", counted at the end.
_BIBTEX_COMPLAINT = re.compile(
    r"^(Warning--.*|.*---line \d+ of file .*|Sorry---.*|.*error message.*)$"
)
_BIBER_COMPLAINT = re.compile(r" (WARN|ERROR) - ")
_BBL_BIBTEX_KEY = re.compile(r"^\\bibitem(?:\[.*?\])?\{([^}]*)\}", re.MULTILINE | re.DOTALL)
_BBL_BIBER_KEY = re.compile(r"^\s*\\entry\{([^}]*)\}", re.MULTILINE)
_PANDOC_KEY = re.compile(r'id="ref-([^"]*)"')

BIBLATEX_DOCUMENT = r"""\documentclass{article}
\usepackage[backend=biber,style=authoryear]{biblatex}
\addbibresource{refs.bib}
\begin{document}
\nocite{*}
\printbibliography
\end{document}
"""
PANDOC_DOCUMENT = "---\nnocite: '@*'\n---\n"


def _fresh_folder(bib: Path, work: Path) -> Path:
    work.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(bib, work / "refs.bib")
    return work


def _run(args: list[str], cwd: Path, timeout: float) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "LC_ALL": "C.UTF-8"}
    # Room for 10,000 entries (TeX's and BibTeX's default memory is far smaller).
    env.update(extra_mem_top="10000000", extra_mem_bot="10000000", max_strings="500000")
    env.update(pool_size="20000000", hash_extra="500000")
    return subprocess.run(
        args, cwd=cwd, env=env, capture_output=True, text=True, errors="replace", timeout=timeout
    )


def run_bibtex(bib: Path, style: str, work: Path, timeout: float = 120) -> ClientRun:
    """``bibtex`` with ``style`` (``plain``, ``unsrtnat``) citing every entry of ``bib``."""
    folder = _fresh_folder(bib, work)
    (folder / "job.aux").write_text(
        f"\\relax\n\\citation{{*}}\n\\bibstyle{{{style}}}\n\\bibdata{{refs}}\n", encoding="utf-8"
    )
    done = _run(["bibtex", "job"], folder, timeout)
    log = (folder / "job.blg").read_text(encoding="utf-8", errors="replace")
    complaints = [line for line in log.splitlines() if _BIBTEX_COMPLAINT.match(line)]
    if done.returncode != 0:
        complaints.append(f"bibtex exited with {done.returncode}: {done.stdout[-500:]}")
    bbl = folder / "job.bbl"
    output = bbl.read_text(encoding="utf-8", errors="replace") if bbl.exists() else ""
    return ClientRun(f"bibtex {style}", complaints, set(_BBL_BIBTEX_KEY.findall(output)), output)


def run_biber(bib: Path, work: Path, timeout: float = 600) -> ClientRun:
    """A LaTeX run with biblatex (for the .bcf) then ``biber --validate-datamodel``."""
    folder = _fresh_folder(bib, work)
    (folder / "job.tex").write_text(BIBLATEX_DOCUMENT, encoding="utf-8")
    latex = _run(
        ["pdflatex", "-draftmode", "-interaction=nonstopmode", "-halt-on-error", "job"],
        folder,
        timeout,
    )
    if not (folder / "job.bcf").exists():
        return ClientRun("biber", [f"pdflatex wrote no .bcf: {latex.stdout[-1500:]}"], set(), "")
    done = _run(["biber", "--validate-datamodel", "job"], folder, timeout)
    log = (folder / "job.blg").read_text(encoding="utf-8", errors="replace")
    complaints = [line for line in log.splitlines() if _BIBER_COMPLAINT.search(line)]
    if done.returncode != 0:
        complaints.append(f"biber exited with {done.returncode}: {done.stdout[-500:]}")
    bbl = folder / "job.bbl"
    output = bbl.read_text(encoding="utf-8", errors="replace") if bbl.exists() else ""
    return ClientRun("biber", complaints, set(_BBL_BIBER_KEY.findall(output)), output)


def run_pandoc(bib: Path, work: Path, timeout: float = 600) -> ClientRun:
    """``pandoc --citeproc`` (its default CSL style, Chicago author-date) citing every entry."""
    folder = _fresh_folder(bib, work)
    (folder / "doc.md").write_text(PANDOC_DOCUMENT, encoding="utf-8")
    done = _run(
        ["pandoc", "--citeproc", "--bibliography", "refs.bib", "doc.md", "-t", "html"],
        folder,
        timeout,
    )
    complaints = [line for line in done.stderr.splitlines() if line.strip()]
    if done.returncode != 0:
        complaints.append(f"pandoc exited with {done.returncode}")
    return ClientRun("pandoc", complaints, set(_PANDOC_KEY.findall(done.stdout)), done.stdout)


def run_all(bib: Path, work: Path) -> list[ClientRun]:
    """Every client on ``bib``: bibtex plain and unsrtnat, biber, pandoc."""
    return [
        run_bibtex(bib, "plain", work / "plain"),
        run_bibtex(bib, "unsrtnat", work / "unsrtnat"),
        run_biber(bib, work / "biber"),
        run_pandoc(bib, work / "pandoc"),
    ]


def version(program: str) -> str:
    """The first line a program prints about its version (for reports)."""
    flag = "-v" if program == "biber" else "--version"
    done = subprocess.run([program, flag], capture_output=True, text=True, check=False)
    return (done.stdout or done.stderr).splitlines()[0] if (done.stdout or done.stderr) else ""


# -- a generated library: papers without authors and papers by Chinese authors ------------------

_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐"
_DOUBLE_SURNAMES = ["欧阳", "司马", "诸葛"]
_GIVEN = "伟芳娜秀敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英俊秋知远"
_WORDS = [
    "neural",
    "contextualized",
    "representation",
    "chinese",
    "language",
    "understanding",
    "pretraining",
    "distillation",
    "retrieval",
    "augmented",
    "generation",
    "sparse",
    "attention",
    "tokenizer",
    "alignment",
    "efficient",
    "transformer",
    "corpus",
    "evaluation",
    "benchmark",
    "reasoning",
]
_MODELS = ["BERT", "GPT3", "T5", "XLNet", "RoBERTa", "ERNIE", "NEZHA", "Mengzi", "3D", "mT5"]
_VENUES = ["ICLR", "EMNLP", "ACL", "NeurIPS", "TACL", "JMLR", "", "arXiv", "Findings of EMNLP"]


def authorless_document(count: int, crowded_year: int = 2021, seed: int = 12) -> str:
    """A reading-notes document with ``count`` papers (no authors, as such a document gives).

    Two thirds of them share ``crowded_year``; a sixth share a short title ("Survey: …"); some
    are in ALL CAPS, some have no colon, some are Chinese: what real notes documents hold."""
    rng = random.Random(seed)
    by_year: dict[int, list[str]] = {}
    for i in range(count):
        year = crowded_year if i % 3 != 2 else 2015 + i % 10
        words = " ".join(rng.sample(_WORDS, 4))
        kind = i % 6
        if kind == 0:
            title = f"{rng.choice(_MODELS)}-{i}: {words.title()} for Chinese"
        elif kind == 1:
            title = f"Survey: {words} number {i}"  # the same short title, many times
        elif kind == 2:
            title = f"{rng.choice(_MODELS)}{i}: {words} with English Wikipedia".upper()
        elif kind == 3:
            title = f"Towards {words} in {rng.choice(_MODELS)} models ({i})"
        elif kind == 4:
            title = f"中文{rng.choice(['预训练', '阅读理解', '分词'])}模型{i}：{words}"
        else:
            title = f"{rng.choice(_MODELS)}++ {i}: GPT-3, T5X and {words}"
        venue = rng.choice(_VENUES)
        lines = [f"- {title}"] + ([f"  - {venue}"] if venue else [f"  - {year}"])
        by_year.setdefault(year, []).append("\n".join(lines))
    parts = ["# Paper\n"]
    for year in sorted(by_year, reverse=True):
        parts.append(f"### {year}\n\n" + "\n\n".join(by_year[year]) + "\n")
    return "\n".join(parts)


def chinese_author_bib(count: int, seed: int = 21) -> str:
    """``count`` .bib entries by Chinese authors (names in characters, some in pinyin)."""
    rng = random.Random(seed)
    entries = []
    for i in range(count):
        names = []
        for _ in range(rng.randint(1, 4)):
            double = rng.random() < 0.1
            family = rng.choice(_DOUBLE_SURNAMES) if double else rng.choice(_SURNAMES)
            names.append(family + "".join(rng.sample(_GIVEN, rng.randint(1, 2))))
        if i % 5 == 0:
            names.append("Junqiu Wei")
        words = " ".join(rng.sample(_WORDS, 5))
        venue = rng.choice(_VENUES[:6])
        field = "journal" if venue in ("TACL", "JMLR") else "booktitle"
        kind = "article" if field == "journal" else "inproceedings"
        arxiv = f"{20 + i % 4}{1 + i % 9:02d}.{10000 + i:05d}"
        entries.append(
            f"@{kind}{{gen{i},\n  title = {{{rng.choice(_MODELS)}: {words.capitalize()}}},\n"
            f"  author = {{{' and '.join(names)}}},\n  {field} = {{{venue}}},\n"
            f"  year = {{{2016 + i % 9}}},\n  eprint = {{{arxiv}}},\n"
            "  archivePrefix = {arXiv},\n}\n"
        )
    return "\n".join(entries)
