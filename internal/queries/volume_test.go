package queries_test

import "testing"

func vol(col, unit string, rollup bool, period string) string {
	return "SELECT " + col + " FROM mart.volume WHERE " + key(unit, rollup, period)
}

// volumeFixture: P is C's parent, D a separate root, X an unknown unit.
func volumeFixture(t *testing.T) *fixture {
	f := newFixture(t)
	f.units(U{ID: "P"}, U{ID: "C", Parent: "P"}, U{ID: "D"})
	f.add(
		P{ID: "r1", Unit: "C", Received: "2023-01-15"},
		P{ID: "r2", Unit: "C", Received: "2023-02-28"},
		P{ID: "r3", Unit: "C", Received: "2023-03-01"},
		P{ID: "r4", Unit: "C", Received: "2023-11-29"},
		P{ID: "r5", Unit: "C", Received: "2023-11-30"},
		P{ID: "r6", Unit: "D", Received: "2023-12-31"},
		P{ID: "r7", Unit: "C", Received: "2024-01-10", Channel: "visit", Headcount: "4", Petitioner: "a"},
		P{ID: "r8", Unit: "C", Received: "2024-01-11", Channel: "visit", Headcount: "5", Petitioner: "a"},
		P{ID: "r9", Unit: "C", Received: "2024-02-01", Channel: "visit", Headcount: "6", Petitioner: "b"},
		P{ID: "r10", Unit: "P", Received: "2024-02-29 23:59:00", Channel: "visit"},
		P{ID: "r11", Unit: "X", Received: "2024-02-15", Petitioner: "a"},
		P{ID: "r12", Unit: "C", Received: "2024-03-01"},
	)
	return f
}

func TestVolumeCountsRollupUnknown(t *testing.T) {
	f := volumeFixture(t)
	f.build("2024-02-29")
	// Q1 2024, P with descendants: r7, r8, r9 (C) + r10 (P) = 4; r12 is after as_of.
	f.eqInt(4, vol("petitions", "P", true, "2024-Q1"))
	f.eqInt(1, vol("petitions", "P", false, "2024-Q1"))
	// ALL adds the unknown unit's r11: 5. X gets no row of its own.
	f.eqInt(5, vol("petitions", "ALL", true, "2024-Q1"))
	f.eqInt(0, "SELECT count(*) FROM mart.volume WHERE unit_id = 'X'")
	// Zero rows exist: D has nothing in 2024-01.
	f.eqInt(0, vol("petitions", "D", false, "2024-01"))
	// persons, C own Q1: headcounts 4 + 5 + 6 = 15; P rollup adds r10's blank headcount = 1: 16.
	f.eqInt(15, vol("persons", "C", false, "2024-Q1"))
	f.eqInt(16, vol("persons", "P", true, "2024-Q1"))
	// collective visits (visit and headcount >= 5): r7 (4) no, r8 (5) yes, r9 (6) yes,
	// r10 (blank = 1) no -> 2.
	f.eqInt(2, vol("collective_visits", "P", true, "2024-Q1"))
	f.eqInt(1, vol("collective_visits", "C", false, "2024-02"))
	// petitioners: C own Q1 {a, b} = 2; P own: only r10 with a blank petitioner = 0;
	// ALL: r11's "a" at X is the same person as C's "a": {a, b} = 2 (not 3: distinct over the
	// scoped records, not a sum of units).
	f.eqInt(2, vol("petitioners", "C", false, "2024-Q1"))
	f.eqInt(0, vol("petitioners", "P", false, "2024-Q1"))
	f.eqInt(2, vol("petitioners", "ALL", true, "2024-Q1"))
	f.eqInt(2, vol("petitioners", "ALL", true, "2024"))
	// Row count: periods 2023-01..2024-02 = 14 months, 5 quarters, 2 years = 21 periods;
	// (3 units x 2 + ALL) = 7 scopes -> 147 rows.
	f.eqInt(147, "SELECT count(*) FROM mart.volume")
}

