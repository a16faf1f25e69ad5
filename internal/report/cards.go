package report

import (
	"strconv"
	"strings"
)

// kpiCard is the petition count of one period with its 同比/环比 arrows; for petition
// volume a fall is good (SPEC §1: 总量持续下降).
func (f *formatter) kpiCard(label string, r row, ok bool) card {
	if !ok {
		return card{Label: label, Value: "-"}
	}
	c := card{Label: label, Value: fmtInt(r.i("petitions"))}
	sub := []string{f.c.T("col.petitions")}
	if p := r.f("petitioners"); p != nil {
		sub = append(sub, f.c.T("col.petitioners")+" "+fmtInt(int64(*p)))
	}
	if p := r.f("persons"); p != nil {
		sub = append(sub, f.c.T("col.persons")+" "+fmtInt(int64(*p)))
	}
	partial := false
	if v, okc := r.get("complete").(bool); okc && !v {
		partial = true
		sub = append(sub, f.c.T("ov.partial"))
	}
	c.Sub = strings.Join(sub, " · ")
	for _, k := range []struct{ col, base, label string }{{"yoy_pct", "yoy_base", "ov.yoy"}, {"pop_pct", "pop_base", "ov.pop"}} {
		c.Deltas = append(c.Deltas, f.changeDelta(f.c.T(k.label), r, k.col, k.base, partial))
	}
	return c
}

// changeDelta is a card's 同比/环比. On a base below appraisal.min_n the percentage is
// noise (2 petitions against 1 is +100 %), so the counts are shown instead; on a
// partial period (a few days against the same few days) the percentage is shown with
// its counts and left uncoloured, so that it never reads as a headline.
func (f *formatter) changeDelta(label string, r row, col, baseCol string, partial bool) delta {
	base, cur := r.f(baseCol), r.f("petitions")
	if base != nil && cur != nil && *base < float64(f.cfg.Appraisal.MinN) {
		return delta{Label: label, Arrow: "·", Text: f.sprintf("ov.counts_only", fmtInt(int64(*cur)), fmtInt(int64(*base))), Class: "small-base"}
	}
	d := f.deltaOf(label, r.f(col), true)
	if partial && base != nil && cur != nil && d.Text != "-" {
		d.Text += " " + f.sprintf("ov.counts", fmtInt(int64(*cur)), fmtInt(int64(*base)))
		d.Class = "partial"
	}
	return d
}

// deltaOf shows a signed percentage change with an arrow; lowerGood colours a fall green.
func (f *formatter) deltaOf(label string, p *float64, lowerGood bool) delta {
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
func (f *formatter) trendCard(label string, r row, ok bool) card {
	if !ok {
		return card{Label: label, Value: "-"}
	}
	v := r.str("label")
	slope := r.f("sens_slope_annual")
	if slope == nil && r.f("sens_slope") != nil {
		slope = ptr(*r.f("sens_slope") * 12)
	}
	c := card{Label: label, Value: f.c.V2(v), Class: "verdict-" + v}
	c.Sub = f.sprintf("ov.trend_sub", fmtFloat(r.f("mk_z"), 2), signedPtr(slope, 1), r.i("months"))
	if r.f("ttm") != nil {
		c.Sub += f.c.T("sep") + f.sprintf("ov.ttm", fmtInt(r.i("ttm")), fmtInt(r.i("prev_ttm")), signedPtr(r.f("ttm_change_pct"), 1)+"%")
	}
	c.Why = f.trendWhy(r)
	return c
}

// trendWhy says why the verdict is what it is, from mart.trend's columns: the seasonal
// test compares each calendar month only with the same month of other years, so a
// unit can be rising while its last 12 months fell (a one-off bad year before them).
func (f *formatter) trendWhy(r row) string {
	month := func(k string) string {
		if v := r.str(k); len(v) >= 7 {
			return v[:7]
		}
		return "-"
	}
	zt := strconv.FormatFloat(f.cfg.Metrics.TrendZ, 'f', -1, 64)
	switch r.str("label") {
	case "insufficient":
		return f.sprintf("why.insufficient", f.cfg.Metrics.TrendMinMonths, r.i("months"))
	case "rising", "declining":
		mks := r.i("mk_s")
		key := "why.more_up"
		if mks < 0 {
			key, mks = "why.more_down", -mks
		}
		w := f.sprintf("why.test", month("window_start"), month("window_end"), r.i("months")) + f.c.T("sep") +
			f.sprintf(key, mks) + f.c.T("sep") + f.sprintf("why.beyond", fmtFloat(r.f("mk_z"), 2), zt) + f.c.T("sep") +
			f.sprintf("why.slope", signedPtr(r.f("sens_slope_annual"), 1))
		if p := r.f("ttm_change_pct"); finite(p) && (*p < 0) != (r.str("label") == "declining") && *p != 0 {
			w += f.c.T("sep") + f.c.T("why.ttm_differs")
		}
		return w
	default:
		return f.sprintf("why.test", month("window_start"), month("window_end"), r.i("months")) + f.c.T("sep") +
			f.sprintf("why.within", fmtFloat(r.f("mk_z"), 2), zt)
	}
}

// V2 translates a trend verdict.
func (c catalogue) V2(v string) string {
	if _, ok := messages[v]; ok {
		return c.T(v)
	}
	return c.V(v)
}
