#!/usr/bin/env python3
"""Draws a reproducible random sample of lint findings for hand review.

Usage: scripts/sample-findings.py FINDINGS.json MIGRATIONS_DIR [N] [SEED]

FINDINGS.json is `turquoise lint --format json` output. Prints each drawn
finding with the statement it points at, so a reviewer can judge it.
"""
import json
import random
import sys
from pathlib import Path


def main() -> int:
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    report = json.loads(Path(sys.argv[1]).read_text())
    base = Path(sys.argv[2])
    n = int(sys.argv[3]) if len(sys.argv) > 3 else 30
    seed = int(sys.argv[4]) if len(sys.argv) > 4 else 4
    findings = report["findings"]
    rng = random.Random(seed)
    sample = rng.sample(findings, min(n, len(findings)))
    for i, f in enumerate(sample, 1):
        print(f"--- {i}. {f['rule']} ({f['severity']}) {f['file']}:{f['line']}:{f['column']}")
        print(f"    {f['message']}")
        if f.get("help"):
            print(f"    help: {f['help']}")
        print(f"    compatibility={f.get('compatibility')} lock={f.get('lock')} table={f.get('table')} rewrite={f.get('rewrite')}")
        path = base / f["file"]
        if f["line"] and path.is_file():
            lines = path.read_text().splitlines()
            for ln in lines[f["line"] - 1 : min(f["end_line"], f["line"] + 5)]:
                print(f"    | {ln}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
