"""Turns a folder of NDJSON bundles (bench/generate.py) into one YAML bundle, to measure
how `entente validate` and `entente seed` read a large YAML file (docs/BENCHMARKS.md,
"Reading a large YAML bundle"):

    python bench/generate.py --events 75000 --out bench/out/kb-75000
    python bench/yaml_bundle.py bench/out/kb-75000 bench/out/kb-75000-yaml
    /usr/bin/time -v entente validate bench/out/kb-75000-yaml/bundle.yaml
"""

import json
import shutil
import sys
from pathlib import Path

import yaml


def main(source: Path, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for text in source.glob("*.txt"):
        shutil.copy(text, out / text.name)
    sections: dict[str, list[object]] = {}
    default = None
    for bundle in sorted(source.glob("*.ndjson")):
        with bundle.open(encoding="utf-8") as lines:
            for line in lines:
                ((section, value),) = json.loads(line).items()
                if section == "default_source":
                    default = value
                else:
                    sections.setdefault(section, []).append(value)
    with (out / "bundle.yaml").open("w", encoding="utf-8") as written:
        written.write(f"default_source: {default}\n")
        for section, records in sections.items():
            written.write(f"{section}:\n")
            for record in records:
                block = yaml.dump([record], Dumper=yaml.CSafeDumper, sort_keys=False, width=1000)
                written.write("".join(f"  {line}\n" for line in block.splitlines()))


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
