package charts

import (
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
	if v, okc := r["complete"].(bool); okc && !v {
		sub = append(sub, s.c.T("ov.partial"))
	}
	c.Sub = strings.Join(sub, " · ")
	for _, k := range []struct{ col, label string }{{"yoy_pct", "ov.yoy"}, {"pop_pct", "ov.pop"}} {
		c.Deltas = append(c.Deltas, s.deltaOf(s.c.T(k.label), r.f(k.col), true))
	}
	return c
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
		d.Arrow = "＝"
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
		c.Sub += "；" + s.sprintf("ov.ttm", fmtInt(r.i("ttm")), fmtInt(r.i("prev_ttm")), signedPtr(r.f("ttm_change_pct"), 1)+"%")
	}
	return c
}

// V2 translates a trend verdict.
func (c catalogue) V2(v string) string {
	if _, ok := messages[v]; ok {
		return c.T(v)
	}
	return c.V(v)
}
