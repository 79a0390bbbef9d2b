"""Deterministic synthetic libraries for the benchmark.

``python bench/generate.py --n 10000 --out /tmp/lib10k`` writes, from a fixed seed:

- ``notes/``: one note file per paper (``<year>/<slug>.md``, written with the library's own
  ``render_note``) plus ``document.yaml`` (link sections like the seed's, paper order);
- ``reading-notes.md``: the same library as a seed-format Markdown document (the library's
  own exporter, papers in style (a));
- ``library.bib``: the same papers as BibTeX (``papernotes.formats.bibtex.write`` when it
  exists, else a simple template).

The same N and seed always give the same bytes (``added`` dates are derived, not today's).
"""

from __future__ import annotations

import argparse
import random
import sys
from dataclasses import replace
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"
if str(SRC) not in sys.path:
    sys.path.insert(0, str(SRC))

from papernotes.model import DocumentLayout, LinkItem, Paper, Section  # noqa: E402
from papernotes.storage.document_file import LAYOUT_FILE, render_layout  # noqa: E402
from papernotes.storage.note_format import render_note  # noqa: E402
from papernotes.storage.slugs import slugify, unique_slug  # noqa: E402

FIRST_YEAR, LAST_YEAR = 1995, 2024
VENUES = (
    "ACL",
    "EMNLP",
    "NAACL",
    "COLING",
    "ICLR",
    "NeurIPS",
    "ICML",
    "AAAI",
    "IJCAI",
    "KDD",
    "SIGIR",
    "WWW",
    "TACL",
    "JMLR",
    "arXiv",
    "CVPR",
    "ICCV",
    "ECCV",
    "中文信息学报",
    "",
)
WORDS = (
    "Attention",
    "Transformer",
    "Pre-training",
    "Distillation",
    "Contrastive",
    "Sparse",
    "Efficient",
    "Robust",
    "Multilingual",
    "Chinese",
    "Language",
    "Model",
    "Representation",
    "Learning",
    "Retrieval",
    "Augmented",
    "Generation",
    "Graph",
    "Neural",
    "Networks",
    "Self-Supervised",
    "Tokenization",
    "Long",
    "Context",
    "Reasoning",
    "Alignment",
    "Scaling",
    "Laws",
    "Embedding",
    "Adapter",
    "Prompt",
    "Tuning",
    "Knowledge",
    "Entity",
    "Dialogue",
    "Summarization",
    "Translation",
    "Benchmark",
    "Mixture",
    "Experts",
    "Quantization",
    "Pruning",
    "Curriculum",
    "Masked",
    "Decoding",
    "Disentangled",
    "Positional",
    "Encoding",
)
CJK_TITLE_WORDS = (
    "基于",
    "预训练",
    "语言模型",
    "的",
    "中文",
    "知识",
    "蒸馏",
    "方法",
    "研究",
    "增强",
)
GIVEN = (
    "Alice",
    "Bob",
    "Carlos",
    "Dana",
    "Emil",
    "Fatima",
    "Grace",
    "Hiro",
    "Ivan",
    "Julia",
    "Kenji",
    "Lena",
    "Mohamed",
    "Nadia",
    "Olaf",
    "Priya",
    "Quentin",
    "Rosa",
    "Sven",
    "Tara",
)
FAMILY = (
    "Smith",
    "Müller",
    "García",
    "Rossi",
    "Kowalski",
    "Nakamura",
    "Okafor",
    "Dubois",
    "Johansson",
    "Novak",
    "Silva",
    "Cohen",
    "Papadopoulos",
    "Kim",
    "Nguyen",
    "O'Brien",
)
PINYIN_GIVEN = (
    "Xiaoqi",
    "Yichun",
    "Lifeng",
    "Wei",
    "Jing",
    "Hao",
    "Yu",
    "Zhiyuan",
    "Mengqi",
    "Jun",
)
PINYIN_FAMILY = ("Jiao", "Yin", "Shang", "Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Zhao")
HANZI_FAMILY = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
HANZI_GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华"
NOTE_ZH = (
    "提出了一种两阶段的{w}方法，先在大规模语料上预训练，再在下游任务上微调",
    "使用知识蒸馏把大模型压缩为小模型，推理速度提升{n}倍，精度略有下降",
    "在{w}层之后加入了相对位置编码，长文本效果明显更好",
    "实验在中文数据集CLUE上进行，平均提升{n}个百分点",
    "与BERT相比，去掉了NSP任务，使用更大的batch size和更多数据",
    "注意：作者没有公开训练数据，复现比较困难",
    "核心思想是把{w}看作一个对比学习问题",
    "消融实验表明{w}模块贡献最大",
)
NOTE_EN = (
    "Replaces the {w} objective with a cheaper one; {n}x faster pre-training.",
    "Key idea: share embeddings between generator and discriminator.",
    "Ablation: removing {w} costs about {n} points on GLUE.",
    "Code is available but the checkpoints are not.",
    "Uses a curriculum over sequence length (128 -> 512).",
)
TAGS = (
    "nlp",
    "pretraining",
    "distillation",
    "chinese",
    "efficiency",
    "survey",
    "to-cite",
    "benchmark",
    "retrieval",
    "long-context",
    "multilingual",
    "蒸馏",
    "预训练",
)


