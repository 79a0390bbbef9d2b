"""The library's history in git: a commit of exactly the files each write changed (the
hook ``NoteStore.after_writes`` calls), turning it on and off, the log, undo and redo.
Sync is ``library/sync_ops.py``; the git program is driven by ``papernotes.history``."""

from __future__ import annotations

import os
import shlex
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from papernotes.errors import ConflictError, InvalidInputError, NotFoundError
from papernotes.history.git import GitError
from papernotes.history.repo import (
    CHANGE_TRAILER,
    REDO_TRAILER,
    UNDO_TRAILER,
    GitRepo,
    LogEntry,
)
from papernotes.storage.library_settings import (
    ATTRIBUTES,
    DOCUMENT_DRIVER,
    GITATTRIBUTES,
    GITIGNORE,
    IGNORED,
    NOTE_DRIVER,
    SETTINGS_FILE,
    git_enabled,
    settings_text,
    with_lines,
)

if TYPE_CHECKING:
    from papernotes.library.api import Library
    from papernotes.model import Paper

__all__ = ["GitError", "History", "HistoryStatus", "LogEntry"]


@dataclass(frozen=True)
class HistoryStatus:
    enabled: bool
    repository: str | None  # the repository's top folder
    branch: str | None
    pending: tuple[str, ...]  # hand edits not committed yet
    merging: bool  # a sync stopped on conflicts


