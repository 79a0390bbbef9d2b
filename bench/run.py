"""The benchmark: whole ``papernotes`` processes on synthetic libraries, against the targets.

    python bench/run.py --n 1000 10000            # median of 5 runs each, writes bench/results.md
    python bench/run.py --n 100000 --only "list warm" --only tui

Each measurement starts a fresh process and records its wall time and its peak resident
memory (``os.wait4``'s rusage of that one child; the runner itself stays small, as a child's
peak starts from its parent's size at fork). Libraries come from ``bench/generate.py``
in a scratch folder; the library cache goes to a private ``XDG_CACHE_HOME`` there.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

BENCH = Path(__file__).resolve().parent

NEW_PINYIN_QUERIES = ("zhishi", "moxing", "tuilisudu", "shiyan", "yuxunlian", "tuili sudu")
"""Pinyin queries each finding many papers, taken in turn: more than the answers kept (4),
so each is new to the search answers when it runs (``storage/caches/search_answers.py``)."""
RACY_WAIT_S = 2.2  # the cache keeps only files older than its racy margin (2 s)

# name -> (target at 10,000 notes, target at 100,000 notes), in seconds or MB
TARGETS = {
    "list warm": (0.25, 1.5),
    "list warm, one note edited": (None, 1.0),
    "search 蒸馏 warm, one note edited": (None, 1.0),
    "search new pinyin query, one note edited": (None, 1.0),
    "list cold (no cache)": (1.5, None),
    "search distillation warm": (None, None),
    "search 蒸馏 warm": (0.3, None),
    "search 蒸餾 (traditional) warm": (0.3, None),
    "search zhengliu (pinyin) warm": (0.3, None),
    "show": (None, None),
    "show KEY warm": (0.1, 0.3),
    "show KEY, another note changed by set": (None, 1.0),
    "export --bib, one note edited": (0.3, None),
    "export --bib warm": (0.3, None),
    "export --bib --with-notes warm": (None, None),
    "export --bib --with-notes, one note edited": (None, 1.0),
    "complete PAPER warm (Tab)": (0.25, None),
    "export --md": (0.6, None),
    "list --json warm": (None, None),
    "list --json, one note edited": (None, 1.0),
    "export --md, one note edited": (None, 1.0),
    "list --tag T --json, one note edited": (None, 1.0),
    "list --json --sort title, one note edited": (None, 1.0),
    "queue --json, one note edited": (None, 1.0),
    "search --json distillation, one note edited": (None, 1.0),
    "list --format {key}, one note edited": (None, 1.0),
    "stats warm": (None, None),
    "stats, one note edited": (None, 1.0),
    "check warm": (None, None),
    "check, one note edited": (None, 1.0),
    "import Markdown (empty library)": (6.0, None),
    "import .bib (empty library)": (5.0, None),
    "import .bib peak memory (MB)": (120, None),
    "add": (None, None),
    "add, history in git on": (None, None),
    "sync, nothing to do": (None, None),
    "set --tag ±x --year 2018..2020 (~1,000 papers)": (2.0, None),
    "queue warm": (0.3, None),
    "queue, one note edited": (None, 1.0),
    "links KEY, one note edited": (None, 1.0),
    "key KEY, one note edited": (None, 1.0),
    "links KEY, the linking note changed by set": (None, 1.0),
    "TUI first screen, list filled": (1.0, 1.5),
    "TUI filter keystroke": (0.030, 0.050),
    "TUI filter keystroke, pinyin query": (0.030, 0.050),
    "TUI status of ~1,000 marked rows": (2.0, None),
    "TUI key answered during it (slowest)": (None, None),
    "TUI status of ~1,000 marked rows, right after another": (2.0, None),
    "list peak memory (MB)": (150, None),
    "peak memory of any command (MB)": (None, 250),
}


@dataclass
class Result:
    name: str
    seconds: list[float] = field(default_factory=list)
    peak_mb: list[float] = field(default_factory=list)
    note: str = ""

    @property
    def median(self) -> float | None:
        return statistics.median(self.seconds) if self.seconds else None


def run_process(
    args: list[str], env: dict[str, str], stdin: str | None = None
) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of one process; raises if it fails."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        args,
        env=env,
        stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    if stdin is not None:
        proc.stdin.write(stdin.encode())
        proc.stdin.close()
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    error = proc.stderr.read().decode(errors="replace")
    proc.stderr.close()
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(args[2:])} failed ({proc.returncode}): {error[-800:]}")
    scale = 1 if sys.platform == "darwin" else 1024  # ru_maxrss: bytes on macOS, KiB on Linux
    return elapsed, usage.ru_maxrss * scale / 1e6


def papernotes(root: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "papernotes", "--notes", str(root), *args]


class Bench:
    def __init__(self, n: int, work: Path, runs: int, only: list[str], reuse: bool = False) -> None:
        self.n, self.runs, self.only, self.reuse = n, runs, only, reuse
        self.work = work / f"n{n}"
        self.results: dict[str, Result] = {}
        self.env = dict(os.environ)
        self.env.update(
            XDG_CACHE_HOME=str(self.work / "cache"),
            PAPERNOTES_ARXIV_URL="http://127.0.0.1:9/api/query",  # never the network
            EDITOR="false",
        )
        for name in ("PAPERNOTES_DIR", "PAPERNOTES_NO_CACHE"):
            self.env.pop(name, None)

    def wanted(self, name: str) -> bool:
        return not self.only or any(o.casefold() in name.casefold() for o in self.only)

    def measure(
        self, name: str, args, before=None, stdin: str | None = None, env: dict | None = None
    ) -> None:
        """Run ``args`` (a list, or a function giving one per run) ``self.runs`` times, with
        ``env`` added to the environment."""
        if not self.wanted(name):
            return
        result = self.results.setdefault(name, Result(name))
        for _ in range(self.runs):
            if before is not None:
                before()
            argv = args() if callable(args) else args
            seconds, peak = run_process(argv, {**self.env, **(env or {})}, stdin)
            result.seconds.append(seconds)
            result.peak_mb.append(peak)
        print(f"  n={self.n:<7} {name:34} {result.median:8.3f} s  {max(result.peak_mb):6.0f} MB")

    def one_paper(self, notes: Path, edit_one) -> None:
        """``show``, ``export --bib`` (kept and after an edit) and a Tab completing a PAPER."""
        some = sorted((notes / "2015").glob("*.md"))[0]
        self.measure("show", papernotes(notes, "show", some.stem))
        key = next(
            line.split(":", 1)[1].strip().strip("'\"")
            for line in some.read_text(encoding="utf-8").splitlines()
            if line.startswith("key:")
        )
        if self.wanted("show KEY warm"):  # the name index kept (library/name_index.py)
            run_process(papernotes(notes, "show", key), self.env)
        self.measure("show KEY warm", papernotes(notes, "show", key))
        other = sorted((notes / "2016").glob("*.md"))[0].stem
        signs = itertools.cycle("+-")

        def set_other() -> None:  # a write renames a file: its year folder's times change
            run_process(papernotes(notes, "set", other, "--tag", f"{next(signs)}y"), self.env)
            time.sleep(RACY_WAIT_S)  # old enough to be kept (the racy rule)

        self.measure(
            "show KEY, another note changed by set",
            papernotes(notes, "show", key),
            before=set_other,
        )
        # After an edit the kept text is of no use, but each note's entry is kept by its
        # digest (library/bib_entries.py): only the edited note's entry is rendered again.
        if self.wanted("export --bib, one note edited"):  # every entry kept
            run_process(papernotes(notes, "export", "--bib"), self.env)
        self.measure(
            "export --bib, one note edited", papernotes(notes, "export", "--bib"), before=edit_one
        )
        if self.wanted("export --bib warm"):  # the text kept (library/kept_bibtex.py)
            run_process(papernotes(notes, "export", "--bib"), self.env)
        self.measure("export --bib warm", papernotes(notes, "export", "--bib"))
        # Too long to keep whole (over 64 MB at 100,000 notes): made from every note's entry
        # kept per year folder, written one folder at a time (library/bib_folders.py).
        with_notes = papernotes(notes, "export", "--bib", "--with-notes")
        if self.wanted("export --bib --with-notes warm"):
            run_process(with_notes, self.env)
        self.measure("export --bib --with-notes warm", with_notes)
        # Only the edited folder's entries made again; the others' texts printed as kept.
        self.measure("export --bib --with-notes, one note edited", with_notes, before=edit_one)
        # A Tab after `papernotes show 20`: bash's completion protocol, as the shell runs it
        # (the first run makes the kept candidates; the measured runs read them).
        words = f"papernotes --notes {notes} show 20"
        tab = {"_PAPERNOTES_COMPLETE": "bash_complete", "COMP_WORDS": words, "COMP_CWORD": "4"}
        if self.wanted("complete"):
            run_process(papernotes(notes), {**self.env, **tab})
        self.measure("complete PAPER warm (Tab)", papernotes(notes), env=tab)

    def generate(self) -> None:
        """The synthetic library under ``self.work`` (kept as it is with ``--reuse``)."""
        started = time.time()
        if self.reuse and (self.work / "notes").is_dir():  # made by an earlier --reuse run
            print(f"reusing the library under {self.work}")
        else:
            if self.work.exists():
                shutil.rmtree(self.work)
            # In its own process: a child's peak memory counts the parent's at fork time, so
            # this runner stays small (it never imports papernotes).
            subprocess.run(
                [
                    sys.executable,
                    str(BENCH / "generate.py"),
                    "--n",
                    str(self.n),
                    "--out",
                    str(self.work),
                ],
                env=self.env,
                check=True,
                stdout=subprocess.DEVNULL,
            )
            print(f"generated {self.n} notes in {time.time() - started:.1f} s under {self.work}")

    def run(self) -> dict[str, Result]:
        started = time.time()
        self.generate()
        notes, markdown = self.work / "notes", self.work / "reading-notes.md"
        cache = self.work / "cache"

        def no_cache() -> None:
            shutil.rmtree(cache, ignore_errors=True)

        self.measure("list cold (no cache)", papernotes(notes, "list"), before=no_cache)
        time.sleep(max(0.0, started + RACY_WAIT_S - time.time()))
        run_process(papernotes(notes, "list"), self.env)  # the cache now holds every note
        self.measure("list warm", papernotes(notes, "list"))
        # A note edited (2 s before, as a person would): the kept list output no longer
        # matches, so this loads from the library cache, reads that one note again, and
        # writes the library cache and the list output anew.
        edited, ages = sorted((notes / "2016").glob("*.md"))[0], itertools.count()

        def edit_one() -> None:
            when = time.time() - 3600 - next(ages)
            os.utime(edited, (when, when))  # changes its ctime too: as a real edit would
            time.sleep(RACY_WAIT_S)  # old enough to be kept (the racy rule)

        self.measure("list warm, one note edited", papernotes(notes, "list"), before=edit_one)
        if self.wanted("search"):  # the search forms (folded, pinyin) of every note kept
            run_process(papernotes(notes, "search", "zhengliu"), self.env)
        self.measure("search distillation warm", papernotes(notes, "search", "distillation"))
        self.measure("search 蒸馏 warm", papernotes(notes, "search", "蒸馏"))
        self.measure("search 蒸餾 (traditional) warm", papernotes(notes, "search", "蒸餾"))
        self.measure("search zhengliu (pinyin) warm", papernotes(notes, "search", "zhengliu"))
        # As "list warm, one note edited": the edited note's cache shard and search forms
        # are made again, the other notes' come from the caches.
        self.measure(
            "search 蒸馏 warm, one note edited",
            papernotes(notes, "search", "蒸馏"),
            before=edit_one,
        )
        # A query none of the last 4 was (its answers not kept), in pinyin, finding tens of
        # thousands of papers at 100,000 notes: every year matched, placed and printed.
        new_queries = itertools.cycle(NEW_PINYIN_QUERIES)
        if self.wanted("search new pinyin query"):  # the forms kept for this code (--only)
            run_process(papernotes(notes, "search", "zhengliu"), self.env)
        self.measure(
            "search new pinyin query, one note edited",
            lambda: papernotes(notes, "search", next(new_queries)),
            before=edit_one,
        )
        self.one_paper(notes, edit_one)
        self.measure("export --md", papernotes(notes, "export", "--md"))
        # Long outputs are written as they are made (list --json, export --md); stats and
        # check read every note (check from its file): their peak is every note held.
        if self.wanted("list --json warm"):  # a JSON too long to keep: made on every run
            run_process(papernotes(notes, "list", "--json"), self.env)
        self.measure("list --json warm", papernotes(notes, "list", "--json"))
        # After an edit both are written from the text kept per year folder: only the edited
        # note is read and rendered again (library/text_blocks.py).
        if self.wanted("list --json, one note edited"):  # every year's text kept
            run_process(papernotes(notes, "list", "--json"), self.env)
        self.measure(
            "list --json, one note edited", papernotes(notes, "list", "--json"), before=edit_one
        )
        if self.wanted("export --md, one note edited"):  # every year's text kept
            run_process(papernotes(notes, "export", "--md"), self.env)
        self.measure(
            "export --md, one note edited", papernotes(notes, "export", "--md"), before=edit_one
        )
        self.chosen_json(notes, edit_one)
        self.measure("stats warm", papernotes(notes, "stats"))
        # From the counts kept per year folder: only the edited folder's rows are counted.
        self.measure("stats, one note edited", papernotes(notes, "stats"), before=edit_one)
        self.measure("check warm", papernotes(notes, "check"))
        # Every note file read and hashed (check's job); only the edited note parsed, the
        # others' facts and the output kept by content (storage/caches/check_facts.py).
        if self.wanted("check, one note edited"):  # its facts kept for this code (--only)
            run_process(papernotes(notes, "check"), self.env)
        self.measure("check, one note edited", papernotes(notes, "check"), before=edit_one)
        # Each run imports into a new folder, and they are all deleted afterwards: deleting
        # 10,000 files just before a run makes ext4 slow to create files for minutes
        # (it scans the recently deleted inodes), which would measure the kernel, not us.
        targets = (self.work / f"imported-{i}" for i in range(10**6))

        def fresh_import() -> list[str]:
            return papernotes(next(targets), "import", str(markdown))

        self.measure("import Markdown (empty library)", fresh_import)

        def fresh_bib_import() -> list[str]:
            return papernotes(next(targets), "import", str(self.work / "library.bib"))

        self.measure("import .bib (empty library)", fresh_bib_import)
        for folder in self.work.glob("imported-*"):
            shutil.rmtree(folder, ignore_errors=True)
        self.reading_queue(notes, edit_one)
        self.tui(notes)
        self.links(notes, edit_one)
        counter = iter(range(10**6))
        run = time.strftime("%Y%m%d-%H%M%S")  # a reused library holds earlier runs' papers

        def add_args() -> list[str]:
            title = f"Bench {run} {next(counter)}"
            return papernotes(notes, "add", "--year", "2024", "--title", title)

        if self.wanted("add"):
            result = self.results.setdefault("add", Result("add"))
            for _ in range(self.runs):
                seconds, peak = run_process(add_args(), self.env, stdin="one note\n")
                result.seconds.append(seconds)
                result.peak_mb.append(peak)
            print(
                f"  n={self.n:<7} {'add':34} {result.median:8.3f} s  {max(result.peak_mb):6.0f} MB"
            )
        self.history(notes, add_args)
        self.summarise()
        return self.results

    def summarise(self) -> None:
        """The rows worked out from the others: peak memory of the .bib import, any command
        and ``list``."""
        if "import .bib (empty library)" in self.results:
            peak = self.results["import .bib (empty library)"].peak_mb
            self.results["import .bib peak memory (MB)"] = Result(
                "import .bib peak memory (MB)", seconds=[max(peak)], note="every run"
            )
        measured = [r for r in self.results.values() if r.peak_mb]
        if measured:
            worst = max(measured, key=lambda r: max(r.peak_mb))
            self.results["peak memory of any command (MB)"] = Result(
                "peak memory of any command (MB)",
                seconds=[max(worst.peak_mb)],
                note=f"largest: {worst.name}",
            )
        if "list warm" in self.results and "list cold (no cache)" in self.results:
            peak = self.results["list warm"].peak_mb + self.results["list cold (no cache)"].peak_mb
            self.results["list peak memory (MB)"] = Result(
                "list peak memory (MB)", seconds=[max(peak)], note="cold and warm runs"
            )

    def history(self, notes: Path, add_args) -> None:
        """``add`` with history in git on (target: at most 0.1 s more than ``add``), and a
        ``sync`` with nothing to do against a bare repository on this disk."""
        if not self.wanted("history") and not self.wanted("sync"):
            return
        env = self.env
        for name, value in (("NAME", "Bench"), ("EMAIL", "bench@example.org")):
            env.setdefault(f"GIT_AUTHOR_{name}", value)
            env.setdefault(f"GIT_COMMITTER_{name}", value)
        subprocess.run(papernotes(notes, "git", "on"), env=env, check=True, capture_output=True)
        self.measure("add, history in git on", add_args, stdin="one note\n")
        if "add" in self.results and "add, history in git on" in self.results:
            extra = self.results["add, history in git on"].median - self.results["add"].median
            self.results["add, history in git on"].note = f"{extra * 1000:+.0f} ms against add"
        remote = self.work / "remote.git"
        subprocess.run(["git", "init", "-q", "--bare", str(remote)], check=True)
        git = ["git", "-C", str(notes), "remote"]
        subprocess.run([*git, "remove", "origin"], capture_output=True)  # a reused library's
        subprocess.run([*git, "add", "origin", str(remote)], check=True)
        subprocess.run(papernotes(notes, "sync"), env=env, check=True, capture_output=True)
        self.measure("sync, nothing to do", papernotes(notes, "sync"))
        # Off again: a --reuse run's writes (set, add, the TUI's) are measured without git.
        subprocess.run(papernotes(notes, "git", "off"), env=env, check=True, capture_output=True)

    def links(self, notes: Path, edit_one) -> None:
        """``links KEY`` and ``key KEY`` after an edit (target: 1 s at 100,000 notes), from the
        name index (library/index_links.py). Two notes link to each other first, as a user's
        would (``note -q``): the paper of ``show KEY`` and the edited note (``edit_one``);
        their files are put back afterwards, so the rows before (and a ``--reuse`` run) see
        the library as generated."""
        names = ("links KEY", "key KEY")
        if not any(self.wanted(name) for name in names):
            return
        some = sorted((notes / "2015").glob("*.md"))[0]
        linking = sorted((notes / "2016").glob("*.md"))[0]  # the note edit_one edits
        kept = {path: path.read_bytes() for path in (some, linking)}
        key = next(
            line.split(":", 1)[1].strip().strip("'\"")
            for line in kept[some].decode("utf-8").splitlines()
            if line.startswith("key:")
        )
        for source, target in ((linking.stem, key), (key, linking.stem)):
            run_process(papernotes(notes, "note", source, "-q", f"see [[{target}]]"), self.env)
        time.sleep(RACY_WAIT_S)
        for name, args in ((names[0], ("links", key)), (names[1], ("key", key))):
            if self.wanted(name):  # the name index kept (library/name_index.py)
                run_process(papernotes(notes, *args), self.env)
            self.measure(f"{name}, one note edited", papernotes(notes, *args), before=edit_one)
        signs = itertools.cycle("+-")

        def set_linking() -> None:  # a write renames a file: its year folder's times change
            tag = f"{next(signs)}y"
            run_process(papernotes(notes, "set", linking.stem, "--tag", tag), self.env)
            time.sleep(RACY_WAIT_S)  # old enough to be kept (the racy rule)

        self.measure(
            "links KEY, the linking note changed by set",
            papernotes(notes, "links", key),
            before=set_linking,
        )
        for path, data in kept.items():  # put back as generated (a new file renamed in)
            temporary = path.with_name(f".{path.name}.bench")
            temporary.write_bytes(data)
            os.replace(temporary, path)
        time.sleep(RACY_WAIT_S)

    def chosen_json(self, notes: Path, edit_one) -> None:
        """``--json`` and ``--format`` of chosen papers after an edit: from the kept rows and
        each note's JSON text kept per year folder (library/note_texts.py); the first run
        of each keeps what it needs."""
        rows = [
            ("list --tag T --json, one note edited", ("list", "--tag", "nlp", "--json")),
            ("list --json --sort title, one note edited", ("list", "--json", "--sort", "title")),
            ("queue --json, one note edited", ("queue", "--json")),
            ("search --json distillation, one note edited", ("search", "--json", "distillation")),
            ("list --format {key}, one note edited", ("list", "--format", "{key}")),
        ]
        for name, args in rows:
            if self.wanted(name):
                run_process(papernotes(notes, *args), self.env)
            self.measure(name, papernotes(notes, *args), before=edit_one)

    def reading_queue(self, notes: Path, edit_one) -> None:
        """``set`` writing a tenth of the library (three of its 30 years), adding the tag on
        one run and removing it on the next so that every run writes; then ``queue``, kept
        and after an edit."""
        signs = itertools.cycle("+-")

        def set_args() -> list[str]:
            return papernotes(notes, "set", "--year", "2018..2020", "--tag", f"{next(signs)}x")

        self.measure("set --tag ±x --year 2018..2020 (~1,000 papers)", set_args)
        if self.wanted("queue"):
            time.sleep(RACY_WAIT_S)  # the notes set wrote are old enough to be cached
            run_process(papernotes(notes, "queue"), self.env)  # its output is kept
        self.measure("queue warm", papernotes(notes, "queue"))
        # From each year folder's sorted lines kept: only the edited folder's made again.
        self.measure("queue, one note edited", papernotes(notes, "queue"), before=edit_one)

    def tui(self, notes: Path) -> None:
        first, key = "TUI first screen, list filled", "TUI filter keystroke"
        if not (self.wanted(first) or self.wanted(key)):
            return
        probe = [sys.executable, str(BENCH / "tui_probe.py"), str(notes)]
        check = subprocess.run(
            [sys.executable, "-c", "import papernotes.tui.app"], env=self.env, capture_output=True
        )
        if check.returncode != 0:
            self.results[first] = Result(first, note="not available (papernotes.tui.app)")
            self.results[key] = Result(key, note="not available (papernotes.tui.app)")
            return
        pinyin = Result("TUI filter keystroke, pinyin query")
        bulk = Result("TUI status of ~1,000 marked rows")
        answering = Result("TUI key answered during it (slowest)")
        again = Result("TUI status of ~1,000 marked rows, right after another")
        firsts, keys = Result(first), Result(key)
        for _ in range(self.runs):
            # Each run ends by setting a status on ~1,000 notes (the bulk row): let those be
            # cached again first (`search` reads every note; `list` may read kept rows only),
            # so every run's first screen reads a warm cache.
            time.sleep(RACY_WAIT_S)
            run_process(papernotes(notes, "search", "distillation"), self.env)
            run_process(papernotes(notes, "list"), self.env)  # the rows the TUI starts from
            first_screen, report, usage_mb = self.tui_probe(probe)
            firsts.seconds.append(first_screen)
            firsts.peak_mb.append(usage_mb)
            keys.seconds.append(statistics.median(report["keystrokes"]))
            keys.peak_mb.append(usage_mb)
            pinyin.seconds.append(statistics.median(report["pinyin"]))
            pinyin.peak_mb.append(usage_mb)
            if "bulk" in report:  # V on year:2018..2020, s, the next status (tui_probe.py)
                bulk.seconds.append(report["bulk"])
                answering.seconds.append(report["answering"])
                bulk.peak_mb.append(usage_mb)
                answering.peak_mb.append(usage_mb)
                # At once again, nothing run in between: the rows and search forms kept of
                # the notes just changed are stale, so the start reads and folds them again
                # (one run peaked at 631 MB so, with the collector paused meanwhile).
                _, report, peak = self.tui_probe(probe)
                again.seconds.append(report["bulk"])
                again.peak_mb.append(peak)
        keys.note = "median keystroke of each run (Latin and Chinese)"
        pinyin.note = "median keystroke of each run typing zhengliu"
        self.results[first], self.results[key] = firsts, keys
        self.results[pinyin.name] = pinyin
        shown = [firsts, keys, pinyin]
        if bulk.seconds:
            self.results[bulk.name], self.results[answering.name] = bulk, answering
            self.results[again.name] = again
            shown += [bulk, answering, again]
        for r in shown:
            print(f"  n={self.n:<7} {r.name:34} {r.median:8.3f} s  {max(r.peak_mb):6.0f} MB")

    def tui_probe(self, probe: list[str]) -> tuple[float, dict, float]:
        """One run of ``tui_probe.py``: seconds to its first screen, its report, and its
        peak memory (MB, as every row's: the resident set's KiB / 1024)."""
        start = time.perf_counter()
        with open(self.work / "tui-probe.log", "a") as log:
            proc = subprocess.Popen(
                probe, env=self.env, stdout=subprocess.PIPE, stderr=log, text=True
            )
        line = proc.stdout.readline()
        first_screen = time.perf_counter() - start
        _, status, usage = os.wait4(proc.pid, 0)
        report = json.loads(proc.stdout.read().strip().splitlines()[-1])
        proc.stdout.close()
        if not line.startswith("READY") or os.waitstatus_to_exitcode(status) != 0:
            raise RuntimeError(f"TUI probe failed: {line} {report}")
        return first_screen, report, usage.ru_maxrss / 1024


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (
        f"{cpu}, {os.cpu_count()} cores, {platform.system()} {platform.release()}, "
        f"Python {platform.python_version()}"
    )


def table(all_results: dict[int, dict[str, Result]], runs: int, load: str = "") -> str:
    sizes = sorted(all_results)
    names = [n for n in TARGETS if any(n in r for r in all_results.values())]
    head = ["measurement", "target @10k", "target @100k"] + [f"N={n:,}" for n in sizes]
    head += [f"peak MB N={n:,}" for n in sizes]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for name in names:
        t10, t100 = TARGETS[name]
        row = [name, _target(name, t10), _target(name, t100)]
        peaks = []
        for n in sizes:
            result = all_results[n].get(name)
            row.append(_cell(name, result, t10 if n == 10_000 else t100 if n == 100_000 else None))
            peaks.append(f"{max(result.peak_mb):.0f}" if result and result.peak_mb else "")
        lines.append("| " + " | ".join(row + peaks) + " |")
    date = time.strftime("%Y-%m-%d")
    return (
        f"# papernotes benchmark\n\nMachine: {machine()}. Date: {date}.{load}\n\n"
        f"Wall time of whole processes, median of {runs} runs (seconds unless noted); "
        "✅/❌ compares with the target for that N. Peak memory is the largest resident set "
        "of any run.\n\n" + "\n".join(lines) + "\n"
    )


def _target(name: str, target: float | None) -> str:
    if target is None:
        return ""
    if "MB" in name:
        return f"≤ {target} MB"
    return f"≤ {target * 1000:.0f} ms" if target < 0.2 else f"≤ {target} s"


def _cell(name: str, result: Result | None, target: float | None) -> str:
    if result is None:
        return ""
    if result.median is None:
        return result.note
    value = result.median
    text = (
        f"{value:.0f}"
        if "MB" in name
        else f"{value * 1000:.1f} ms"
        if value < 0.2
        else f"{value:.3f}"
    )
    if target is not None:
        text += " ✅" if value <= target else " ❌"
    if result.note and "MB" not in name:
        text += f" ({result.note})"
    return text


PROBE_STEPS = 10**7


def cpu_probe() -> float:
    """Seconds a fixed pure-Python loop takes now: on a virtual machine sharing its host the
    same run can be twice as slow at one hour as at another (seen: 0.96 to 1.72 s), which
    the load average of this machine does not show."""
    started = time.perf_counter()
    total = 0
    for step in range(PROBE_STEPS):
        total += step
    return time.perf_counter() - started


def in_clean_python(argv: list[str]) -> None:
    """Run this script again in a virtual environment that sees the packages of the Python
    running it, unless it runs in one already.

    Users install papernotes into a virtual environment of its own (``pipx``, or the README's
    ``python -m venv``), whose start-up runs only its own ``.pth`` files. A base interpreter's
    ``site-packages`` may hold others that import things at every start (on the machine the
    results below come from, a sandbox's ``.pth`` imports ``certifi``: 40 ms per process), which
    would be counted against every row. The environment made here has no pip and no copies:
    one ``.pth`` naming this checkout's ``src`` and the base ``site-packages`` folders (paths
    listed in a ``.pth`` are added to ``sys.path``; their own ``.pth`` files do not run).
    """
    if sys.prefix != sys.base_prefix or os.environ.get("PAPERNOTES_BENCH_AS_IS"):
        return
    import site
    import sysconfig

    venv = (
        Path(tempfile.gettempdir())
        / f"papernotes-bench-python-{sys.version_info[0]}{sys.version_info[1]}"
    )
    python = venv / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    purelib = Path(sysconfig.get_path("purelib", vars={"base": str(venv), "platbase": str(venv)}))
    folders = [str(BENCH.parent / "src"), *site.getsitepackages()]
    (purelib / "papernotes-bench.pth").write_text("\n".join(folders) + "\n", encoding="utf-8")
    print(f"running in {venv} (the packages of {sys.executable}, without its .pth files)")
    os.execv(str(python), [str(python), str(Path(__file__).resolve()), *argv])


def main(argv: list[str] | None = None) -> None:
    in_clean_python(sys.argv[1:] if argv is None else argv)
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--runs", type=int, default=5, help="runs per measurement (median)")
    parser.add_argument(
        "--only", action="append", default=[], help="measure only these (substring)"
    )
    parser.add_argument("--work", type=Path, help="scratch folder (default: a temporary one)")
    parser.add_argument("--out", type=Path, default=BENCH / "results.md")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="with --work: use the library an earlier run generated there (100,000 notes "
        "take minutes to make); the runs add notes to it",
    )
    args = parser.parse_args(argv)
    work = args.work or Path(tempfile.mkdtemp(prefix="papernotes-bench-"))
    all_results = {}
    load_before = os.getloadavg() if hasattr(os, "getloadavg") else None
    speed_before = cpu_probe()
    try:
        for n in args.n:
            all_results[n] = Bench(n, work, args.runs, args.only, args.reuse).run()
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    load = ""
    if load_before is not None:
        after = os.getloadavg()
        load = f" 1-minute load average {load_before[0]:.1f} before, {after[0]:.1f} after"
        load += " (other work on the machine slows every number)."
    load += (
        f" CPU probe (a {PROBE_STEPS:,}-step Python loop, slower when the host is shared):"
        f" {speed_before:.2f} s before, {cpu_probe():.2f} s after."
    )
    text = table(all_results, args.runs, load)
    print()
    print(text)
    args.out.write_text(text, encoding="utf-8")
    print(f"written to {args.out}")


if __name__ == "__main__":
    main()
