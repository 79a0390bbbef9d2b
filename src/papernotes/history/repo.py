"""One library's git repository: is there one, who commits, and commits of exactly the given
paths, built from the last commit's tree (``history/trees.py``), never from the index, so
whatever else the user staged stays out of them."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from papernotes.history.git import Git, GitError, last_line

CHANGE_TRAILER = "Papernotes-Change"  # on every commit papernotes makes for a change
UNDO_TRAILER = "Papernotes-Undo"  # the commit an undo reverted
REDO_TRAILER = "Papernotes-Redo"  # the undo commit a redo reverted

EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"  # git's id of the empty tree
NO_IDENTITY = (
    "git does not know who you are, so the change cannot be committed; set your name and "
    "address with 'git config --global user.name \"Your Name\"' and "
    "'git config --global user.email you@example.com'"
)


@dataclass(frozen=True)
class LogEntry:
    """One commit touching the library: newest first in ``GitRepo.log``."""

    commit: str
    date: str  # ISO 8601, the author date
    author: str
    subject: str
    trailers: tuple[tuple[str, str], ...]

    def trailer(self, name: str) -> str:
        return next((value for key, value in self.trailers if key == name), "")


class GitRepo:
    """The git repository holding the library folder (the folder may be a sub-folder)."""

    def __init__(self, folder: Path, env: dict[str, str] | None = None) -> None:
        self.git = Git(folder, env)
        self._git_dir: str | None = None
        self._prefix = ""

    # -- what there is ---------------------------------------------------

    def toplevel(self) -> str | None:
        """The repository's top folder, or None when the library is in no repository."""
        done = self.git.run("rev-parse", "--show-toplevel")
        return done.out.strip() if done.ok else None

    def git_dir(self) -> str:
        found = self.git_dir_or_none()
        if found is None:
            raise GitError(
                f"{self.git.folder} is in no git repository; run 'papernotes git on' to make one."
            )
        return found

    def git_dir_or_none(self) -> str | None:
        if self._git_dir is None:
            done = self.git.run("rev-parse", "--absolute-git-dir", "--show-prefix")
            if not done.ok:
                return None
            lines = done.out.split("\n")
            self._git_dir, self._prefix = lines[0], lines[1] if len(lines) > 1 else ""
        return self._git_dir

    def prefix(self) -> str:
        """The library folder's path inside the repository (``reading/notes/``; '' at its top)."""
        self.git_dir()
        return self._prefix

    def init(self) -> None:
        self.git.call("init", "-q", what="git init")

    def identity_problem(self) -> str | None:
        """Why git cannot commit as someone (no user name or e-mail set), else None."""
        if self.git.run("var", "GIT_COMMITTER_IDENT").ok:
            return None
        return NO_IDENTITY

    def head(self) -> str | None:
        done = self.git.run("rev-parse", "-q", "--verify", "HEAD^{commit}")
        return done.out.strip() if done.ok else None

    def config(self, name: str, value: str) -> None:
        self.git.call("config", name, value, what=f"git config {name}")

    def config_value(self, name: str) -> str | None:
        done = self.git.run("config", "--get", name)
        return done.out.strip() if done.ok else None

    # -- committing --------------------------------------------------------

    def commit_paths(
        self, paths: list[str], message: str, trailers: dict[str, str] | None = None
    ) -> str | None:
        """Commit exactly ``paths`` (relative to the library folder; a missing file is a
        removal) as they are on disk, with ``message``: HEAD's tree with these files replaced
        (``history/trees.py``), so nothing else the user staged or changed goes in. The real index
        then holds the committed files. The new commit, or None when nothing changed."""
        if not paths:
            return None
        parent, parent_tree = self._head_and_tree()
        from papernotes.history.trees import tree_with

        tree = tree_with(self.git, parent_tree, self.prefix(), paths) or EMPTY_TREE
        if tree == parent_tree:
            return None
        body = message.strip() + "\n"
        if trailers:
            body += "\n" + "".join(f"{key}: {value}\n" for key, value in trailers.items())
        args = ["commit-tree", tree, *(["-p", parent] if parent else [])]
        done = self.git.run(*args, input=body)
        if not done.ok:
            if "Please tell me who you are" in done.err or "empty ident" in done.err:
                raise GitError(NO_IDENTITY + "; 'papernotes commit' commits it once it is set.")
            raise GitError(f"git commit-tree failed: {last_line(done.err)}")
        commit = done.out.strip()
        old = parent or "0" * 40
        self.git.call(
            "update-ref",
            "-m",
            f"papernotes: {message.splitlines()[0]}",
            "HEAD",
            commit,
            old,
            what="moving the branch to the new commit",
        )
        self._restage(paths)
        return commit

    def _head_and_tree(self) -> tuple[str | None, str | None]:
        """HEAD's commit and tree in one git call; (None, None) on a branch with no commit."""
        done = self.git.run("rev-parse", "-q", "HEAD", "HEAD^{tree}")
        found = done.out.split()
        return (found[0], found[1]) if done.ok and len(found) == 2 else (None, None)

    def _restage(self, paths: list[str]) -> None:
        """The real index takes the committed files (best effort: git may hold its lock), so
        ``git status`` shows them clean; the user's other staged files stay staged."""
        for start in range(0, len(paths), 1000):  # keeps each command line short
            self.git.run(
                "update-index", "-q", "--add", "--remove", "--", *paths[start : start + 1000]
            )

    def pending(self) -> list[str]:
        """Library paths that differ from the last commit (changed, removed, or new and not
        ignored), relative to the library folder: hand edits not committed yet."""
        changed: list[str] = []
        if self.head():
            out = self.git.call(
                "diff",
                "--name-only",
                "--relative",
                "-z",
                "--no-renames",
                "HEAD",
                "--",
                ".",
                what="git diff",
            )
            changed = [p for p in out.split("\0") if p]
        out = self.git.call(
            "ls-files", "-z", "--others", "--exclude-standard", "--", ".", what="git ls-files"
        )
        found = {*changed, *(p for p in out.split("\0") if p)}
        # a temp file a killed ``git merge`` left is no hand edit
        return sorted(p for p in found if not p.rsplit("/", 1)[-1].startswith(".merge_file_"))

    def untracked(self, ignored: bool = False) -> list[str]:
        """Library files git does not track: those not ignored, or (``ignored``) the ignored
        ones, relative to the library folder."""
        args = ["ls-files", "-z", "--others", "--exclude-standard"]
        out = self.git.call(
            *args, *(["--ignored"] if ignored else []), "--", ".", what="git ls-files"
        )
        return [p for p in out.split("\0") if p]

    def ignored(self, paths: list[str]) -> list[str]:
        """Which of ``paths`` (relative to the library folder) git's ignore rules cover, tracked
        or not (papernotes' own commits put a file in the index, so the index is not asked)."""
        if not paths:
            return []
        done = self.git.run(
            "check-ignore", "--no-index", "-z", "--stdin", input="\0".join(paths) + "\0"
        )
        if done.code not in (0, 1):
            raise GitError(f"git check-ignore failed: {last_line(done.err)}")
        return [p for p in done.out.split("\0") if p]

    # -- history ------------------------------------------------------------

    def log(self, rel: str | None = None, limit: int = 0, merges: bool = True) -> list[LogEntry]:
        """The commits touching the library folder (or the file ``rel`` in it, followed
        across renames), newest first."""
        if not self.head():
            return []
        args = [
            "log",
            "--no-color",
            "--date-order",  # never a parent before its children, even within one second
            "--format=%H%x1f%aI%x1f%an%x1f%s%x1f%(trailers:only,unfold)%x1e",
        ]
        if limit:
            args.append(f"-n{limit}")
        if not merges:
            args.append("--no-merges")
        if rel:
            args += ["--follow", "--", rel]
        else:  # every commit: a merge keeping one side must not hide the other side's change
            args += ["--full-history", "--", "."]
        out = self.git.call(*args, what="git log")
        entries = []
        for record in out.split("\x1e"):
            fields = record.strip("\n").split("\x1f")
            if len(fields) != 5:
                continue
            commit, date, author, subject, trailer_text = fields
            trailers = tuple(
                (key.strip(), value.strip())
                for key, _, value in (line.partition(":") for line in trailer_text.splitlines())
                if value
            )
            entries.append(LogEntry(commit, date, author, subject, trailers))
        return entries

    def changed_by(self, commit: str) -> list[str]:
        """The library paths ``commit`` changed, relative to the library folder."""
        out = self.git.call(
            "diff-tree",
            "--no-commit-id",
            "-r",
            "--root",
            "--name-only",
            "--relative",
            "--no-renames",
            "-z",
            commit,
            what="git diff-tree",
        )
        return [p for p in out.split("\0") if p]

    def parent(self, commit: str) -> str | None:
        done = self.git.run("rev-parse", "-q", "--verify", f"{commit}^1")
        return done.out.strip() if done.ok else None

    def blob(self, rev: str, rel: str) -> bytes | None:
        return self.git.blob(rev, rel)
