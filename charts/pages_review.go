package charts

import (
	"errors"
	"sort"
	"strconv"
	"strings"
)

// reviewSections lead the archived quarterly review with what leadership acts on:
// the trend verdict, the veto list, commendation candidates and inspection priorities.
func (s *site) reviewSections(d *data) ([]*section, error) {
	head := &section{Title: s.sprintf("qr.title", s.review), Intro: s.sprintf("qr.intro", s.asOf.Format("2006-01-02"))}
	r, ok := d.volCur["ALL"][s.review]
	head.Cards = append(head.Cards, s.kpiCard(s.c.T("ov.quarter")+" "+s.review, r, ok))
	ry, oky := d.volCur["ALL"][s.year]
	head.Cards = append(head.Cards, s.kpiCard(s.c.T("ov.year")+" "+s.year, ry, oky))
	tr, okt := d.trend["ALL"]
	head.Cards = append(head.Cards, s.trendCard(s.c.T("qr.verdict"), tr, okt))

	veto := &section{Title: s.c.T("veto.triggered") + " " + s.year}
	var rows []row
	for _, r := range d.veto {
		if r.b("triggered") && r.str("year") == s.year {
			rows = append(rows, r)
		}
	}
	veto.Tables = append(veto.Tables, s.vetoTable("index.html", rows, "veto_"+s.year))
	insp, err := s.inspectSection(d)
	if err != nil {
		return nil, err
	}
	return []*section{head, veto, s.commendSection(d), insp}, nil
}

// commendationCandidates are, per peer group, the highest-scoring units that no veto
// touches (eligible_for_awards); ties are all listed.
func commendationCandidates(rows []row) []row {
	best := map[string]float64{}
	for _, r := range rows {
		p := r.f("score")
		if !finite(p) || !eligible(r) {
			continue
		}
		g := r.str("peer_group")
		if b, ok := best[g]; !ok || *p > b {
			best[g] = *p
		}
	}
	var out []row
	for _, r := range rows {
		p := r.f("score")
		if finite(p) && eligible(r) && *p == best[r.str("peer_group")] {
			out = append(out, r)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].str("peer_group") < out[j].str("peer_group") })
	return out
}

func eligible(r row) bool {
	if v, ok := r["eligible_for_awards"].(bool); ok {
		return v && !r.b("veto")
	}
	return !r.b("veto")
}

func (s *site) commendSection(d *data) *section {
	sec := &section{Title: s.c.T("qr.commend") + " " + s.apPeriod}
	sec.Tables = append(sec.Tables, s.rankingTable("index.html", commendationCandidates(d.apRows), "commendation_"+s.apPeriod))
	return sec
}

// inspectionPriority: units whose volume rises (trend verdict rising, or a positive
// last-12-month change) while their on-time rate is in the worst quarter of units
// (≤ 25th percentile) or their repeat rate is (≥ 75th percentile), in the quarter;
// only units with at least min_n cases count for the rates.
type inspectRow struct {
	id                 string
	trend              row
	onTime, repeatRate *float64
	why                []string
}

func (s *site) inspectSection(d *data) (*section, error) {
	sec := &section{Title: s.c.T("qr.inspect") + " " + s.review}
	minN := float64(s.cfg.Appraisal.MinN)
	tl, err1 := s.src.query("mart.timeliness", []string{"unit_id", "on_time_rate", "due"},
		`SELECT unit_id, on_time_rate, due FROM mart.timeliness WHERE period_type = 'quarter' AND period = ? AND NOT rollup`, s.review)
	rp, err2 := s.src.query("mart.repeat", []string{"unit_id", "repeat_rate", "petitions"},
		`SELECT unit_id, repeat_rate, petitions FROM mart.repeat WHERE period_type = 'quarter' AND period = ? AND NOT rollup`, s.review)
	if err := errors.Join(err1, err2); err != nil {
		return nil, err
	}
	onTime, repeat := map[string]*float64{}, map[string]*float64{}
	var ot, rr []float64
	for _, r := range tl {
		if p := r.f("on_time_rate"); finite(p) && r.f("due") != nil && *r.f("due") >= minN {
			onTime[r.str("unit_id")] = p
			ot = append(ot, *p)
		}
	}
	for _, r := range rp {
		if p := r.f("repeat_rate"); finite(p) && r.f("petitions") != nil && *r.f("petitions") >= minN {
			repeat[r.str("unit_id")] = p
			rr = append(rr, *p)
		}
	}
	sort.Float64s(ot)
	sort.Float64s(rr)
	otCut, rrCut := quantile(ot, 0.25), quantile(rr, 0.75)
	sec.Note = s.sprintf("qr.inspect_note", pctText(otCut), pctText(rrCut), s.cfg.Appraisal.MinN)
	var out []inspectRow
	for _, id := range s.order {
		t, ok := d.trend[id]
		if !ok {
			continue
		}
		rising := t.str("label") == "rising" || finite(t.f("ttm_change_pct")) && *t.f("ttm_change_pct") > 0
		if !rising {
			continue
		}
		x := inspectRow{id: id, trend: t, onTime: onTime[id], repeatRate: repeat[id]}
		if x.onTime != nil && len(ot) > 0 && *x.onTime <= otCut {
			x.why = append(x.why, s.c.T("col.on_time_rate")+" "+pctText(*x.onTime))
		}
		if x.repeatRate != nil && len(rr) > 0 && *x.repeatRate >= rrCut {
			x.why = append(x.why, s.c.T("col.repeat_rate")+" "+pctText(*x.repeatRate))
		}
		if len(x.why) > 0 {
			out = append(out, x)
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i].trend.f("ttm_change_pct"), out[j].trend.f("ttm_change_pct")
		if finite(a) && finite(b) {
			return *a > *b
		}
		return finite(a)
	})
	if len(out) > s.topN*2 {
		out = out[:s.topN*2]
	}
	t := &table{CSVName: "inspection_" + s.review, Empty: s.c.T("empty"),
		Cols: s.cols("unit", "label", "mk_z", "ttm", "ttm_change_pct", "on_time_rate", "repeat_rate", "why")}
	for _, x := range out {
		rate := func(p *float64) cell {
			if p == nil {
				return cell{Text: "-", Class: "num"}
			}
			return cell{Text: pctText(*p), Sort: sortKey(p), Class: "num"}
		}
		t.Rows = append(t.Rows, []cell{s.unitCell("index.html", x.id), textCell(s.c.V2(x.trend.str("label"))), s.numCell(x.trend, "mk_z", 2),
			s.countCell(x.trend, "ttm"), s.pctCell(x.trend, "ttm_change_pct", true), rate(x.onTime), rate(x.repeatRate), textCell(strings.Join(x.why, "；"))})
	}
	sec.Tables = append(sec.Tables, t)
	return sec, nil
}

func pctText(v float64) string {
	if !finite(&v) {
		return "-"
	}
	return strconv.FormatFloat(v*100, 'f', 1, 64) + "%"
}