def make_papers(n: int, seed: int = 6) -> list[Paper]:
    """``n`` distinct papers spread over 30 years, the same for the same ``n`` and ``seed``."""
    rng = random.Random(seed)
    papers = []
    for i in range(n):
        year = FIRST_YEAR + (i * 7919 + rng.randrange(7)) % (LAST_YEAR - FIRST_YEAR + 1)
        if rng.random() < 0.15:
            title = "".join(rng.sample(CJK_TITLE_WORDS, 5)) + f"（第{i}号）"
        else:
            head = "".join(c for c in rng.choice(WORDS) if c.isalpha())[:6].upper() + str(i)
            title = f"{head}: " + " ".join(rng.sample(WORDS, rng.randrange(4, 9)))
        authors = tuple(_author(rng) for _ in range(rng.randrange(2, 11)))
        notes = tuple(_note(rng) for _ in range(rng.randrange(3, 9)))
        month = 1 + i % 12
        # (month, i // 12) differs for every i; ids have 4 digits before 2015 and 5 after
        number = f"{i // 12 + 1:05d}" if year >= 2015 else f"{i // 12 + 1:04d}"
        arxiv = f"{year % 100:02d}{month:02d}.{number}" if year >= 2008 else ""
        papers.append(
            Paper(
                title=title,
                year=year,
                venue=rng.choice(VENUES),
                code=f"https://github.com/example{i % 97}/repo{i}" if rng.random() < 0.6 else "",
                arxiv=arxiv,
                authors=authors,
                tags=tuple(dict.fromkeys(rng.sample(TAGS, rng.randrange(0, 4)))),
                status=rng.choice(("unread", "reading", "read")),
                added=f"20{(i % 6) + 19}-{month:02d}-{1 + i % 28:02d}",
                notes=notes,
            )
        )
    return papers


def _author(rng: random.Random) -> str:
    kind = rng.random()
    if kind < 0.25:
        return rng.choice(HANZI_FAMILY) + "".join(rng.sample(HANZI_GIVEN, rng.randrange(1, 3)))
    if kind < 0.5:
        return f"{rng.choice(PINYIN_GIVEN)} {rng.choice(PINYIN_FAMILY)}"
    return f"{rng.choice(GIVEN)} {rng.choice(FAMILY)}"


def _note(rng: random.Random) -> str:
    pool = NOTE_ZH if rng.random() < 0.7 else NOTE_EN
    return rng.choice(pool).format(w=rng.choice(WORDS), n=rng.randrange(2, 20))


def layout_for(order: list[str]) -> DocumentLayout:
    """Link sections like the seed document's, with the papers section between them."""
    repo = Section(
        "Repo",
        1,
        items=(
            LinkItem("Transformer升级之路", "https://github.com/ZhuiyiTechnology/roformer"),
            LinkItem(
                "T5",
                children=(
                    LinkItem(
                        url="https://huggingface.co/IDEA-CCNL/Randeng-T5-784M",
                        children=(LinkItem("基于mT5-large，训练了它的中文版"),),
                    ),
                ),
            ),
        ),
    )
    distill = Section("蒸馏", 2, items=(LinkItem(url="https://github.com/airaria/TextBrewer"),))
    words = Section(
        "词向量", 1, items=(LinkItem(url="https://github.com/Embedding/Chinese-Word-Vectors"),)
    )
    sections = (repo, distill, Section("Paper", 1, papers=True), words)
    return DocumentLayout(sections=sections, toc_depth=2, order=tuple(order))