func TestVolumeYoYPoPPartialLeapDay(t *testing.T) {
	f := volumeFixture(t)
	f.build("2024-02-29")
	// 2024-Q1 is partial (ends 03-31). yoy base: 2023-01-01 .. 2023-02-28 (as_of 29 Feb minus
	// a year = 28 Feb): r1, r2 = 2 (r3 on 03-01 is outside). P rollup: (4-2)/2*100 = 100.
	f.eqInt(2, vol("yoy_base", "P", true, "2024-Q1"))
	f.eqFloat(100, vol("yoy_pct", "P", true, "2024-Q1"))
	// pop base: as_of - 2024-01-01 + 1 = 60 days of Q4 2023: 10-01 .. 11-29 (31 + 29 days):
	// r4 = 1 (r5 on 11-30 is outside). P rollup: (4-1)/1*100 = 300; ALL: (5-1)/1*100 = 400.
	f.eqInt(1, vol("pop_base", "P", true, "2024-Q1"))
	f.eqFloat(300, vol("pop_pct", "P", true, "2024-Q1"))
	f.eqFloat(400, vol("pop_pct", "ALL", true, "2024-Q1"))
	// Year 2024 (partial), ALL = 5. yoy base as above = 2: 150. pop base: first 60 days of
	// 2023 = 01-01 .. 03-01 (31 + 28 + 1): r1, r2, r3 = 3: (5-3)/3*100 = 66.666...
	f.eqFloat(150, vol("yoy_pct", "ALL", true, "2024"))
	f.eqInt(3, vol("pop_base", "ALL", true, "2024"))
	f.eqFloat(200.0/3, vol("pop_pct", "ALL", true, "2024"))
	// 2024-02 is complete (ends on as_of): full periods. P rollup Feb = r9, r10 = 2; Feb 2023
	// = r2 = 1: yoy 100; Jan 2024 = r7, r8 = 2: pop 0.
	f.eqFloat(100, vol("yoy_pct", "P", true, "2024-02"))
	f.eqFloat(0, vol("pop_pct", "P", true, "2024-02"))
	// Base 0 -> NULL: D in 2024-01 (0 vs Dec 2023 r6 = 1 gives -100; vs Jan 2023 = 0 gives NULL).
	f.eqNull(vol("yoy_pct", "D", false, "2024-01"))
	f.eqFloat(-100, vol("pop_pct", "D", false, "2024-01"))
	// First month of data: no earlier period at all -> bases 0, pct NULL.
	f.eqNull(vol("pop_pct", "C", false, "2023-01"))
	f.eqInt(0, vol("pop_base", "C", false, "2023-01"))
}

func TestVolumePartialMonthShorterPrevious(t *testing.T) {
	f := volumeFixture(t)
	f.build("2024-03-30")
	// 2024-03 is partial with 30 elapsed days; February 2024 has 29, so the pop base is all
	// of it: r9, r10, r11 = 3 (ALL). March so far: r12 = 1: (1-3)/3*100 = -66.666...
	f.eqInt(3, vol("pop_base", "ALL", true, "2024-03"))
	f.eqFloat(-200.0/3, vol("pop_pct", "ALL", true, "2024-03"))
	// yoy base: 2023-03-01 .. 2023-03-30: r3 = 1: (1-1)/1*100 = 0.
	f.eqInt(1, vol("yoy_base", "ALL", true, "2024-03"))
	f.eqFloat(0, vol("yoy_pct", "ALL", true, "2024-03"))
}

func TestVolumeNotTrackedAndBreakdowns(t *testing.T) {
	f := newFixture(t)
	f.units(U{ID: "A"})
	// s1 maps channel and category but not petitioner_id; s2 maps none of the three.
	f.sourceExcept("s1", "petitioner_id")
	f.sourceExcept("s2", "petitioner_id", "channel", "category")
	f.add(
		P{Source: "s1", ID: "1", Unit: "A", Received: "2024-01-02", Channel: "visit", Headcount: "5", Category: "公证"},
		P{Source: "s1", ID: "2", Unit: "A", Received: "2024-01-03", Channel: "letter", Category: ""},
		P{Source: "s1", ID: "3", Unit: "A", Received: "2024-01-04", Channel: "", Category: "公证"},
		// s2 does not map channel: its "visit" is not counted as a collective visit.
		P{Source: "s2", ID: "1", Unit: "A", Received: "2024-01-05", Channel: "visit", Headcount: "9", Petitioner: "z"},
	)
	f.build("2024-01-31")
	// petitioner_id mapped by no source: NULL in every row.
	f.eqInt(0, "SELECT count(*) FROM mart.volume WHERE petitioners IS NOT NULL")
	// collective: only s1 record 1 (visit, 5) = 1; petitions count all 4; persons 5+1+1+9 = 16.
	f.eqInt(1, vol("collective_visits", "A", false, "2024-01"))
	f.eqInt(4, vol("petitions", "A", false, "2024-01"))
	f.eqInt(16, vol("persons", "A", false, "2024-01"))
	// by channel, over s1 only: visit 1, letter 1, blank (NULL) 1; s2 not included.
	f.eqInt(1, "SELECT petitions FROM mart.volume_by_channel WHERE "+key("A", false, "2024-01")+" AND channel = 'visit'")
	f.eqInt(1, "SELECT petitions FROM mart.volume_by_channel WHERE "+key("A", false, "2024-01")+" AND channel IS NULL")
	f.eqInt(3, "SELECT sum(petitions) FROM mart.volume_by_channel WHERE "+key("ALL", true, "2024"))
	// by category: 公证 2 (persons 5 + 1 = 6), blank 1.
	f.eqInt(2, "SELECT petitions FROM mart.volume_by_category WHERE "+key("A", true, "2024-Q1")+" AND category = '公证'")
	f.eqInt(6, "SELECT persons FROM mart.volume_by_category WHERE "+key("A", true, "2024-Q1")+" AND category = '公证'")
	f.eqInt(1, "SELECT petitions FROM mart.volume_by_category WHERE "+key("A", true, "2024-Q1")+" AND category IS NULL")
}

