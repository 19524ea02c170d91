#!/usr/bin/env python3
"""Times PyYAML's C loader parsing, and a ruamel.yaml round trip of, the configurations that
`cargo bench --bench merge` writes to target/merge-bench/ (run that first). Run by hand:

    pip install pyyaml ruamel.yaml
    python3 benches/merge_python.py

Prints the median of several runs per file, in milliseconds, to compare with criterion's figures
for the merge itself.
"""

import io
import pathlib
import statistics
import sys
import time

import yaml
from ruamel.yaml import YAML

ROOT = pathlib.Path(__file__).resolve().parent.parent / "target" / "merge-bench"


def median_ms(fn, runs):
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def main():
    if not hasattr(yaml, "CLoader"):
        sys.exit("PyYAML was built without libyaml: no C loader to compare with")
    files = sorted(ROOT.glob("clients-*.yml"), key=lambda p: int(p.stem.split("-")[1]))
    if not files:
        sys.exit(f"no files in {ROOT}: run 'cargo bench --bench merge' first")
    for path in files:
        text = path.read_text()
        small = len(text) < 2_000_000
        cload = median_ms(lambda: yaml.load(text, Loader=yaml.CLoader), 5 if small else 3)

        def roundtrip():
            y = YAML()
            data = y.load(text)
            data["identity_providers"]["oidc"]["clients"].append({"client_id": "memos"})
            out = io.StringIO()
            y.dump(data, out)

        ruamel = median_ms(roundtrip, 3 if small else 1)
        print(f"{path.name}: {len(text) / 1e6:.2f} MB  PyYAML CLoader parse {cload:.1f} ms  ruamel.yaml round trip {ruamel:.1f} ms")


if __name__ == "__main__":
    main()
