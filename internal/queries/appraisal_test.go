package queries_test

import (
	"fmt"
	"testing"

	"github.com/xinfang/xinfang/internal/config"
)

func apRow(unit, period string) string {
	return " FROM mart.appraisal WHERE " + key(unit, false, period)
}

func apInd(unit, period, ind string) string {
	return " FROM mart.appraisal_indicators WHERE " + key(unit, false, period) + " AND indicator = '" + ind + "'"
}

// Appraisal with the default indicators, min_n 5, for unit A (prison/facility) in 2024-Q1,
// as of 2024-06-30. Ten records r1..r10 received Jan 2..11, 2024, all source_type self;
// ten records in Feb 2023 (other petitioners) give the year-earlier base.
//
//	on_time_rate       deadlines accepted + 60, all in March; r7 and r8 closed one day late:
//	                   8/10 = 80 %  → 25 − 0.5·(100 − 80) = 15
//	acceptance_rate    received + 15; r9 accepted one day late: 9/10 = 90 % → 10 − 0.5·10 = 5
//	repeat_rate        r2 repeats r1 (p1, m1), r4 repeats r3: 2/10 = 20 % (lower, t 10)
//	                   → 20 − 1·(20 − 10) = 10
//	first_contact_rate first-time records closed in Q1: r1 r3 r5..r10 = 8; r5 (closed Mar 5)
//	                   is not ceased (p3 returns on m3 Apr 10): 7/8 = 87.5 %
//	                   → 15 − 0.5·(90 − 87.5) = 13.75
//	followup_rate      6 of 10 closures followed up = 60 % → max(0, 5 − 0.25·40) = 0
//	yoy_pct            10 against 10 a year earlier = 0 % (lower, t 0) → 5
//	satisfaction_rate  rated 4 (< min_n 5): N/A
//	feedback_rate      nothing forwarded, feedback_due 0 (< 5): N/A
//
// score = 100 · (15 + 5 + 10 + 13.75 + 0 + 5) / (25 + 10 + 20 + 15 + 5 + 5)
//
//	= 100 · 48.75 / 80 = 60.9375 → 合格 (60 ≤ score < 80).
func TestAppraisalScore(t *testing.T) {
	f := newFixture(t)
	f.units(U{ID: "A", Sector: "prison", Level: "facility"}, U{ID: "B", Sector: "prison", Level: "facility"})
	for i := 1; i <= 10; i++ {
		f.add(P{ID: fmt.Sprintf("b%d", i), Unit: "A", Received: fmt.Sprintf("2023-02-%02d", i),
			Petitioner: fmt.Sprintf("q%d", i), Matter: fmt.Sprintf("n%d", i), SourceType: "self",
			AcceptedAt: "2023-02-11", Closed: "2023-02-20"})
	}
	r := func(id, rec, pet, matter, acc, closed, follow, sat string) P {
		return P{ID: id, Unit: "A", Received: rec, Petitioner: pet, Matter: matter, SourceType: "self",
			AcceptedAt: acc, Closed: closed, Followup: follow, Satisfaction: sat}
	}
	f.add(
		r("r1", "2024-01-02", "p1", "m1", "2024-01-03", "2024-02-20", "2024-02-25", "satisfied"),
		r("r2", "2024-01-03", "p1", "m1", "2024-01-04", "2024-02-21", "2024-02-26", "basically"),
		r("r3", "2024-01-04", "p2", "m2", "2024-01-05", "2024-02-22", "2024-02-27", "unsatisfied"),
		r("r4", "2024-01-05", "p2", "m2", "2024-01-06", "2024-02-23", "2024-02-28", "satisfied"),
		r("r5", "2024-01-06", "p3", "m3", "2024-01-07", "2024-03-05", "2024-03-10", "unrated"),
		r("r6", "2024-01-07", "p4", "m4", "2024-01-08", "2024-02-25", "2024-03-01", ""),
		r("r7", "2024-01-08", "p5", "m5", "2024-01-09", "2024-03-10", "", ""), // deadline Mar 9
		r("r8", "2024-01-09", "p6", "m6", "2024-01-10", "2024-03-11", "", ""), // deadline Mar 10
		r("r9", "2024-01-10", "p7", "m7", "2024-01-26", "2024-03-01", "", ""), // accept deadline Jan 25
		r("r10", "2024-01-11", "p8", "m8", "2024-01-12", "2024-03-01", "", ""),
		r("r11", "2024-04-10", "p3", "m3", "", "", "", ""),
	)
	f.build("2024-06-30")
	q := "2024-Q1"
	f.eqFloat(80, "SELECT value"+apInd("A", q, "on_time_rate"))
	f.eqFloat(15, "SELECT points"+apInd("A", q, "on_time_rate"))
	f.eqFloat(5, "SELECT points"+apInd("A", q, "acceptance_rate"))
	f.eqFloat(20, "SELECT value"+apInd("A", q, "repeat_rate"))
	f.eqFloat(10, "SELECT points"+apInd("A", q, "repeat_rate"))
	f.eqFloat(87.5, "SELECT value"+apInd("A", q, "first_contact_rate"))
	f.eqFloat(13.75, "SELECT points"+apInd("A", q, "first_contact_rate"))
	f.eqFloat(0, "SELECT points"+apInd("A", q, "followup_rate"))
	f.eqFloat(0, "SELECT value"+apInd("A", q, "yoy_pct"))
	f.eqInt(10, "SELECT denominator"+apInd("A", q, "yoy_pct"))
	f.eqFloat(5, "SELECT points"+apInd("A", q, "yoy_pct"))
	// N/A: satisfaction 3 of 4 rated = 75 %, but 4 < min_n; feedback has no due records.
	f.eqFloat(75, "SELECT value"+apInd("A", q, "satisfaction_rate"))
	f.eqInt(4, "SELECT denominator"+apInd("A", q, "satisfaction_rate"))
	f.eqInt(1, "SELECT count(*)"+apInd("A", q, "satisfaction_rate")+" AND NOT available AND points IS NULL")
	f.eqInt(1, "SELECT count(*)"+apInd("A", q, "feedback_rate")+" AND NOT available AND points IS NULL")

	f.eqFloat(60.9375, "SELECT score"+apRow("A", q))
	f.eqStr("合格", "SELECT grade"+apRow("A", q))
	f.eqStr("合格", "SELECT final_grade"+apRow("A", q))
	f.eqInt(6, "SELECT indicators_available"+apRow("A", q))
	f.eqInt(1, "SELECT count(*)"+apRow("A", q)+" AND NOT veto AND eligible_for_awards AND complete")
	// B has no records: every indicator N/A, no score, no grade, unranked; A ranks 1 of 1.
	f.eqNull("SELECT score" + apRow("B", q))
	f.eqNull("SELECT grade" + apRow("B", q))
	f.eqNull("SELECT rank" + apRow("B", q))
	f.eqInt(1, "SELECT rank"+apRow("A", q))
	f.eqInt(1, "SELECT peer_size"+apRow("A", q))
	f.eqStr("prison/facility", "SELECT peer_group"+apRow("A", q))
	// Rows: 2 units x (quarters 2023-Q1..2024-Q2 = 6, years 2023, 2024 = 2) = 16; indicators 8 each.
	f.eqInt(16, "SELECT count(*) FROM mart.appraisal")
	f.eqInt(128, "SELECT count(*) FROM mart.appraisal_indicators")
	f.eqInt(0, "SELECT count(*) FROM mart.appraisal WHERE rollup OR period_type = 'month'")
}

