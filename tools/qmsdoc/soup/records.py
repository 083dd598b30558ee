"""SOUP records: the components of a software bill of materials, normalized.

An SBOM (CycloneDX or SPDX) is imported into one :class:`SbomRecord`, stored as a
committed JSON file under the profile's ``[soup] directory`` (IEC 62304 8.1.2: every
SOUP item identified by title, manufacturer and unique designator).
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["Component", "SbomRecord", "component_key"]


def component_key(name: str, purl: str | None) -> str:
    """The identity of a component across versions: its PURL without version,
    qualifiers and subpath, else its lower-case name (``pkg:pypi/urllib3``)."""
    if purl:
        base = purl.split("#", 1)[0].split("?", 1)[0]
        # the version follows an '@' in the last path segment (the name)
        namespace, slash, last = base.rpartition("/")
        name_part = last.split("@", 1)[0] if "@" in last[1:] else last
        return f"{namespace}{slash}{name_part}".lower()
    return name.strip().lower()


@dataclass(frozen=True, slots=True, kw_only=True)
class Component:
    """One component of an SBOM (name, version, supplier, PURL, licences, hashes)."""

    name: str
    version: str | None
    supplier: str | None
    purl: str | None
    licenses: tuple[str, ...] = ()
    """SPDX identifiers or expressions, or licence names as given."""
    hashes: tuple[tuple[str, str], ...] = ()
    """(algorithm, lower-case hex digest) pairs, sorted."""
    reference: str = ""
    """The component's bom-ref (CycloneDX) or SPDXID (SPDX) in the source file."""
    kind: str = "library"
    """CycloneDX component type (library, framework, application, container...)."""
    line: int = field(default=0, compare=False)
    """Line of the component in the stored record file (0: not read from a record)."""

    @property
    def key(self) -> str:
        """Identity across versions, see :func:`component_key`."""
        return component_key(self.name, self.purl)


@dataclass(frozen=True, slots=True, kw_only=True)
class SbomRecord:
    """One imported SBOM: its provenance and its components in a stable order."""

    name: str
    """Record name (file ``<name>.json`` in the SOUP folder), e.g. ``serenya-api``."""
    source: str
    """File name the SBOM was imported from."""
    format: str
    """``CycloneDX`` or ``SPDX``."""
    spec_version: str
    """Specification version of the source file (e.g. ``1.6``, ``SPDX-2.3``)."""
    digest: str
    """SHA-256 of the imported file's bytes."""
    serial: str | None = None
    """CycloneDX serial number or SPDX document namespace."""
    created: str | None = None
    """Creation time stated by the SBOM (ISO 8601), if any."""
    tools: tuple[str, ...] = ()
    """Tools that produced the SBOM, as ``name version``."""
    subject: str | None = None
    """What the SBOM describes (metadata component / described package), if stated."""
    components: tuple[Component, ...] = ()
    """Sorted by (key, version)."""
    path: str = field(default="", compare=False)
    """The record file this was read from (empty when freshly imported)."""
