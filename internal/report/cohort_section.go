package report

import "math"

// cohortMonths is how many received months the cohort table shows (the as-of month and the
// months before it).
const cohortMonths = 24

// loadCohort loads mart.cohort's monthly rows of the last cohortMonths months: the whole
// system's (unit "ALL") or every unit's own records (unit ""), keyed by unit, newest first.
func (s *site) loadCohort(unit string) loader {
	return func(d *data) error {
		first := s.asOf.AddDate(0, -(cohortMonths - 1), 1-s.asOf.Day()).Format("2006-01-02")
		w := ` AND NOT rollup AND unit_id <> 'ALL'`
		if unit == "ALL" {
			w = ` AND unit_id = 'ALL'`
		}
		rows, err := s.src.query("mart.cohort", []string{"unit_id", "rollup", "period_type", "period", "period_start", "received", "closed",
			"closed_on_time", "open_overdue", "open_within_deadline", "closed_share", "on_time_share", "median_days_to_close", "p90_days_to_close"},
			`SELECT * FROM mart.cohort WHERE period_type = 'month' AND period_start >= CAST(? AS DATE)`+w+` ORDER BY unit_id, period_start DESC`, first)
		if err != nil {
			return err
		}
		d.cohort = byUnit(rows)
		return nil
	}
}

// heatClass colours a closed share in five bands (the number is always printed in the cell,
// so the colour is never the only signal).
func heatClass(p *float64) string {
	if !finite(p) {
		return ""
	}
	return "heat-" + string(rune('0'+int(math.Min(4, math.Max(0, math.Floor(*p*5))))))
}

// cohortSection is the intake-cohort heat table (按受理期跟踪): for each month received, how
// much is closed, closed on time and still open, read as a backlog picture.
func (s *site) cohortSection(name string, rows []row) *section {
	sec := &section{Title: s.sprintf("co.title", cohortMonths), Intro: s.c.T("co.intro")}
	t := &table{CSVName: "cohort_" + name, Empty: s.c.T("empty"), Note: s.c.T("co.note"),
		Cols: s.cols("period", "received", "closed", "closed_share", "on_time_share", "open_overdue", "open_within_deadline",
			"median_days_to_close", "p90_days_to_close")}
	t.Cols[0].Label = s.c.T("co.month")
	for _, r := range rows {
		share := s.rateCell(r, "closed_share", "received")
		if h := heatClass(r.f("closed_share")); h != "" {
			share.Class += " heat " + h
		}
		t.Rows = append(t.Rows, []cell{textCell(r.str("period")), s.countCell(r, "received"), s.countCell(r, "closed"), share,
			s.rateCell(r, "on_time_share", "received"), s.countCell(r, "open_overdue"), s.countCell(r, "open_within_deadline"),
			s.numCell(r, "median_days_to_close", 1), s.numCell(r, "p90_days_to_close", 0)})
	}
	sec.Tables = append(sec.Tables, t)
	return sec
}