// Ranking, veto capping and min_n with a single indicator on_time_rate (w 100, t 100,
// higher, k 1) and min_n 1, so that score = the on-time percentage. As of 2024-06-30;
// each record is received Jan 10 → deadline Mar 10 (2024-Q1), closed Mar 1 or left open.
//
//	peer group prison/facility:
//	  U1 2 of 2 on time = 100 → 优秀; mass incident 2024 → veto → 合格      rank 1
//	  U2 1 of 2 = 50 → 不合格                                             rank 2
//	  U3 1 of 2 = 50 → 不合格                                             rank 2 (tie)
//	  U4 1 of 4 = 25 → 不合格; mass incident 2024 → veto → stays 不合格     rank 4
//	  U5 no records → no score, unranked; peer_size 4
//	peer group bureau/city:
//	  U6 0 of 1 = 0 → 不合格                                              rank 2
//	  U7 4 of 5 = 80 → 良好 (band boundary); mass incident → 合格          rank 1
func TestAppraisalRankAndVeto(t *testing.T) {
	f := newFixture(t)
	f.cfg.Appraisal.Indicators = []config.Indicator{{ID: "on_time_rate", Weight: 100, Target: 100, Direction: "higher", K: 1}}
	f.cfg.Appraisal.MinN = 1
	pf := func(id string) U { return U{ID: id, Sector: "prison", Level: "facility"} }
	f.units(pf("U1"), pf("U2"), pf("U3"), pf("U4"), pf("U5"), U{ID: "U6"}, U{ID: "U7"})
	n := 0
	add := func(unit string, closed, open int) {
		for i := 0; i < closed+open; i++ {
			n++
			p := P{ID: fmt.Sprintf("x%d", n), Unit: unit, Received: "2024-01-10"}
			if i < closed {
				p.Closed = "2024-03-01"
			}
			f.add(p)
		}
	}
	add("U1", 2, 0)
	add("U2", 1, 1)
	add("U3", 1, 1)
	add("U4", 1, 3)
	add("U6", 0, 1)
	add("U7", 4, 1)
	// Mass incidents in 2024 (deadline Apr 1, Q2; closed on time). U1 also had a record
	// in 2023-Q4 (deadline Dec 31, closed on time): 100 → 优秀, and 2023 has no veto.
	f.add(
		P{ID: "m1", Unit: "U1", Received: "2024-02-01", Closed: "2024-02-02", Mass: "true"},
		P{ID: "m4", Unit: "U4", Received: "2024-02-01", Closed: "2024-02-02", Mass: "true"},
		P{ID: "m7", Unit: "U7", Received: "2024-02-01", Closed: "2024-02-02", Mass: "true"},
		P{ID: "old", Unit: "U1", Received: "2023-11-01", Closed: "2023-11-05"},
	)
	f.build("2024-06-30")
	q := "2024-Q1"
	want := []struct {
		unit        string
		score       float64
		grade, fin  string
		veto        bool
		rank, peers int64
	}{
		{"U1", 100, "优秀", "合格", true, 1, 4},
		{"U2", 50, "不合格", "不合格", false, 2, 4},
		{"U3", 50, "不合格", "不合格", false, 2, 4},
		{"U4", 25, "不合格", "不合格", true, 4, 4},
		{"U6", 0, "不合格", "不合格", false, 2, 2},
		{"U7", 80, "良好", "合格", true, 1, 2},
	}
	for _, w := range want {
		f.eqFloat(w.score, "SELECT score"+apRow(w.unit, q))
		f.eqStr(w.grade, "SELECT grade"+apRow(w.unit, q))
		f.eqStr(w.fin, "SELECT final_grade"+apRow(w.unit, q))
		f.eqInt(1, fmt.Sprintf("SELECT count(*)%s AND veto = %v AND eligible_for_awards = %v", apRow(w.unit, q), w.veto, !w.veto))
		f.eqInt(w.rank, "SELECT rank"+apRow(w.unit, q))
		f.eqInt(w.peers, "SELECT peer_size"+apRow(w.unit, q))
	}
	f.eqNull("SELECT score" + apRow("U5", q))
	f.eqNull("SELECT rank" + apRow("U5", q))
	f.eqInt(4, "SELECT peer_size"+apRow("U5", q))
	// The quarter uses the veto of its own year: U1 in 2023-Q4 keeps 优秀.
	f.eqStr("优秀", "SELECT final_grade"+apRow("U1", "2023-Q4"))
	f.eqInt(1, "SELECT count(*)"+apRow("U1", "2023-Q4")+" AND NOT veto")
	// Year 2024 for U1: x1, x2 and m1 all on time = 100, vetoed → 合格.
	f.eqStr("合格", "SELECT final_grade"+apRow("U1", "2024"))

	// min_n 3: U1 (2 due), U2, U3 (2 due) and U6 (1) become N/A and unranked; U4 (4 due)
	// now ranks 1 of 1 in its group, U7 (5 due) 1 of 1 in its group.
	f.cfg.Appraisal.MinN = 3
	f.build("2024-06-30")
	f.eqNull("SELECT score" + apRow("U1", q))
	f.eqNull("SELECT final_grade" + apRow("U1", q))
	f.eqNull("SELECT rank" + apRow("U1", q))
	f.eqInt(1, "SELECT count(*)"+apInd("U1", q, "on_time_rate")+" AND value = 100 AND denominator = 2 AND NOT available")
	f.eqInt(1, "SELECT rank"+apRow("U4", q))
	f.eqInt(1, "SELECT peer_size"+apRow("U4", q))
	f.eqInt(0, "SELECT indicators_available"+apRow("U1", q))
}

