package report

import (
	"strconv"
	"strings"
)

// kpiCard is the petition count of one period with its 同比/环比 arrows; for petition
// volume a fall is good (SPEC §1: 总量持续下降).
func (s *site) kpiCard(label string, r row, ok bool) card {
	if !ok {
		return card{Label: label, Value: "-"}
	}
	c := card{Label: label, Value: fmtInt(r.i("petitions"))}
	sub := []string{s.c.T("col.petitions")}
	if p := r.f("petitioners"); p != nil {
		sub = append(sub, s.c.T("col.petitioners")+" "+fmtInt(int64(*p)))
	}
	if p := r.f("persons"); p != nil {
		sub = append(sub, s.c.T("col.persons")+" "+fmtInt(int64(*p)))
	}
	partial := false
	if v, okc := r["complete"].(bool); okc && !v {
		partial = true
		sub = append(sub, s.c.T("ov.partial"))
	}
	c.Sub = strings.Join(sub, " · ")
	for _, k := range []struct{ col, base, label string }{{"yoy_pct", "yoy_base", "ov.yoy"}, {"pop_pct", "pop_base", "ov.pop"}} {
		c.Deltas = append(c.Deltas, s.changeDelta(s.c.T(k.label), r, k.col, k.base, partial))
	}
	return c
}

// changeDelta is a card's 同比/环比. On a base below appraisal.min_n the percentage is
// noise (2 petitions against 1 is +100 %), so the counts are shown instead; on a
// partial period (a few days against the same few days) the percentage is shown with
// its counts and left uncoloured, so that it never reads as a headline.
func (s *site) changeDelta(label string, r row, col, baseCol string, partial bool) delta {
	base, cur := r.f(baseCol), r.f("petitions")
	if base != nil && cur != nil && *base < float64(s.cfg.Appraisal.MinN) {
		return delta{Label: label, Arrow: "·", Text: s.sprintf("ov.counts_only", fmtInt(int64(*cur)), fmtInt(int64(*base))), Class: "small-base"}
	}
	d := s.deltaOf(label, r.f(col), true)
	if partial && base != nil && cur != nil && d.Text != "-" {
		d.Text += " " + s.sprintf("ov.counts", fmtInt(int64(*cur)), fmtInt(int64(*base)))
		d.Class = "partial"
	}
	return d
}

// deltaOf shows a signed percentage change with an arrow; lowerGood colours a fall green.
func (s *site) deltaOf(label string, p *float64, lowerGood bool) delta {
	if !finite(p) {
		return delta{Label: label, Text: "-", Arrow: "·"}
	}
	d := delta{Label: label, Text: signed(*p) + "%"}
	switch {
	case *p > 0:
		d.Arrow = "▲"
	case *p < 0:
		d.Arrow = "▼"
	default:
		d.Arrow = "="
	}
	if *p != 0 {
		if (*p < 0) == lowerGood {
			d.Class = "good"
		} else {
			d.Class = "bad"
		}
	}
	return d
}

// trendCard states the verdict with Z and Sen's slope shown annualised.
func (s *site) trendCard(label string, r row, ok bool) card {
	if !ok {
		return card{Label: label, Value: "-"}
	}
	v := r.str("label")
	slope := r.f("sens_slope_annual")
	if slope == nil && r.f("sens_slope") != nil {
		slope = ptr(*r.f("sens_slope") * 12)
	}
	c := card{Label: label, Value: s.c.V2(v), Class: "verdict-" + v}
	c.Sub = s.sprintf("ov.trend_sub", fmtFloat(r.f("mk_z"), 2), signedPtr(slope, 1), r.i("months"))
	if r.f("ttm") != nil {
		c.Sub += s.c.T("sep") + s.sprintf("ov.ttm", fmtInt(r.i("ttm")), fmtInt(r.i("prev_ttm")), signedPtr(r.f("ttm_change_pct"), 1)+"%")
	}
	c.Why = s.trendWhy(r)
	return c
}

// trendWhy says why the verdict is what it is, from mart.trend's columns: the seasonal
// test compares each calendar month only with the same month of other years, so a
// unit can be rising while its last 12 months fell (a one-off bad year before them).
func (s *site) trendWhy(r row) string {
	month := func(k string) string {
		if v := r.str(k); len(v) >= 7 {
			return v[:7]
		}
		return "-"
	}
	zt := strconv.FormatFloat(s.cfg.Metrics.TrendZ, 'f', -1, 64)
	switch r.str("label") {
	case "insufficient":
		return s.sprintf("why.insufficient", s.cfg.Metrics.TrendMinMonths, r.i("months"))
	case "rising", "declining":
		mks := r.i("mk_s")
		key := "why.more_up"
		if mks < 0 {
			key, mks = "why.more_down", -mks
		}
		w := s.sprintf("why.test", month("window_start"), month("window_end"), r.i("months")) + s.c.T("sep") +
			s.sprintf(key, mks) + s.c.T("sep") + s.sprintf("why.beyond", fmtFloat(r.f("mk_z"), 2), zt) + s.c.T("sep") +
			s.sprintf("why.slope", signedPtr(r.f("sens_slope_annual"), 1))
		if p := r.f("ttm_change_pct"); finite(p) && (*p < 0) != (r.str("label") == "declining") && *p != 0 {
			w += s.c.T("sep") + s.c.T("why.ttm_differs")
		}
		return w
	default:
		return s.sprintf("why.test", month("window_start"), month("window_end"), r.i("months")) + s.c.T("sep") +
			s.sprintf("why.within", fmtFloat(r.f("mk_z"), 2), zt)
	}
}

// V2 translates a trend verdict.
func (c catalogue) V2(v string) string {
	if _, ok := messages[v]; ok {
		return c.T(v)
	}
	return c.V(v)
}