// Each breakdown counts the records of the sources that map its own field (SPEC §3: an
// untracked field is not a blank value). s1 maps both, s3 channel only, s4 category only;
// an unmapped field is stored NULL, so these rows share the blank (NULL) group with s1's
// blank record #2. January 2024, unit A:
//
//	#1 s1  channel visit, category 公证, headcount 2
//	#2 s1  channel blank, category blank, headcount 1
//	#3 s3  channel visit, (category not mapped), headcount 3
//	#4 s4  (channel not mapped), category 律师, headcount 4
//	#5 s3  February: channel letter, (category not mapped)
//
// by channel (s1, s3): visit #1 #3 → 2 petitions, 5 persons; blank #2 → 1, 1 (not #4);
// the year adds #5: 4. by category (s1, s4): 公证 #1 → 1, 2; 律师 #4 → 1, 4; blank #2 → 1, 1
// (not #3); February has no category cell (#5 alone would be a cell of 0 records).
func TestBreakdownsCountSourcesMappingTheirField(t *testing.T) {
	f := newFixture(t)
	f.units(U{ID: "A"})
	f.sourceExcept("s3", "category")
	f.sourceExcept("s4", "channel")
	f.add(
		P{Source: "s1", ID: "1", Unit: "A", Received: "2024-01-02", Channel: "visit", Category: "公证", Headcount: "2"},
		P{Source: "s1", ID: "2", Unit: "A", Received: "2024-01-03", Channel: "", Category: "", Headcount: "1"},
		P{Source: "s3", ID: "3", Unit: "A", Received: "2024-01-04", Channel: "visit", Category: "公证", Headcount: "3"},
		P{Source: "s4", ID: "4", Unit: "A", Received: "2024-01-05", Channel: "visit", Category: "律师", Headcount: "4"},
		P{Source: "s3", ID: "5", Unit: "A", Received: "2024-02-01", Channel: "letter"},
	)
	f.build("2024-02-29")
	// one cell of a breakdown view: the column col of the row at key k where cond holds
	cell := func(view, k, col, cond string) string {
		return "SELECT " + col + " FROM mart." + view + " WHERE " + k + " AND " + cond
	}
	jan, q1 := key("A", false, "2024-01"), key("A", true, "2024-Q1")
	f.eqInt(2, cell("volume_by_channel", jan, "petitions", "channel = 'visit'"))
	f.eqInt(5, cell("volume_by_channel", jan, "persons", "channel = 'visit'"))
	f.eqInt(1, cell("volume_by_channel", jan, "petitions", "channel IS NULL"))
	f.eqInt(1, cell("volume_by_channel", jan, "persons", "channel IS NULL"))
	f.eqInt(4, "SELECT sum(petitions) FROM mart.volume_by_channel WHERE "+key("ALL", true, "2024"))
	f.eqInt(1, cell("volume_by_category", q1, "petitions", "category = '公证'"))
	f.eqInt(2, cell("volume_by_category", q1, "persons", "category = '公证'"))
	f.eqInt(4, cell("volume_by_category", q1, "persons", "category = '律师'"))
	f.eqInt(1, cell("volume_by_category", q1, "petitions", "category IS NULL"))
	f.eqInt(1, cell("volume_by_category", q1, "persons", "category IS NULL"))
	f.eqInt(3, "SELECT sum(petitions) FROM mart.volume_by_category WHERE "+key("ALL", true, "2024"))
	// the stored cells: one per value with records, and the two cell views read them
	f.eqInt(5, "SELECT count(*) FROM mart.volume_by_dim_cells WHERE "+key("A", false, "2024-01"))
	f.eqInt(2, "SELECT count(*) FROM mart.volume_by_channel_cells WHERE "+key("A", false, "2024-01"))
	f.eqInt(0, "SELECT count(*) FROM mart.volume_by_category_cells WHERE "+key("A", false, "2024-02"))
}