def with_keys(papers: list[Paper]) -> list[Paper]:
    """Citation keys as ``papernotes add`` assigns them (``formats.bibtex.keys``), else paperN."""
    try:
        from papernotes.formats.bibtex.keys import unique_key
    except ImportError:  # pragma: no cover - before the BibTeX work landed
        return [replace(p, key=p.key or f"paper{i}") for i, p in enumerate(papers)]
    taken: set[str] = set()
    keyed = []
    for paper in papers:
        key = unique_key(paper, taken)
        taken.add(key.casefold())
        keyed.append(replace(paper, key=key))
    return keyed


def write_notes(papers: list[Paper], root: Path) -> list[str]:
    """Write one note file per paper and ``document.yaml``; returns the note paths in order."""
    taken: dict[int, set[str]] = {}
    paths = []
    for paper in papers:
        slugs = taken.setdefault(paper.year, set())
        slug = unique_slug(slugify(paper.title), slugs)
        slugs.add(slug)
        folder = root / str(paper.year)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{slug}.md").write_text(render_note(paper), encoding="utf-8")
        paths.append(f"{paper.year}/{slug}.md")
    (root / LAYOUT_FILE).write_text(render_layout(layout_for(paths)), encoding="utf-8")
    return paths


def markdown_document(papers: list[Paper]) -> str:
    from papernotes.formats.markdown.write import render_document

    order = sorted(range(len(papers)), key=lambda i: -papers[i].year)
    return render_document(layout_for([]), [papers[i] for i in order])


def bibtex(papers: list[Paper]) -> tuple[str, str]:
    """The .bib text and how it was made (the library's writer when there is one)."""
    keyed = [replace(p, key=p.key or f"paper{i}") for i, p in enumerate(papers)]
    try:
        from papernotes.formats.bibtex.write import render_bibliography
    except ImportError:
        render_bibliography = None
    if render_bibliography is not None:
        try:
            return render_bibliography(keyed), "papernotes.formats.bibtex.write"
        except TypeError:
            pass
    return "".join(_bib_entry(p) for p in keyed), "a simple template (bench/generate.py)"


def _bib_entry(paper: Paper) -> str:
    fields = [("title", "{" + paper.title + "}"), ("author", " and ".join(paper.authors)),
              ("year", str(paper.year))]  # fmt: skip
    if paper.venue:
        fields.append(("booktitle", paper.venue))
    if paper.arxiv:
        fields += [("eprint", paper.arxiv), ("archiveprefix", "arXiv")]
    body = "".join(f"  {name} = {{{value}}},\n" for name, value in fields)
    return f"@inproceedings{{{paper.key},\n{body}}}\n\n"


def generate(n: int, out: Path, seed: int = 6) -> dict[str, Path]:
    """Write the notes folder, the Markdown document and the .bib for ``n`` papers under ``out``."""
    papers = with_keys(make_papers(n, seed))
    out.mkdir(parents=True, exist_ok=True)
    notes = out / "notes"
    write_notes(papers, notes)
    doc = out / "reading-notes.md"
    doc.write_text(markdown_document(papers), encoding="utf-8")
    bib = out / "library.bib"
    text, how = bibtex(papers)
    bib.write_text(text, encoding="utf-8")
    (out / "bib-made-by.txt").write_text(how + "\n", encoding="utf-8")
    return {"notes": notes, "markdown": doc, "bib": bib}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=1000, help="number of papers")
    parser.add_argument("--out", type=Path, required=True, help="folder to write into (fresh)")
    parser.add_argument("--seed", type=int, default=6)
    args = parser.parse_args(argv)
    if (args.out / "notes").exists():
        parser.error(f"{args.out / 'notes'} already exists; pick a fresh folder")
    written = generate(args.n, args.out, args.seed)
    for name, path in written.items():
        print(f"{name}: {path}")


if __name__ == "__main__":
    main()
