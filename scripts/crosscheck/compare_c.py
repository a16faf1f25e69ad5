#!/usr/bin/env python3
"""compare_b.py with the tables of cross-check C (supervision, targets, targets_backtest).

usage: compare_c.py PRODUCT_DIR MINE_DIR [tables...]   # exit 1 on any difference
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import compare_b as C  # noqa: E402

C.KEYS.update({
    "supervision": ["unit_id", "rollup", "period_type", "period"],
    "targets": ["unit_id", "rollup", "year", "metric"],
    "targets_backtest": ["unit_id", "rollup", "metric", "year"],
})

if __name__ == "__main__":
    C.main()
