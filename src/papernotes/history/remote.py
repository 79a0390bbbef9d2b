"""Sharing the repository: the remote and branch to sync with, fetch, merge and push, and
a merge stopped on conflicts. Never force-pushes, never rewrites a commit."""

from __future__ import annotations

import contextlib
import os
import shlex
from dataclasses import dataclass

from papernotes.history.git import GitError, last_line, lock_problem
from papernotes.history.repo import GitRepo

NETWORK_HINTS = (
    "could not read from remote",
    "could not resolve",
    "unable to access",
    "connection",
    "does not appear to be a git repository",
    "not found",
    "timed out",
    "network",
)


@dataclass(frozen=True)
class Upstream:
    remote: str
    branch: str  # the branch's name on the remote

    @property
    def ref(self) -> str:
        return f"refs/remotes/{self.remote}/{self.branch}"

    def __str__(self) -> str:
        return f"{self.remote}/{self.branch}"


class Remote:
    """Fetching, merging and pushing the library's repository."""

    def __init__(self, repo: GitRepo) -> None:
        self.repo = repo
        self.git = repo.git

    def branch(self) -> str:
        done = self.git.run("symbolic-ref", "--short", "-q", "HEAD")
        if not done.ok:
            raise GitError(
                "The library's repository is not on a branch (a detached HEAD), so there is "
                "nothing to sync; check out a branch with git first."
            )
        return done.out.strip()

    def upstream(self) -> Upstream:
        """The remote and branch the current branch syncs with: its upstream, else the
        remote ``origin`` (or the only remote) and a branch of the same name."""
        branch = self.branch()
        remote = self.repo.config_value(f"branch.{branch}.remote")
        merge = self.repo.config_value(f"branch.{branch}.merge")
        if remote and remote != ".":
            return Upstream(remote, (merge or branch).removeprefix("refs/heads/"))
        remotes = self.git.call("remote", what="git remote").split()
        if not remotes:
            raise GitError(
                "The library's repository has no remote to sync with; add one with "
                f"'git -C {self.git.folder} remote add origin URL' (nothing was changed)."
            )
        chosen = "origin" if "origin" in remotes else remotes[0]
        return Upstream(chosen, branch)

    def fetch(self, upstream: Upstream) -> bool:
        """Fetch the remote; whether it has the branch (an empty remote has none)."""
        done = self.git.run("fetch", "--quiet", "--no-tags", upstream.remote)
        if not done.ok:
            raise GitError(
                f"Could not fetch from the remote '{upstream.remote}' ({last_line(done.err)}); "
                "nothing was changed, your commits are kept here."
            )
        return self.git.run("rev-parse", "-q", "--verify", upstream.ref).ok

    def merge(self, upstream: Upstream) -> bool:
        """Merge the fetched branch into the current one; False when it stopped on conflicts
        (then ``merging()``); ``GitError`` when git refused to start it."""
        done = self.git.run(
            "merge", "--no-edit", "--no-verify", "--no-stat", "-m",
            f"sync: merge changes from {upstream}", upstream.ref,
        )  # fmt: skip
        if done.ok:
            return True
        problem = lock_problem(done.err)
        lock = os.path.join(self.repo.git_dir(), "index.lock")
        if problem is None and "Unable to write index" in done.err and os.path.exists(lock):
            problem = lock_problem(f"Unable to create '{lock}': File exists")
        if problem:  # git wrote MERGE_HEAD but touched no file: forget that merge
            for name in ("MERGE_HEAD", "MERGE_MODE", "MERGE_MSG"):
                with contextlib.suppress(FileNotFoundError):
                    os.remove(os.path.join(self.repo.git_dir(), name))
            raise GitError(f"{problem[:-1]}; nothing was changed.")
        if self.merging():
            return False
        raise GitError(
            self.refused_for_files(upstream, done.err)
            or f"Could not merge {upstream} ({last_line(done.err or done.out)}); nothing was "
            "changed."
        )

    def refused_for_files(self, upstream: Upstream, err: str) -> str | None:
        """One sentence when git refused to merge because of files it would overwrite (staged
        or uncommitted changes outside the library, or untracked files the remote adds):
        which files, each named (quoted as a shell would need), and what to do; None for any
        other refusal."""
        untracked = _listed_after(err, "untracked working tree files would be overwritten")
        listed = _listed_after(err, "local changes to the following files would be overwritten")
        if not (untracked or listed):
            return None
        top = self.repo.toplevel() or str(self.git.folder)
        head = f"The sync could not merge the changes from {upstream}"
        tail = "then run 'papernotes sync' again (nothing was merged)."
        if untracked:
            are, them = ("is", "it") if len(untracked) == 1 else ("are", "them")
            return (
                f"{head} because it adds {_names(untracked)}, which {are} in {top} but not "
                f"tracked by git: move {them} away, {tail}"
            )
        staged_out = self.git.run("diff", "--cached", "--name-only", "-z", "--", ":/").out
        staged = [path for path in staged_out.split("\0") if path]
        changed = _named_in(listed, staged) or listed
        staged = [path for path in changed if path in staged]
        if staged:
            has, them = ("has", "it") if len(staged) == 1 else ("have", "them")
            command = shlex.join(["git", "-C", top, "restore", "--staged", "--", *staged])
            return (
                f"{head} because {_names(staged)} in {top} {has} changes staged in git but "
                f"not committed (papernotes never commits your other files): commit {them}, or "
                f"unstage {them} ({command}), {tail}"
            )
        has, them = ("has", "it") if len(changed) == 1 else ("have", "them")
        return (
            f"{head} because {_names(changed)} in {top} {has} changes not committed that "
            f"the merge would overwrite: commit {them} or put {them} aside, {tail}"
        )

    def merging(self) -> bool:
        return os.path.exists(os.path.join(self.repo.git_dir(), "MERGE_HEAD"))

    def unmerged(self) -> list[str]:
        """The paths (relative to the library folder) git could not merge."""
        out = self.git.call(
            "diff", "--name-only", "--diff-filter=U", "--relative", "-z", what="git diff"
        )
        return sorted({p for p in out.split("\0") if p})

    def stage_blob(self, stage: int, rel: str) -> str:
        """The text of ``rel`` at merge stage 1 (base), 2 (ours) or 3 (theirs); '' if none."""
        data = self.git.blob(f":{stage}", rel) if stage else None
        return (data or b"").decode("utf-8", "replace")

    def stage_bytes(self, stage: int, rel: str) -> bytes | None:
        """The bytes of ``rel`` at merge stage 1, 2 or 3 (None: not in that stage)."""
        return self.git.blob(f":{stage}", rel)

    def in_stage(self, stage: int, rel: str) -> bool:
        """Whether ``rel`` has a version at merge ``stage`` (none: that side removed it)."""
        return self.git.blob(f":{stage}", rel) is not None

    def finish_merge(self, paths: list[str]) -> None:
        if paths:
            self.git.call("add", "--", *paths, what="git add")
        self.git.call("commit", "--no-edit", "--no-verify", "-q", what="committing the merge")

    def abort_merge(self) -> None:
        self.git.call("merge", "--abort", what="git merge --abort")

    def ahead(self, upstream: Upstream, known: bool) -> bool:
        """Whether the branch has commits the remote lacks."""
        if not known:
            return self.repo.head() is not None
        out = self.git.call("rev-list", "--count", f"{upstream.ref}..HEAD", what="git rev-list")
        return out.strip() != "0"

    def push(self, upstream: Upstream) -> None:
        done = self.git.run(
            "push",
            "--quiet",
            "--set-upstream",
            upstream.remote,
            f"HEAD:refs/heads/{upstream.branch}",
        )
        if done.ok:
            return
        text = done.err.lower()
        if "rejected" in text or "non-fast-forward" in text or "fetch first" in text:
            raise GitError(
                f"The remote '{upstream.remote}' refused the push (it has changes made since "
                "this sync fetched, or it does not take pushes to this branch); your changes "
                "are committed here: run 'papernotes sync' again."
            )
        raise GitError(
            f"Could not push to the remote '{upstream.remote}' ({last_line(done.err)}); your "
            "changes are committed here and the next 'papernotes sync' pushes them."
        )


def _named_in(lines: list[str], paths: list[str]) -> list[str]:
    """The ``paths`` git's list ``lines`` names: one a line (a file git would overwrite), or,
    as the ``ort`` merge lists the staged files that stop it, all on one line separated by
    spaces (a name may hold spaces itself, so the names are looked for, not split)."""
    if all(line in paths for line in lines):
        return lines
    spaced = f" {' '.join(lines)} "
    return [path for path in paths if f" {path} " in spaced]


def _names(paths: list[str]) -> str:
    """``paths`` for a sentence: each quoted as a shell would need, ``a, b and c``."""
    quoted = [shlex.quote(path) for path in paths]
    return quoted[0] if len(quoted) == 1 else f"{', '.join(quoted[:-1])} and {quoted[-1]}"


def _listed_after(err: str, heading: str) -> list[str]:
    """The file names git lists, indented, under the line of ``err`` holding ``heading``."""
    lines = err.splitlines()
    start = next((i for i, line in enumerate(lines) if heading in line), None)
    if start is None:
        return []
    names = []
    for line in lines[start + 1 :]:
        if not line[:1].isspace():
            break
        names.append(line.strip())
    return names
