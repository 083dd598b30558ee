"""Time the SBOM import: ``read_sbom`` and ``write_record`` on a CycloneDX 1.6 JSON SBOM.

The SBOM has N components (``--components``, default 1 000) with realistic names,
versions, PURLs of four ecosystems, licences, suppliers and SHA-256 hashes, and is
written by cyclonedx-python-lib's own JSON serializer, as real generators built on it
do. Each figure is the median of ``--repeat`` runs (default 5). Peak RSS is the
process's maximum resident set (``resource``), SBOM building included. Prints a short
Markdown table.

    .venv/bin/python bench/sbom_bench.py --components 5000
"""

from __future__ import annotations

import argparse
import hashlib
import random
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

from cyclonedx.model import HashAlgorithm, HashType
from cyclonedx.model.bom import Bom
from cyclonedx.model.component import Component, ComponentType
from cyclonedx.model.contact import OrganizationalEntity
from cyclonedx.model.license import DisjunctiveLicense, LicenseExpression
from cyclonedx.output.json import JsonV1Dot6
from packageurl import PackageURL

from qmsdoc.soup import write_record
from qmsdoc.soup.sbom import read_sbom

if TYPE_CHECKING:
    from collections.abc import Callable

STEMS = (
    "http", "json", "yaml", "xml", "crypto", "auth", "cache", "log", "test", "date",
    "time", "path", "config", "parse", "stream", "buffer", "socket", "retry", "queue",
    "image", "font", "color", "regex", "template", "schema", "protocol", "codec",
    "compress", "hash", "token", "session", "router", "metrics", "trace", "locale",
)  # fmt: skip
SUFFIXES = ("", "-core", "-utils", "-client", "-server", "js", "lib", "-parser", "kit")
ECOSYSTEMS = ("pypi", "npm", "maven", "deb")
LICENCES = ("MIT", "Apache-2.0", "BSD-3-Clause", "BSD-2-Clause", "ISC", "MPL-2.0")
SUPPLIERS = ("Python Software Foundation", "OpenJS Foundation", "Apache Software Foundation", "Debian")  # fmt: skip


def build_sbom(count: int, *, seed: int = 62304) -> str:
    """A CycloneDX 1.6 JSON SBOM of ``count`` distinct components (same seed, same text)."""
    generator = random.Random(seed)
    bom = Bom()
    root = Component(
        type=ComponentType.APPLICATION,
        name="serenya-api",
        version="3.1.0",
        bom_ref="serenya-api",
    )
    bom.metadata.component = root
    seen: set[str] = set()
    while len(seen) < count:
        stem = generator.choice(STEMS)
        name = f"{stem}{generator.choice(SUFFIXES)}{generator.randrange(1, 400)}"
        if name in seen:
            continue
        seen.add(name)
        ecosystem = generator.choice(ECOSYSTEMS)
        version = ".".join(str(generator.randrange(0, 30)) for _ in range(3))
        namespace = {"maven": f"org.{stem}", "deb": "debian"}.get(ecosystem)
        purl = PackageURL(
            type=ecosystem, namespace=namespace, name=name, version=version
        )
        licence = (
            LicenseExpression("MIT OR Apache-2.0")
            if generator.random() < 0.1
            else DisjunctiveLicense(id=generator.choice(LICENCES))
        )
        bom.components.add(
            Component(
                type=ComponentType.LIBRARY,
                name=name,
                version=version,
                group=namespace,
                purl=purl,
                bom_ref=purl.to_string(),
                supplier=OrganizationalEntity(
                    name=SUPPLIERS[ECOSYSTEMS.index(ecosystem)]
                ),
                licenses=[licence],
                hashes=[
                    HashType(
                        alg=HashAlgorithm.SHA_256,
                        content=hashlib.sha256(purl.to_string().encode()).hexdigest(),
                    )
                ],
            )
        )
    bom.register_dependency(root, bom.components)
    return JsonV1Dot6(bom).output_as_string(indent=2)


def median_seconds(action: Callable[[], object], repeat: int) -> float:
    """Median wall time of ``repeat`` runs of ``action``."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    """Build the SBOM, time reading and writing it, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--components", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=5)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        sbom = Path(folder) / "serenya-api.cdx.json"
        sbom.write_text(build_sbom(options.components), encoding="utf-8")
        record = read_sbom(sbom)
        assert len(record.components) == options.components
        read = median_seconds(lambda: read_sbom(sbom), options.repeat)
        output = Path(folder) / "soup"
        write = median_seconds(lambda: write_record(output, record), options.repeat)
        size = sbom.stat().st_size
        record_size = (output / "serenya-api.json").stat().st_size
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    sys.stdout.write(
        "| components | SBOM size | record size | read_sbom (s) | write_record (s) "
        "| peak RSS (MiB) |\n"
        "|---:|---:|---:|---:|---:|---:|\n"
        f"| {options.components:,} | {size / 1024:,.0f} KiB | {record_size / 1024:,.0f} KiB "
        f"| {read:.3f} | {write:.3f} | {peak:,.0f} |\n"
    )


if __name__ == "__main__":
    main()
