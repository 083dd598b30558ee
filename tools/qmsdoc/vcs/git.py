"""Git access through gitpython: the only module that imports it.

Imported lazily, so that a machine without the git executable still runs every
command that does not need history (gitpython fails at import time without it).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from qmsdoc.errors import InputError
from qmsdoc.input_files import read_input_text
from qmsdoc.vcs.base import (
    SOURCE_SUFFIXES,
    Baseline,
    CommitRecord,
    PullRequest,
    SourceState,
)

__all__ = ["GitHistory", "source_state"]

_UNKNOWN = SourceState(commit=None, commit_time=None, clean=None)


def source_state(root: Path) -> SourceState:
    """HEAD commit, its time and whether the tree is clean; unknown outside git."""
    try:
        import git  # noqa: PLC0415 (see module docstring)
    except ImportError:
        return _UNKNOWN
    try:
        repository = git.Repo(root, search_parent_directories=True)
    except _errors(git):
        return _UNKNOWN
    return _state(repository)


def _state(repository: Any) -> SourceState:
    import git  # noqa: PLC0415 (see module docstring)

    try:
        head = repository.head.commit
        clean = not repository.is_dirty(untracked_files=False)
        return SourceState(
            commit=head.hexsha, commit_time=int(head.committed_date), clean=clean
        )
    except _errors(git):
        return _UNKNOWN


def _errors(git: Any) -> tuple[type[Exception], ...]:
    """What gitpython raises when there is no repository, no HEAD or git fails."""
    return (
        git.InvalidGitRepositoryError,
        git.NoSuchPathError,
        ValueError,
        git.GitCommandError,
    )


class GitHistory:
    """The project's source files (``.rst``, ``.md``) at past commits, read from its
    git repository."""

    def __init__(self, root: Path) -> None:
        self._root = root
        self._cache: dict[str, dict[str, str] | None] = {}
        self._opened: dict[str, Any] = {}

    def files_at(self, commit: str) -> dict[str, str] | None:
        """Source files under the root at ``commit``; None if it cannot be read."""
        if commit not in self._cache:
            self._cache[commit] = self._read(commit)
        return self._cache[commit]

    def _read(self, commit: str) -> dict[str, str] | None:
        try:
            import git  # noqa: PLC0415 (see module docstring)
        except ImportError:
            return None
        try:
            repository = git.Repo(self._root, search_parent_directories=True)
            tree = repository.commit(commit).tree
            top = Path(repository.working_tree_dir or self._root).resolve()
        except (
            git.InvalidGitRepositoryError,
            git.NoSuchPathError,
            ValueError,
            git.BadName,
            git.GitCommandError,
        ):
            return None
        prefix = self._root.resolve().relative_to(top).as_posix()
        prefix = "" if prefix == "." else f"{prefix}/"
        files: dict[str, str] = {}
        for entry in tree.traverse():
            if not isinstance(entry, git.Blob):
                continue
            path = str(entry.path)
            if not path.endswith(SOURCE_SUFFIXES) or not path.startswith(prefix):
                continue
            data = entry.data_stream.read()
            files[path[len(prefix) :]] = data.decode("utf-8", errors="replace")
        return files

    def state(self) -> SourceState:
        """:func:`source_state` of the repository, asked once per instance."""
        if "state" not in self._opened:
            repository = self._repository()
            self._opened["state"] = (
                _UNKNOWN if repository is None else _state(repository)
            )
        state: SourceState = self._opened["state"]
        return state

    def commits(self) -> list[CommitRecord]:
        """Non-merge commits that touched source files (``.rst``, ``.md``) under the
        root, oldest first (read once per instance: one instance is one reading of
        the history, shared by the readers of one command)."""
        if "commits" not in self._opened:
            self._opened["commits"] = self._commits()
        return list(self._opened["commits"])

    def _commits(self) -> list[CommitRecord]:
        repository = self._repository()
        if repository is None:
            return []
        prefix = self._prefix(repository)
        try:
            # core.quotePath=false: file names outside ASCII come through as they are
            output = repository.git.execute(
                [
                    "git", "-c", "core.quotePath=false", "log", "--reverse", "--no-merges",
                    "--no-renames", "--name-status",
                    "--format=%x1e%H%x1f%an%x1f%ae%x1f%aI%x1f%s%x1f%b%x1f",
                    "--", *(f"{prefix}*{suffix}" for suffix in SOURCE_SUFFIXES),
                ]
            )  # fmt: skip
        except Exception:
            return []
        return [
            record
            for chunk in output.split("\x1e")
            if (record := _commit(chunk, prefix))
        ]

    def tracked(self, name: str) -> list[str]:
        """Paths (POSIX, relative to the root) of the files named ``name`` that git
        tracks under the root, sorted; empty outside git."""
        repository = self._repository()
        if repository is None or not name or "/" in name:
            return []
        prefix = self._prefix(repository)
        try:
            output = str(
                repository.git.ls_files(
                    "-z", "--", f":(glob){prefix}**/{_glob_literal(name)}"
                )
            )
        except Exception:  # git failed: nothing is known to be tracked
            return []
        return sorted(
            path[len(prefix) :]
            for path in output.split("\x00")
            if path and path.startswith(prefix)
        )

    def file_at(self, commit: str, path: str) -> str | None:
        """One file at ``commit`` (path relative to the root), or None."""
        repository = self._repository()
        if repository is None:
            return None
        try:
            blob = repository.commit(commit).tree / f"{self._prefix(repository)}{path}"
            data: bytes = blob.data_stream.read()
        except (KeyError, ValueError, Exception):
            return None
        return data.decode("utf-8", errors="replace")

    def pull_requests(self) -> list[PullRequest]:
        """Pull requests from merge commits ``Merge pull request #N``, squash commits
        ``(#N)``, GitLab merge commits ``See merge request ...!N``, and every other
        merge commit as a local merge (``git merge`` of a review branch).

        Trailers are read by git (``%(trailers)``): only the trailer block at the end
        of the message counts, folded values unfolded; a trailer-looking line in the
        body of the message is not a trailer. Read once per instance.
        """
        if "pull_requests" not in self._opened:
            self._opened["pull_requests"] = self._pull_requests()
        return list(self._opened["pull_requests"])

    def _pull_requests(self) -> list[PullRequest]:
        repository = self._repository()
        if repository is None:
            return []
        try:
            output = repository.git.log("-z", f"--format={_PULL_REQUEST_FORMAT}")
        except Exception:
            return []
        entries = [_log_entry(chunk) for chunk in output.split("\x00")]
        committed = {entry[0]: entry[3] for entry in entries if entry}
        requests = []
        for entry in entries:
            if entry is None:
                continue
            sha, parent_list, date, _, trailers, message = entry
            subject = message.splitlines()[0] if message else ""
            number = _pull_request_number(subject, merge=len(parent_list) > 1)
            gitlab = number is None and len(parent_list) > 1
            if gitlab:
                number = _merge_request_number(message)
            local = number is None and len(parent_list) > 1
            gitlab = gitlab and not local
            if number is None and not local:
                continue
            members: tuple[str, ...] = (sha,)
            head = sha
            if len(parent_list) > 1:
                head = parent_list[1]
                try:
                    members = tuple(
                        repository.git.rev_list(
                            f"{parent_list[0]}..{parent_list[1]}"
                        ).split()
                    )
                except Exception:
                    members = ()
            requests.append(
                PullRequest(
                    number=number,
                    merge_commit=sha,
                    merged_at=date,
                    trailers=trailers,
                    commits=members,
                    head=head,
                    head_time=committed.get(head),
                    merge_request=gitlab,
                    local=local,
                )
            )
        return requests

    def commit_of(self, revision: str) -> str | None:
        """The full SHA a revision (tag, branch, abbreviated SHA) names, or None."""
        repository = self._repository()
        if repository is None:
            return None
        try:
            return str(repository.commit(revision).hexsha)
        except Exception:  # unknown revision
            return None

    def latest_tag(self, pattern: str) -> str | None:
        """The newest tag matching ``pattern`` reachable from HEAD, or None."""
        repository = self._repository()
        if repository is None:
            return None
        try:
            tag = repository.git.describe("--tags", "--abbrev=0", f"--match={pattern}")
        except Exception:  # no matching tag
            return None
        return str(tag).strip() or None

    def baselines(self, pattern: str) -> list[Baseline]:
        """Tags matching ``pattern`` that HEAD contains, oldest first (creation date)."""
        repository = self._repository()
        if repository is None:
            return []
        try:
            text = repository.git.for_each_ref(
                "--merged=HEAD",
                "--sort=refname",
                "--sort=creatordate",
                "--format=%(refname:strip=2)%00%(objectname)%00%(*objectname)"
                "%00%(creatordate:iso-strict)",
                f"refs/tags/{pattern}",
            )
        except Exception:  # no HEAD yet, or git failed
            return []
        baselines = []
        for line in str(text).splitlines():
            name, target, peeled, date = [*line.split("\x00"), "", "", ""][:4]
            baselines.append(Baseline(name=name, commit=peeled or target, date=date))
        return baselines

    def completeness(self) -> str | None:
        """None when the repository holds the whole history (or is no repository);
        else one line: the history is incomplete (shallow or partial clone) and how
        to fetch the rest. Asked once per instance."""
        if "completeness" not in self._opened:
            self._opened["completeness"] = self._completeness()
        answer: str | None = self._opened["completeness"]
        return answer

    def _completeness(self) -> str | None:
        repository = self._repository()
        if repository is None:
            return None
        marker = Path(repository.common_dir) / "shallow"
        try:
            answer = str(repository.git.rev_parse("--is-shallow-repository"))
            shallow = answer.strip() == "true"
        except Exception:  # git failed: the shallow file tells
            shallow = marker.is_file()
        if shallow:
            cut = _shallow_cut(marker)
            at = f" at {', '.join(sha[:12] for sha in cut)}" if cut else ""
            return (
                f"history incomplete: shallow clone (history cut{at}); "
                "run `git fetch --unshallow`, or set the CI checkout's fetch depth to "
                "0 (actions/checkout `fetch-depth: 0`, GitLab `GIT_DEPTH: 0`)"
            )
        try:
            config = str(
                repository.git.config(
                    "--get-regexp",
                    r"^(remote\..*\.(promisor|partialclonefilter)|extensions\.partialclone)$",
                )
            )
        except Exception:  # exit 1: no such key, not a partial clone
            config = ""
        settings = [line.split(maxsplit=1) for line in config.splitlines()]
        partial = [
            f"{key}={value}"
            for key, value in (entry for entry in settings if len(entry) == 2)
            if value.lower() not in ("false", "no", "off", "0")
        ]
        if partial:
            return (
                f"history incomplete: partial clone ({', '.join(partial)}), "
                "past files are not stored here; clone again without `--filter` "
                "(actions/checkout: no `filter:` and `fetch-depth: 0`)"
            )
        return None

    def tags_not_in_history(self, pattern: str) -> list[str]:
        """Tags matching ``pattern`` that are not ancestors of HEAD and that no branch
        holds: left behind when the history was rewritten. A tag of another branch,
        or a later tag when HEAD is an older commit, is not listed."""
        repository = self._repository()
        if repository is None:
            return []
        try:
            names = str(
                repository.git.for_each_ref(
                    "--no-merged=HEAD",
                    "--sort=refname",
                    "--format=%(refname:strip=2)",
                    f"refs/tags/{pattern}",
                )
            ).split()
            return [
                name
                for name in names
                if not str(
                    repository.git.for_each_ref(
                        f"--contains=refs/tags/{name}^{{commit}}",
                        "--count=1",
                        "--format=%(refname)",
                        "refs/heads",
                        "refs/remotes",
                    )
                ).strip()
            ]
        except Exception:  # no HEAD yet, or git failed
            return []

    def changed_since(self, commit: str, path: str) -> bool | None:
        """Whether ``path`` (file or folder under the root) differs in the working tree
        from ``commit`` (``git diff --quiet COMMIT -- PATH``); None if unknown."""
        key = f"changed:{commit}:{path}"
        if key not in self._opened:
            self._opened[key] = self._changed_since(commit, path)
        result: bool | None = self._opened[key]
        return result

    def _changed_since(self, commit: str, path: str) -> bool | None:
        repository = self._repository()
        if repository is None:
            return None
        try:
            repository.git.diff(
                "--quiet", commit, "--", f"{self._prefix(repository)}{path}"
            )
        except Exception as error:  # exit 1: differs; anything else: unknown commit
            status = getattr(error, "status", None)
            return True if status == 1 else None
        return False

    def _repository(self) -> Any:
        """The repository object, opened once (opening it costs more than a read)."""
        if "repository" not in self._opened:
            try:
                import git  # noqa: PLC0415 (see module docstring)

                self._opened["repository"] = git.Repo(
                    self._root, search_parent_directories=True
                )
            except Exception:  # no git, or not a repository
                self._opened["repository"] = None
        return self._opened["repository"]

    def _prefix(self, repository: Any) -> str:
        top = Path(repository.working_tree_dir or self._root).resolve()
        prefix = self._root.resolve().relative_to(top).as_posix()
        return "" if prefix == "." else f"{prefix}/"

    # -- release records (qmsdoc.release) ----------------------------------------------

    def tag_target(self, tag: str) -> str | None:
        """The commit the tag ``refs/tags/<tag>`` points at (peeled), or None."""
        return self._rev_parse(f"refs/tags/{tag}^{{commit}}")

    def tag_date(self, tag: str) -> str | None:
        """When the tag was made (ISO 8601): the tagger date of an annotated tag,
        the commit date of a lightweight one; None without that tag."""
        repository = self._repository()
        if repository is None:
            return None
        try:
            text = str(
                repository.git.for_each_ref(
                    "--format=%(creatordate:iso-strict)", f"refs/tags/{tag}"
                )
            ).strip()
        except Exception:  # git failed
            return None
        return text.splitlines()[0] if text else None

    def tree_of(self, commit: str) -> str | None:
        """The tree hash of ``commit``, or None if the commit is not here."""
        return self._rev_parse(f"{commit}^{{tree}}")

    def is_ancestor(self, commit: str, descendant: str = "HEAD") -> bool | None:
        """Whether ``commit`` is an ancestor of (or equal to) ``descendant``
        (``git merge-base --is-ancestor``); None if either is unknown."""
        repository = self._repository()
        if repository is None:
            return None
        try:
            repository.git.merge_base("--is-ancestor", commit, descendant)
        except Exception as error:  # exit 1: not an ancestor; else: unknown commit
            return False if getattr(error, "status", None) == 1 else None
        return True

    def add_worktree(self, folder: Path, commit: str) -> None:
        """Check ``commit`` out into the new folder ``folder`` (a detached
        ``git worktree``); remove it with :meth:`remove_worktree`.

        :raises OSError: If git cannot create it.
        """
        repository = self._repository()
        if repository is None:
            raise OSError(f"{self._root}: not a git repository")
        try:
            repository.git.worktree("add", "--detach", "--quiet", str(folder), commit)
        except Exception as error:  # git failed
            raise OSError(f"git worktree add failed: {error}") from None

    def remove_worktree(self, folder: Path) -> None:
        """Remove a worktree made by :meth:`add_worktree`, with its files."""
        repository = self._repository()
        if repository is None:
            return
        try:
            repository.git.worktree("remove", "--force", str(folder))
        except Exception:  # already gone: forget its record
            repository.git.worktree("prune")

    def user_identity(self) -> str | None:
        """``user.name <user.email>`` of the git configuration, or None if unset."""
        repository = self._repository()
        if repository is None:
            return None
        try:
            reader = repository.config_reader()
            name = str(reader.get_value("user", "name", "")).strip()
            email = str(reader.get_value("user", "email", "")).strip()
        except Exception:  # unreadable configuration
            return None
        if not name and not email:
            return None
        return f"{name} <{email}>" if email else name

    def _rev_parse(self, revision: str) -> str | None:
        repository = self._repository()
        if repository is None:
            return None
        try:
            return (
                str(repository.git.rev_parse("--verify", "--quiet", revision)).strip()
                or None
            )
        except Exception:  # unknown revision
            return None


#: Trailer keys reported with the spelling given here; git matches keys
#: case-insensitively, and any other key is reported as written.
_TRAILER_KEYS = ("Approved-by", "Reviewed-by", "Signed-off-by", "Co-authored-by")
# -z ends each commit with NUL; \x1f ends a field, \x1d a trailer, \x1c a key;
# only=true: the trailers of the trailer block, not other lines in it
_PULL_REQUEST_FORMAT = (
    "%H%x1f%P%x1f%aI%x1f%cI%x1f%(trailers:only=true,"
    "unfold=true,separator=%x1d,key_value_separator=%x1c)%x1f%B"
)


def _glob_literal(name: str) -> str:
    """``name`` as a glob pattern that matches only itself."""
    return "".join(f"[{char}]" if char in "*?[]\\" else char for char in name)


def _commit(chunk: str, prefix: str) -> CommitRecord | None:
    fields = chunk.split("\x1f")
    if len(fields) < 7:
        return None
    sha, author, email, date, subject, body, rest = (
        fields[0].strip(),
        *fields[1:6],
        fields[6],
    )
    changed = []
    for line in rest.splitlines():
        status, _, path = line.partition("\t")
        if (
            status[:1] in ("A", "M", "D")
            and path.startswith(prefix)
            and path.endswith(SOURCE_SUFFIXES)
        ):
            changed.append((status[:1], path[len(prefix) :]))
    return CommitRecord(
        sha=sha, author=author, email=email, date=date, subject=subject, body=body.strip(),
        changed=tuple(changed),
    )  # fmt: skip


def _pull_request_number(subject: str, *, merge: bool) -> int | None:
    # at most 9 digits: a message naming a 5,000-digit "number" is no pull request
    match = re.match(r"Merge pull request #(\d{1,9})\b", subject) if merge else None
    match = match or re.search(r"\(#(\d{1,9})\)\s*$", subject)
    return int(match.group(1)) if match else None


def _merge_request_number(message: str) -> int | None:
    """The GitLab merge request a merge commit names (``See merge request grp/prj!N``)."""
    match = re.search(r"^See merge request \S*!(\d{1,9})\s*$", message, re.MULTILINE)
    return int(match.group(1)) if match else None


def _log_entry(
    chunk: str,
) -> tuple[str, list[str], str, str, tuple[tuple[str, str], ...], str] | None:
    """(sha, parents, author date, committer date, trailers, message) of one commit
    printed with ``_PULL_REQUEST_FORMAT``; None for an empty chunk."""
    fields = chunk.lstrip("\n").split("\x1f", 5)
    if len(fields) != 6:
        return None
    sha, parents, date, committed, trailers, message = fields
    return sha, parents.split(), date, committed, _trailers(trailers), message


def _trailers(block: str) -> tuple[tuple[str, str], ...]:
    """(key, value) pairs from git's ``%(trailers)`` output (see the format)."""
    canonical = {key.lower(): key for key in _TRAILER_KEYS}
    pairs = []
    for line in block.split("\x1d"):
        key, separator, value = line.partition("\x1c")
        if separator and value.strip():
            pairs.append((canonical.get(key.strip().lower(), key), value.strip()))
    return tuple(pairs)


def _shallow_cut(marker: Path) -> list[str]:
    """The commits where a shallow clone's history is cut (git's ``shallow`` file)."""
    try:
        return read_input_text(marker, kind="record").split()
    except InputError:
        return []