class History:
    """One library's history: made by ``Library.history`` and kept with it."""

    def __init__(self, library: Library) -> None:
        self.library = library
        self.store = library.store
        self.repo = GitRepo(library.root)
        self.message: str | None = None  # the next commit's message (``Library.writing``)
        self.trailers: dict[str, str] = {}
        self.saves: list[str] = []  # what each save of the current write changed
        self.paused = False  # sync and enable commit by themselves

    def enabled(self) -> bool:
        return git_enabled(self.library.root)

    # -- the commit hook ---------------------------------------------------

    def ready(self) -> None:
        """Refuse a write (nothing written yet) that could not be committed: git missing,
        no identity, a sync stopped on conflicts."""
        if self.paused or not self.enabled():
            return
        problem = self.repo.identity_problem()
        if problem:
            raise GitError(f"{problem}; nothing was written.")
        git_dir = self.repo.git_dir()
        if os.path.exists(os.path.join(git_dir, "MERGE_HEAD")):
            raise GitError(
                "A sync stopped on conflicts; finish it with 'papernotes sync --continue' or "
                "undo it with 'papernotes sync --abort' first (nothing was written)."
            )

    def merging(self) -> bool:
        from papernotes.history.remote import Remote

        return self.repo.toplevel() is not None and Remote(self.repo).merging()

    def describe(self, message: str, override: bool = False) -> None:
        """The message of the commit the current write makes (the first one given, unless
        ``override``): one line, shortened to what a log shows."""
        line = " ".join(message.split())
        if len(line) > 72:
            line = line[:71].rstrip() + "…"
        if override or self.message is None:
            self.message = line

    def saved(self, old: Paper, new: Paper) -> None:
        """Note what a save changed (``Library.save``): the message of a write that gave none."""
        self.saves.append(save_summary(old, new))

    def unsaved(self) -> None:
        """Forget the last ``saved``: that save failed."""
        if self.saves:
            self.saves.pop()

    def commit_changes(self, paths: list[str]) -> None:
        """``NoteStore.after_writes``: commit ``paths`` when history is on."""
        message, trailers, saves = self.message, self.trailers, self.saves
        self.message, self.trailers, self.saves = None, {}, []
        if self.paused or not self.enabled():
            return
        if not message and saves:
            message = saves[0] if len(saves) == 1 else f"{len(saves)} changes: {'; '.join(saves)}"
            self.describe(message)
            message, self.message = self.message, None
        message = message or self.default_message(paths)
        kind = message.split(":", 1)[0].split(" ", 1)[0]
        try:
            self.repo.commit_paths(paths, message, {CHANGE_TRAILER: kind, **trailers})
        except GitError as exc:
            raise GitError(
                f"The change is saved but not committed: {exc} ('papernotes commit' commits "
                "it later)."
            ) from None

    def default_message(self, paths: list[str]) -> str:
        names = [self.paper_name(p) for p in paths]
        if len(names) == 1:
            return f"update {names[0]}"
        return f"update {len(names)} files: {', '.join(names[:5])}{'…' if len(names) > 5 else ''}"

    def paper_name(self, rel: str) -> str:
        """A paper's key for a note path (as held in memory or read now), else the path."""
        held = {n.path: n for n in self.library._notes or ()}
        note = held.get(rel)
        if note is None and rel.endswith(".md"):
            try:
                note = self.store.read(rel)
            except (OSError, ValueError):
                note = None
        return note.paper.key if note is not None and note.paper.key else rel

    # -- on, off, status ------------------------------------------------------

    def enable(self) -> str:
        """Turn history on: a repository (made here unless the library is inside one), the
        setting, ``.gitignore``, ``.gitattributes`` and merge drivers, and a first commit of
        the library's files. Returns the repository's top folder."""
        self.repo.git.run("--version")  # GitError(NO_GIT) when missing
        problem = self.repo.identity_problem()
        if problem:
            raise GitError(f"{problem}; history was not turned on.")
        library = self.library
        self.paused = True
        try:
            with library.writing():
                if self.repo.toplevel() is None:
                    self.repo.init()
                self.refuse_ignored()
                self._write(SETTINGS_FILE, settings_text(self._text(SETTINGS_FILE), True))
                for name, lines in ((GITIGNORE, IGNORED), (GITATTRIBUTES, ATTRIBUTES)):
                    text = with_lines(self._text(name), lines)
                    if text is not None:
                        self._write(name, text)
                self.register_drivers()
                pending = self.repo.pending()
                self.repo.commit_paths(
                    pending,
                    "turn history on"
                    if not self.repo.head()
                    else "turn history on: commit the library",
                    {CHANGE_TRAILER: "history"},
                )
        finally:
            self.paused = False
        return self.repo.toplevel() or str(library.root)

    def refuse_ignored(self) -> None:
        """Refuse to turn history on (nothing written yet) when the repository's ignore rules
        cover the library's files: they would never be committed, and an undo would delete them."""
        found = self.repo.ignored([SETTINGS_FILE]) + self.repo.untracked(ignored=True)
        ignored = sorted({p for p in found if not is_scratch(p)})
        if ignored:
            shown = ", ".join(ignored[:3]) + ("…" if len(ignored) > 3 else "")
            raise GitError(
                f"History was not turned on: the repository at {self.repo.toplevel()} ignores "
                f"the library's files ({shown}) in a .gitignore or exclude rule, so they could "
                "never be committed; un-ignore them first."
            )

    def disable(self) -> None:
        """Turn history off (committed, so every copy of the library stops committing too);
        the repository and its commits stay."""
        self.paused = True
        try:
            with self.library.writing():
                self._write(SETTINGS_FILE, settings_text(self._text(SETTINGS_FILE), False))
                try:  # committed where it can be: without git, history is off all the same
                    if self.repo.toplevel() is not None and self.repo.identity_problem() is None:
                        self.repo.commit_paths(
                            [SETTINGS_FILE], "turn history off", {CHANGE_TRAILER: "history"}
                        )
                except GitError:
                    pass
        finally:
            self.paused = False

    def status(self) -> HistoryStatus:
        top = self.repo.toplevel()
        if top is None:
            return HistoryStatus(self.enabled(), None, None, (), False)
        from papernotes.history.remote import Remote

        branch = self.repo.git.run("symbolic-ref", "--short", "-q", "HEAD").out.strip() or None
        return HistoryStatus(
            self.enabled(), top, branch, tuple(self.repo.pending()), Remote(self.repo).merging()
        )

    def register_drivers(self) -> None:
        """The merge drivers in the repository's config (not cloned: set by every sync)."""
        python = shlex.quote(sys.executable)
        for name, kind in ((NOTE_DRIVER, "note"), (DOCUMENT_DRIVER, "document")):
            driver = f"{python} -m papernotes merge-driver {kind} %O %A %B %P"
            if self.repo.config_value(f"merge.{name}.driver") != driver:
                self.repo.config(f"merge.{name}.name", f"papernotes {kind} merge")
                self.repo.config(f"merge.{name}.driver", driver)

    def _text(self, rel: str) -> str | None:
        data = self.store.file_bytes(rel)
        return data.decode("utf-8", "replace") if data is not None else None

    def _write(self, rel: str, text: str) -> None:
        self.store.put_file(rel, text.encode("utf-8"))

    # -- hand edits ----------------------------------------------------------

    def commit_pending(self) -> list[str]:
        """Commit the hand edits made outside papernotes, with a message naming the papers
        they touched; the paths committed."""
        self.require()
        pending = self.repo.pending()
        if pending:
            names = [self.paper_name(p) for p in pending]
            shown = ", ".join(names[:8]) + ("…" if len(names) > 8 else "")
            self.repo.commit_paths(pending, f"edit by hand: {shown}", {CHANGE_TRAILER: "hand-edit"})
        return pending

    def require(self) -> None:
        if not self.enabled():
            raise InvalidInputError(
                "History is off for this library; turn it on with 'papernotes git on'."
            )
        if self.repo.toplevel() is None:
            raise GitError(
                f"{self.library.root} is in no git repository; run 'papernotes git on' to make one."
            )
        problem = self.repo.identity_problem()
        if problem:
            raise GitError(f"{problem}; nothing was changed.")

    # -- log, undo, redo ------------------------------------------------------

    def log(self, rel: str | None = None, limit: int = 0) -> list[LogEntry]:
        if self.repo.toplevel() is None:
            return []
        return self.repo.log(rel, limit)

    def undo(self) -> LogEntry:
        """Revert the last papernotes change not undone yet, as a new commit."""
        return self._revert(self._undo_target, "undo", UNDO_TRAILER)

    def redo(self) -> LogEntry:
        """Re-apply the change the last undo reverted, as a new commit."""
        return self._revert(self._redo_target, "redo", REDO_TRAILER)

    def _undo_target(self, entries: list[LogEntry]) -> LogEntry | None:
        undone: set[str] = set()
        for entry in entries:
            if not entry.trailer(CHANGE_TRAILER) or entry.commit in undone:
                continue
            if entry.trailer(UNDO_TRAILER):
                undone.add(entry.trailer(UNDO_TRAILER))
                continue
            if entry.trailer(CHANGE_TRAILER) == "history":
                return None  # turning history on or off is not undone
            return entry
        return None

    def _redo_target(self, entries: list[LogEntry]) -> LogEntry | None:
        redone: set[str] = set()
        for entry in entries:
            if not entry.trailer(CHANGE_TRAILER):
                continue
            if entry.trailer(REDO_TRAILER):
                redone.add(entry.trailer(REDO_TRAILER))
                continue
            if entry.trailer(UNDO_TRAILER):
                if entry.commit in redone:
                    continue
                return entry
            return None  # a new change since the last undo: nothing to redo
        return None

    def refuse_deleting(
        self, target: LogEntry, verb: str, parent: str | None, paths: list[str]
    ) -> None:
        """Refuse an undo or redo that would delete a note which existed before ``target``
        but was never committed (git-ignored, or a change that only edits notes)."""
        gone = [p for p in paths if (self.repo.blob(parent, p) if parent else None) is None]
        if not gone:
            return
        kind = target.trailer(CHANGE_TRAILER)
        kept = gone if kind in MODIFYING_KINDS else self.repo.ignored(gone)
        if kept:
            raise ConflictError(
                f"Cannot {verb} {target.subject!r}: it would delete {', '.join(kept)}, which "
                "git has no earlier version of (ignored or never committed); nothing was changed."
            )

    def _revert(
        self, pick: Callable[[list[LogEntry]], LogEntry | None], verb: str, trailer: str
    ) -> LogEntry:
        self.require()
        library = self.library
        with library.writing():
            entries = self.repo.log(merges=False)
            target = pick(entries)
            if target is None:
                raise NotFoundError(f"There is no papernotes change to {verb}.")
            paths = self.repo.changed_by(target.commit)
            changed = [
                p for p in paths if self.store.file_bytes(p) != self.repo.blob(target.commit, p)
            ]
            if changed:
                raise ConflictError(
                    f"Cannot {verb} {target.subject!r}: {', '.join(changed)} changed since "
                    "(commit or put back those edits first); nothing was changed."
                )
            parent = self.repo.parent(target.commit)
            self.refuse_deleting(target, verb, parent, paths)
            subject = target.subject
            if verb == "redo":
                subject = subject.removeprefix("undo: ")
            self.message, self.trailers = f"{verb}: {subject}", {trailer: target.commit}
            for rel in paths:
                self.store.put_file(rel, self.repo.blob(parent, rel) if parent else None)
        library.reload()
        return target


MODIFYING_KINDS = frozenset({"status", "tags", "note", "edit", "link"})  # never add a note


def is_scratch(rel: str) -> bool:
    """A lock, holder or temp file of papernotes, or a temp file a killed git merge left."""
    import fnmatch

    name = rel.rsplit("/", 1)[-1]
    return any(fnmatch.fnmatch(name, pattern) for pattern in IGNORED)


def save_summary(old: Paper, new: Paper) -> str:
    """A commit message for one saved paper: ``status KEY: read``, ``tags KEY: +nlp -old``,
    ``edit KEY: venue, code``."""
    from dataclasses import fields

    key = new.key or old.key or new.title
    changed = [f.name for f in fields(new) if getattr(old, f.name) != getattr(new, f.name)]
    if changed in (["status"], ["status", "read_on"]):  # read_on follows a status of read
        return f"status {key}: {new.status}"
    if changed == ["tags"]:
        added = [f"+{t}" for t in new.tags if t not in old.tags]
        removed = [f"-{t}" for t in old.tags if t not in new.tags]
        return f"tags {key}: {' '.join(added + removed) or 'reordered'}"
    if changed == ["notes"]:
        return f"note {key}: edit the notes"
    return f"edit {key}: {', '.join(changed) or 'rewritten'}"
