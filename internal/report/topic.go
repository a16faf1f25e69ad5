package report

import (
	"sort"
	"strconv"
	"strings"
)

// monthlyRateSection is a section holding one monthly rate chart ("no rows" when
// its marts have no monthly rows).
func (s *site) monthlyRateSection(p *page, title, id string, d *data, lines ...[2]string) (*section, error) {
	sec := &section{Title: title}
	b, ok, err := s.monthlyRateChart(id, d, lines...)
	if err != nil {
		return nil, err
	}
	if ok {
		sec.Charts = append(sec.Charts, b)
		if p.Picker != nil {
			pers, err := s.periods()
			if err != nil {
				return nil, err
			}
			s.putBands(p.Picker, pers, id, b.months, true)
		}
	} else {
		sec.Missing = s.c.T("empty")
	}
	return sec, nil
}

// monthlyRateChart draws one or more ALL-unit monthly rates as percentages.
func (s *site) monthlyRateChart(id string, d *data, lines ...[2]string) (chartBlock, bool, error) {
	var months []string
	seen := map[string]bool{}
	for _, l := range lines {
		for _, r := range d.monthAll[l[0]] {
			if !seen[r.str("period")] {
				seen[r.str("period")] = true
				months = append(months, r.str("period"))
			}
		}
	}
	sort.Strings(months)
	if len(months) == 0 {
		return chartBlock{}, false, nil
	}
	var series []seriesDef
	marks := []mark{s.markPartial(), axisNames(s.c.T("ax.month"), "%")}
	for i, l := range lines {
		series = append(series, seriesDef{Name: s.c.T("col." + l[1]), Values: percentSeries(monthSeries(months, d.monthAll[l[0]], l[1])), Color: rateColors[i%len(rateColors)]})
		if g := s.goalSegments(d, l[1], months); len(g) > 0 {
			marks = append(marks, goalMark(i, g, rateColors[i%len(rateColors)]))
		}
	}
	b, err := newChartBlock(id, "", 300, lineChart(months, series, 300, true), nil, marks...)
	b.months = months
	return b, err == nil, err
}

// rateColors are ECharts' first palette colours, set explicitly so that a goal line can
// wear its series' colour.
var rateColors = []string{"#5470c6", "#91cc75", "#fac858", "#ee6666", "#73c0de"}

// goalSegment is one year's target of a rate, drawn across that year's months.
type goalSegment struct {
	from, to string  // first and last month of the year on the chart
	value    float64 // in percent
	label    string  // "目标 ≥ 95%"
}

// goalSegments are the configured targets (mart.targets, whole system) of metric, one
// segment per target year that the chart's months reach.
func (s *site) goalSegments(d *data, metric string, months []string) []goalSegment {
	var out []goalSegment
	for _, g := range d.goals {
		if g.str("metric") != metric || !finite(g.f("target")) {
			continue
		}
		y := g.str("year") + "-"
		var from, to string
		for _, m := range months {
			if strings.HasPrefix(m, y) {
				if from == "" {
					from = m
				}
				to = m
			}
		}
		if from == "" {
			continue
		}
		v := *g.f("target") * 100
		out = append(out, goalSegment{from: from, to: to, value: v,
			label: s.c.T("ov.goal") + " " + opSymbol(g.str("op")) + " " + strconv.FormatFloat(v, 'f', -1, 64) + "%"})
	}
	return out
}

// goalMark draws goal segments as a dashed markLine on series i, labelled with the target.
func goalMark(i int, segs []goalSegment, color string) mark {
	return func(opt map[string]any) {
		series := objs(opt["series"])
		if i >= len(series) {
			return
		}
		var data []any
		for _, g := range segs {
			data = append(data, []any{
				map[string]any{"name": g.label, "xAxis": g.from, "yAxis": g.value},
				map[string]any{"xAxis": g.to, "yAxis": g.value},
			})
		}
		series[i]["markLine"] = map[string]any{
			"silent": true, "symbol": []any{"none", "none"},
			"lineStyle": map[string]any{"type": "dashed", "width": 2, "color": color},
			"label":     map[string]any{"show": true, "position": "insideEndTop", "formatter": "{b}"},
			"data":      data,
		}
	}
}

// unitYearTable is a by-unit table of one period's rows (year: table -> unit -> row)
// from several marts.
func (s *site) unitYearTable(from string, year map[string]map[string]row, name string, specs []colSpec) *table {
	keys := []string{"unit"}
	for _, c := range specs {
		keys = append(keys, c.col)
	}
	t := &table{CSVName: name, Cols: s.cols(keys...), Empty: s.c.T("empty"), Note: s.c.T("rollup_note")}
	t.Rows = make([][]cell, 0, len(s.order)+1)
	for _, id := range append([]string{"ALL"}, s.order...) {
		cells := make([]cell, 1, len(specs)+1)
		cells[0] = s.unitCell(from, id)
		any := false
		for _, c := range specs {
			r, ok := year[c.table][id]
			if !ok {
				cells = append(cells, cell{Text: "-", Class: "num"})
				continue
			}
			any = true
			switch c.kind {
			case "rate":
				cells = append(cells, s.rateCell(r, c.col, c.denom))
			case "num":
				cells = append(cells, s.numCell(r, c.col, 1))
			default:
				cells = append(cells, s.countCell(r, c.col))
			}
		}
		if any {
			t.Rows = append(t.Rows, cells)
			t.keys = append(t.keys, id)
		}
	}
	return t
}