// acceptance_rate not tracked: its value is NULL, the indicator N/A, and the score is
// taken over the rest. Indicators on_time_rate (w 60) and acceptance_rate (w 40), min_n 1:
// A has 1 record, on time → on_time 100 → 60 points; score = 100 · 60 / 60 = 100.
func TestAppraisalNotTracked(t *testing.T) {
	f := newFixture(t)
	f.cfg.Appraisal.Indicators = []config.Indicator{
		{ID: "on_time_rate", Weight: 60, Target: 100, Direction: "higher", K: 1},
		{ID: "acceptance_rate", Weight: 40, Target: 100, Direction: "higher", K: 1},
	}
	f.cfg.Appraisal.MinN = 1
	f.units(U{ID: "A"})
	f.sourceExcept("s1", "accepted_at")
	f.add(P{ID: "1", Unit: "A", Received: "2024-01-10", Closed: "2024-02-01"})
	f.build("2024-06-30")
	f.eqNull("SELECT value" + apInd("A", "2024-Q1", "acceptance_rate"))
	f.eqInt(1, "SELECT count(*)"+apInd("A", "2024-Q1", "acceptance_rate")+" AND NOT available")
	f.eqFloat(100, "SELECT score"+apRow("A", "2024-Q1"))
	f.eqStr("优秀", "SELECT grade"+apRow("A", "2024-Q1"))
	f.eqInt(1, "SELECT indicators_available"+apRow("A", "2024-Q1"))
}
