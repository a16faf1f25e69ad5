#!/usr/bin/env python3
"""compare_b.py with the tables of cross-check A (volume, repeat, closure): one comparer,
one equality rule (numbers within 1e-9, absolute or relative; empty only equals empty;
text exactly) for every cross-check.

usage: compare.py PRODUCT_DIR SPEC_DIR [tables...]   # exit 1 on any difference
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import compare_b as C  # noqa: E402

A_KEYS = {t: ["unit_id", "rollup", "period_type", "period"] for t in ("volume", "repeat", "closure")}
C.KEYS.update(A_KEYS)

if __name__ == "__main__":
    if len(sys.argv) == 3:
        sys.argv += list(A_KEYS)
    C.main()