// unitPeriodSection is a section holding a by-unit table that follows the period
// picker: the as-of year's table as the page shows it, and every other period's rows
// as lazy views (data/<page>-<period>.js). Each mart is read once for every period,
// only the columns the table shows.
func (s *site) unitPeriodSection(p *page, titleKey, periodTitleKey, name string, specs []colSpec) (*section, error) {
	pers, err := s.periods()
	if err != nil {
		return nil, err
	}
	def := s.defaultPeriod(pers)
	cols := map[string][]string{}
	var tables []string
	for _, c := range specs {
		if cols[c.table] == nil {
			tables = append(tables, c.table)
		}
		cols[c.table] = append(cols[c.table], c.col)
		if c.denom != "" {
			cols[c.table] = append(cols[c.table], c.denom)
		}
	}
	byPer := map[string]map[string]map[string]row{} // period -> table -> unit -> row
	for _, t := range tables {
		seen := map[string]bool{}
		var sel []string
		for _, c := range cols[t] {
			if !seen[c] {
				seen[c] = true
				sel = append(sel, c)
			}
		}
		rows, err := s.src.query("mart."+t, append(append([]string{}, periodKey...), sel...),
			`SELECT unit_id, period, `+strings.Join(sel, ", ")+` FROM mart.`+t+` WHERE (NOT rollup OR unit_id = 'ALL')`)
		if err != nil {
			return nil, err
		}
		for _, r := range rows {
			per := r.str("period")
			if byPer[per] == nil {
				byPer[per] = map[string]map[string]row{}
			}
			if byPer[per][t] == nil {
				byPer[per][t] = map[string]row{}
			}
			byPer[per][t][r.str("unit_id")] = r
		}
	}
	pk := "t-" + name
	sec := &section{Title: s.c.T(titleKey) + " " + s.year, PK: pk + "-title"}
	t := s.unitYearTable(p.Path, byPer[s.year], name, specs)
	t.PK = pk
	sec.Tables = append(sec.Tables, t)
	for _, per := range pers {
		title := sec.Title
		if per.Key != def.Key {
			title = s.c.T(periodTitleKey) + s.periodSuffix(per)
		}
		p.Picker.put(per.Key, sec.PK, title, false)
		pt := s.unitYearTable(p.Path, byPer[per.Key], name, specs)
		p.Picker.put(per.Key, pk, tablePayload(pt, t), true)
	}
	return sec, nil
}

type colSpec struct{ table, col, kind, denom string }

// openListSection lists open matters (overdue or due soon).
func (s *site) openListSection(from, title string, rows []row, daysCol, name string, withUnit bool, limit int) *section {
	sec := &section{Title: title}
	sec.Tables = append(sec.Tables, s.openListTable(from, rows, daysCol, name, withUnit, limit))
	return sec
}

func (s *site) openListTable(from string, rows []row, daysCol, name string, withUnit bool, limit int) *table {
	keys := []string{"petition_id", "source", "received_date", "handle_deadline", daysCol, "listed_supervision", "leader_owner", "petitioner"}
	if withUnit {
		keys = append([]string{"unit"}, keys...)
	}
	t := &table{CSVName: name, Cols: s.cols(keys...), Empty: s.c.T("empty")}
	if n := len(rows); n > 0 {
		if limit > 0 {
			n = min(n, limit)
		}
		t.Rows = make([][]cell, 0, n)
	}
	for i, r := range rows {
		if limit > 0 && i >= limit {
			t.Note = s.sprintf("top_n_note", limit)
			break
		}
		cells := make([]cell, 0, len(keys))
		if withUnit {
			cells = append(cells, s.unitCell(from, r.str("unit_id")))
		}
		cells = append(cells, textCell(r.str("petition_id")), textCell(r.str("source")), textCell(r.str("received_date")), textCell(r.str("handle_deadline")))
		if daysCol != "" {
			cells = append(cells, s.countCell(r, daysCol))
		}
		cells = append(cells, s.boolCell(r, "listed_supervision"), textCell(pseudMaybe(r.str("leader_owner"))), textCell(pseud(r.str("petitioner_id"))))
		t.Rows = append(t.Rows, cells)
	}
	return t
}

// opSymbol shows a comparison as readers write it.
func opSymbol(op string) string {
	switch op {
	case ">=":
		return "≥"
	case "<=":
		return "≤"
	}
	return op
}
