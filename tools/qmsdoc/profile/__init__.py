"""The profile: one TOML file that configures item types, fields, links and rules.

A packaged profile (``medical-device``) ships in ``profile/data``. A project's
``qms.toml`` may ``extends = "medical-device"`` and override any table of it; tables
are merged key by key, lists are replaced. See :mod:`qmsdoc.project` for the
``[project]`` table of the same file.
"""

from __future__ import annotations

import re
import tomllib
from importlib import resources
from typing import TYPE_CHECKING, Any

from qmsdoc.errors import InputError, ProfileError
from qmsdoc.input_files import read_input_text
from qmsdoc.profile._build import build_profile
from qmsdoc.profile.model import (
    CoverageRule,
    FieldSpec,
    ItemType,
    LinkType,
    Profile,
    Severity,
    split_list,
)

if TYPE_CHECKING:
    from pathlib import Path

__all__ = [
    "DEFAULT_PROFILE",
    "CoverageRule",
    "FieldSpec",
    "ItemType",
    "LinkType",
    "Profile",
    "Severity",
    "load_profile",
    "packaged_profiles",
    "read_toml",
    "split_list",
]

DEFAULT_PROFILE = "medical-device"


def packaged_profiles() -> list[str]:
    """Names of the profiles shipped in the package."""
    folder = resources.files("qmsdoc.profile") / "data"
    return sorted(
        entry.name.removesuffix(".toml")
        for entry in folder.iterdir()
        if entry.name.endswith(".toml")
    )


def load_profile(path: Path | None = None) -> Profile:
    """Load the project's profile, or the default one when ``path`` is None.

    :param path: A project file such as ``qms.toml``; it may extend a packaged profile.
    :raises ProfileError: If the file is missing, is not valid TOML, or is invalid.
    """
    if path is None:
        return build_profile(_packaged(DEFAULT_PROFILE), DEFAULT_PROFILE)
    data = read_toml(path)
    extends = data.get("extends")
    if extends is None and "types" not in data:
        extends = DEFAULT_PROFILE
    if extends is not None:
        if not isinstance(extends, str) or extends not in packaged_profiles():
            raise ProfileError(
                str(path),
                f"unknown profile {extends!r}; packaged profiles: {', '.join(packaged_profiles())}",
                key="extends",
            )
        data = _merge(
            _packaged(extends), {k: v for k, v in data.items() if k != "extends"}
        )
    return build_profile(data, str(path))


def read_toml(path: Path) -> dict[str, Any]:
    """Read a TOML file; a syntax error names the file and line.

    The file is read as every input is (:mod:`qmsdoc.input_files`): a regular file
    of at most 1 MiB.

    :raises ProfileError: If the file cannot be read or parsed, nests too deeply or
        holds an integer too long to convert.
    """
    try:
        text = read_input_text(path, kind="profile")
    except InputError as error:
        if not path.exists() and not path.is_symlink():
            raise ProfileError(str(path), "file not found") from None
        raise ProfileError(str(path), str(error).removeprefix(f"{path}: ")) from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        message = str(error)
        match = re.search(r"\(at line (\d+), column \d+\)", message)
        line = int(match.group(1)) if match else None
        problem = re.sub(r"\s*\(at line \d+, column \d+\)", "", message)
        raise ProfileError(
            str(path), f"TOML syntax error: {problem}", line=line
        ) from None
    except RecursionError:
        raise ProfileError(str(path), "TOML nested too deeply") from None
    except ValueError as error:
        # int() refuses more than sys.get_int_max_str_digits() digits
        raise ProfileError(
            str(path), f"TOML value not usable: {str(error).split(';')[0]}"
        ) from None


def _packaged(name: str) -> dict[str, Any]:
    text = (resources.files("qmsdoc.profile") / "data" / f"{name}.toml").read_text(
        encoding="utf-8"
    )
    return tomllib.loads(text)


def _merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged
