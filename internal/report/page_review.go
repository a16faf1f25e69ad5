package report

import (
	"math"
	"strings"
)

// reviewSections lead the archived quarterly review with what leadership acts on:
// the trend verdict, the veto list, commendation candidates and inspection priorities.
func (s *site) reviewSections() ([]*section, error) {
	d, err := s.loadInto(s.loadCurrentVolume("ALL"), s.loadTrend, s.loadVeto, s.loadHandlerUnits)
	if err != nil {
		return nil, err
	}
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
	veto.Tables = append(veto.Tables, s.vetoTable("index.html", d, rows, "veto_"+s.year, false))
	commend, err := s.commendSection()
	if err != nil {
		return nil, err
	}
	insp, err := s.inspectSection()
	if err != nil {
		return nil, err
	}
	camp, err := s.campaignLinks(s.review)
	if err != nil {
		return nil, err
	}
	return []*section{head, veto, commend, insp, camp}, nil
}

// commendSection lists the appraisal quarter's commendation candidates from
// mart.commendation_candidates (the rule is defined in 121_commendation.sql).
func (s *site) commendSection() (*section, error) {
	sec := &section{Title: s.c.T("qr.commend") + " " + s.apPeriod, Note: s.c.T("qr.commend_any")}
	if g := s.cfg.Appraisal.CommendMinGrade; g != "" {
		sec.Note = s.sprintf("qr.commend_note", s.gradeLabel(g))
	}
	rows, err := s.src.query("mart.commendation_candidates", []string{"unit_id", "period_type", "period", "peer_group", "score", "rank"},
		`SELECT * FROM mart.commendation_candidates WHERE period_type = 'quarter' AND period = ? AND NOT rollup
		 ORDER BY peer_group, unit_id`, s.apPeriod)
	if err != nil {
		return nil, err
	}
	sec.Tables = append(sec.Tables, s.rankingTable("index.html", rows, "commendation_"+s.apPeriod))
	return sec, nil
}

// inspectSection lists the quarter's inspection priorities from mart.inspection_priority
// (the rule is defined in 116_inspection_priority.sql), fastest-rising first.
func (s *site) inspectSection() (*section, error) {
	sec := &section{Title: s.c.T("qr.inspect") + " " + s.review}
	rows, err := s.src.query("mart.inspection_priority", []string{"unit_id", "period_type", "period", "priority", "on_time_rate", "repeat_rate",
		"on_time_cut", "repeat_cut", "low_on_time", "high_repeat", "label", "mk_z", "ttm", "ttm_change_pct"},
		`SELECT * FROM mart.inspection_priority WHERE period_type = 'quarter' AND period = ?
		 ORDER BY priority DESC, isfinite(ttm_change_pct) DESC NULLS LAST, ttm_change_pct DESC, unit_id`, s.review)
	if err != nil {
		return nil, err
	}
	otCut, rrCut := math.NaN(), math.NaN()
	if len(rows) > 0 {
		if p := rows[0].f("on_time_cut"); finite(p) {
			otCut = *p
		}
		if p := rows[0].f("repeat_cut"); finite(p) {
			rrCut = *p
		}
	}
	sec.Note = s.sprintf("qr.inspect_note", pctText(otCut), pctText(rrCut), s.cfg.Appraisal.MinN)
	t := &table{CSVName: "inspection_" + s.review, Empty: s.c.T("empty"),
		Cols: s.cols("unit", "label", "mk_z", "ttm", "ttm_change_pct", "on_time_rate", "repeat_rate", "why")}
	rate := func(r row, k string) cell {
		p := r.f(k)
		if !finite(p) {
			return cell{Text: "-", Class: "num"}
		}
		return cell{Text: pctText(*p), Sort: sortKey(p), Class: "num"}
	}
	for _, r := range rows {
		if !r.b("priority") || len(t.Rows) >= s.topN*2 {
			break
		}
		var why []string
		if r.b("low_on_time") {
			why = append(why, s.c.T("col.on_time_rate")+" "+pctText(*r.f("on_time_rate")))
		}
		if r.b("high_repeat") {
			why = append(why, s.c.T("col.repeat_rate")+" "+pctText(*r.f("repeat_rate")))
		}
		t.Rows = append(t.Rows, []cell{s.unitCell("index.html", r.str("unit_id")), textCell(s.c.V2(r.str("label"))), s.numCell(r, "mk_z", 2),
			s.countCell(r, "ttm"), s.pctCellOnBase(r, "ttm_change_pct", "prev_ttm", true), rate(r, "on_time_rate"), rate(r, "repeat_rate"), textCell(strings.Join(why, s.c.T("sep")))})
	}
	sec.Tables = append(sec.Tables, t)
	return sec, nil
}
