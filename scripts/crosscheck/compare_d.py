#!/usr/bin/env python3
"""compare_b.py with the tables of cross-check D (campaign, campaign_groups, alerts, cohort).

usage: compare_d.py PRODUCT_DIR MINE_DIR [tables...]   # exit 1 on any difference
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import compare_b as C  # noqa: E402

C.KEYS.clear()
C.KEYS.update({
    "campaign": ["campaign_id", "unit_id", "rollup"],
    "campaign_groups": ["campaign_id", "group"],
    "alerts": ["week_start", "unit_id", "kind", "category"],
    "cohort": ["unit_id", "rollup", "period_type", "period"],
})

if __name__ == "__main__":
    C.main()
