package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html/template"
	"sort"
	"strconv"
	"strings"
	"time"
)

// The period picker (issue 12, "any period, offline"). A page with a picker carries,
// for every month, quarter and year in the marts, what its switchable parts show for
// that period: cards, section titles, tables and chart changes, all formatted here from
// the mart rows by the same code that renders the default page. assets/app.js only swaps
// those precomputed values in (text through textContent); it computes nothing.
//
// Small views (cards, titles, chart bands) of every period go into one script file,
// data/<name>.js; large ones (tables of every unit, per-period charts) into one file per
// period, data/<name>-<period>.js. app.js loads them with a <script src> only when a
// period is chosen: no fetch/XHR, so the site still works from file://, and a page's
// default load is the page as before plus its list of periods.

// periodInfo is one period of the data (mart.volume's whole-system rows).
type periodInfo struct {
	Key, Type string // "2025-Q3", "quarter"
	Complete  bool
	Last      string // its last month through the as-of date ("2025-09")
	Months    []string
}

// periods lists every period of the data, years first, then quarters, then months, each
// newest first; loaded once per render.
func (s *site) periods() ([]periodInfo, error) {
	if s.periodList != nil {
		return s.periodList, nil
	}
	// The months of each period come from mart.period_months (which ends with the as-of
	// month), in order within each period.
	rows, err := s.src.query("mart.volume", []string{"unit_id", "rollup", "period_type", "period", "complete"},
		`SELECT v.period_type, v.period, v.complete, strftime(pm.month_start, '%Y-%m') AS month
		 FROM mart.volume v JOIN mart.period_months pm USING (period_type, period)
		 WHERE v.unit_id = 'ALL' AND v.rollup
		 ORDER BY CASE v.period_type WHEN 'year' THEN 0 WHEN 'quarter' THEN 1 ELSE 2 END, v.period DESC, pm.month_start`)
	if err != nil {
		return nil, err
	}
	out := []periodInfo{}
	for _, r := range rows {
		key, typ := r.str("period"), r.str("period_type")
		if n := len(out); n == 0 || out[n-1].Key != key || out[n-1].Type != typ {
			out = append(out, periodInfo{Key: key, Type: typ, Complete: r.b("complete")})
		}
		p := &out[len(out)-1]
		p.Months = append(p.Months, r.str("month"))
		p.Last = r.str("month")
	}
	s.periodList = out
	return out, nil
}

// periodSuffix is what a section title gets for a chosen period: the period and, when
// it is not over, the partial label.
func (s *site) periodSuffix(p periodInfo) string {
	if p.Complete {
		return " " + p.Key
	}
	return " " + p.Key + s.c.T("pk.partial")
}

// picker collects a page's per-period views: id (a data-pk attribute in the page) ->
// payload, for each period key.
type picker struct {
	name  string // stem of its data files ("repeat", "unit/P07-6d972cde")
	def   string // the period the page shows by default (the as-of year)
	embed map[string]map[string]any
	lazy  map[string]map[string]any
}

func (s *site) newPicker(name string) *picker {
	return &picker{name: name, def: s.year, embed: map[string]map[string]any{}, lazy: map[string]map[string]any{}}
}

func (pk *picker) put(period, id string, payload any, lazy bool) {
	m := pk.embed
	if lazy {
		m = pk.lazy
	}
	if m[period] == nil {
		m[period] = map[string]any{}
	}
	m[period][id] = payload
}

// packViews dedupes payloads (the same card serves a month, its quarter and its year):
// items holds each distinct payload once and a view maps an id to its item's index.
func packViews(views map[string]map[string]any) ([]any, map[string]map[string]int, error) {
	var items []any
	seen := map[string]int{}
	out := map[string]map[string]int{}
	pers := make([]string, 0, len(views))
	for per := range views {
		pers = append(pers, per)
	}
	sort.Strings(pers) // a stable order: the same marts give the same bytes
	for _, per := range pers {
		v := views[per]
		out[per] = map[string]int{}
		ids := make([]string, 0, len(v))
		for id := range v {
			ids = append(ids, id)
		}
		sort.Strings(ids)
		for _, id := range ids {
			b, err := json.Marshal(v[id])
			if err != nil {
				return nil, nil, fmt.Errorf("period view %s %s: %w", per, id, err)
			}
			i, ok := seen[string(b)]
			if !ok {
				i = len(items)
				seen[string(b)] = i
				items = append(items, v[id])
			}
			out[per][id] = i
		}
	}
	return items, out, nil
}

// pickerView is what page.html needs to draw the picker.
type pickerView struct {
	Label, Note string
	Groups      []pickerGroup
	JSON        template.JS
}

type pickerGroup struct {
	Label   string
	Options []pickerOption
}

type pickerOption struct {
	Key, Label string
	Selected   bool
}

// render builds the picker's select and embedded JSON for the page at path, and the
// lazy data files (relative to the site root) into files.
func (s *site) renderPicker(pk *picker, path string, files map[string][]byte) (*pickerView, error) {
	pers, err := s.periods()
	if err != nil {
		return nil, err
	}
	if len(pers) == 0 {
		return nil, nil // no period in the data: nothing to choose
	}
	v := &pickerView{Label: s.c.T("pk.label"), Note: s.c.T("pk.note")}
	groups := map[string]int{}
	for _, p := range pers {
		gi, ok := groups[p.Type]
		if !ok {
			gi = len(v.Groups)
			groups[p.Type] = gi
			v.Groups = append(v.Groups, pickerGroup{Label: s.c.T("pk." + p.Type + "s")})
		}
		label := p.Key
		if !p.Complete {
			label += s.c.T("pk.partial")
		}
		v.Groups[gi].Options = append(v.Groups[gi].Options, pickerOption{Key: p.Key, Label: label, Selected: p.Key == pk.def})
	}
	items, views, err := packViews(pk.embed)
	if err != nil {
		return nil, err
	}
	// The small views of every period go to data/<name>.js, loaded the first time a
	// period is chosen (or named in the URL): the page itself carries only the list.
	keys := make([]string, 0, len(pers))
	for _, p := range pers {
		keys = append(keys, p.Key)
	}
	sort.Strings(keys)
	all, err := safeJSON(map[string]any{"items": items, "views": views})
	if err != nil {
		return nil, fmt.Errorf("report: period data of %s: %w", path, err)
	}
	files["data/"+pk.name+".js"] = []byte("xinfangPeriods(" + all + ");\n")
	payload := map[string]any{"def": pk.def, "keys": keys, "all": rel(path, "data/"+pk.name+".js")}
	if len(pk.lazy) > 0 {
		payload["lazy"] = rel(path, "data/"+pk.name+"-")
		var lazyKeys []string
		for per, view := range pk.lazy {
			// one view: nothing to share, so no dedup (which would encode each payload twice)
			var items []any
			packed := map[string]int{}
			ids := make([]string, 0, len(view))
			for id := range view {
				ids = append(ids, id)
			}
			sort.Strings(ids)
			for _, id := range ids {
				packed[id] = len(items)
				items = append(items, view[id])
			}
			b, err := safeJSON(map[string]any{"period": per, "items": items, "view": packed})
			if err != nil {
				return nil, fmt.Errorf("report: period data %s %s: %w", pk.name, per, err)
			}
			files["data/"+pk.name+"-"+per+".js"] = []byte("xinfangPeriod(" + b + ");\n")
			lazyKeys = append(lazyKeys, per)
		}
		sort.Strings(lazyKeys)
		payload["lazyKeys"] = lazyKeys
	}
	b, err := safeJSON(payload)
	if err != nil {
		return nil, fmt.Errorf("report: period data of %s: %w", path, err)
	}
	v.JSON = template.JS(b)
	return v, nil
}

// Payloads. Short keys: they repeat for every period.

// cardPayload is a card as app.js rebuilds it.
func cardPayload(c card) map[string]any {
	m := map[string]any{"l": c.Label, "v": c.Value}
	if c.Sub != "" {
		m["s"] = c.Sub
	}
	if c.Class != "" {
		m["c"] = c.Class
	}
	if c.Why != "" {
		m["w"] = c.Why
	}
	var ds [][]string
	for _, d := range c.Deltas {
		ds = append(ds, []string{d.Label, d.Text, d.Class, d.Arrow})
	}
	if len(ds) > 0 {
		m["d"] = ds
	}
	return m
}

// encCell is a table cell as [text, sort, class, href], trailing parts left out when
// empty or, for the class, the table's default class dc (0 stands for no class). The sort
// key is sent as 1 when it is the text itself and 2 when it is the text without its
// thousands commas (most counts); a fractional key is cut to 6 significant digits, more
// than the shown precision needs to order the rows.
func encCell(c cell, dc string) []any {
	var cls any = c.Class
	switch c.Class {
	case dc:
		cls = ""
	case "":
		cls = 0
	}
	var sort any = c.Sort
	switch {
	case c.Sort == "":
	case c.Sort == c.Text:
		sort = 1
	case c.Sort == strings.ReplaceAll(c.Text, ",", ""):
		sort = 2
	default:
		if f, err := strconv.ParseFloat(c.Sort, 64); err == nil {
			sort = strconv.FormatFloat(f, 'g', 6, 64)
		}
	}
	out := []any{c.Text, sort, cls, c.Href}
	for len(out) > 1 && out[len(out)-1] == "" {
		out = out[:len(out)-1]
	}
	return out
}

// tablePayload is a table's rows for a period. A row whose key (unit) is a row of the
// default table keeps that row's first cell (the unit link) and is sent as its index
// and the other cells; other rows are sent whole. Cells mostly have the class "num",
// sent once as the table's default class. The JSON is written here rather than through
// reflection (a million cells on the defaults were most of the picker's render time);
// each string goes through json.Marshal, which escapes <, >, & and U+2028/2029 as
// safeJSON does, and safeJSON checks the whole again when it embeds it.
func tablePayload(t *table, defaults *table) json.RawMessage {
	alignColumns(t)
	idx := map[string]int{}
	if defaults != nil {
		for i, k := range defaults.keys {
			idx[k] = i
		}
	}
	const dc = "num"
	var b bytes.Buffer
	b.WriteString(`{"dc":"num","rows":[`)
	for i, r := range t.Rows {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteByte('{')
		cells := r
		if i < len(t.keys) && t.keys[i] != "" {
			if j, ok := idx[t.keys[i]]; ok {
				b.WriteString(`"r":` + strconv.Itoa(j) + `,`)
				cells = r[1:]
			}
		}
		b.WriteString(`"c":[`)
		for k, c := range cells {
			if k > 0 {
				b.WriteByte(',')
			}
			b.WriteByte('[')
			for n, v := range encCell(c, dc) {
				if n > 0 {
					b.WriteByte(',')
				}
				switch x := v.(type) {
				case int:
					b.WriteString(strconv.Itoa(x))
				case string:
					q, _ := json.Marshal(x) // a string always marshals
					b.Write(q)
				}
			}
			b.WriteByte(']')
		}
		b.WriteString(`]}`)
	}
	b.WriteString(`]}`)
	return json.RawMessage(b.Bytes())
}

// bandPayload marks a period on a chart over months: app.js adds a band from..to to the
// chart's first series, labelled with the period, beside the partial-month band. On a
// line chart (months on ticks) the band starts at the month before, as the partial band.
func bandPayload(p periodInfo, months []string, line bool) map[string]any {
	pos := map[string]int{}
	for i, m := range months {
		pos[m] = i
	}
	var from, to string
	for _, m := range p.Months {
		if _, ok := pos[m]; ok {
			if from == "" {
				from = m
			}
			to = m
		}
	}
	if from == "" {
		return map[string]any{"band": nil}
	}
	if i := pos[from]; line && i > 0 {
		from = months[i-1]
	}
	return map[string]any{"band": []string{from, to, p.Key}}
}

// chartPayloadFor replaces a chart's whole option (a breakdown drawn for the period).
func chartPayloadFor(b chartBlock) map[string]any {
	return map[string]any{"option": b.opt, "h": b.Height}
}

// defaultPeriod is the period a page shows without a choice: the as-of year (its cards
// are the as-of month, quarter and year, its tables the year's, as before the picker).
func (s *site) defaultPeriod(pers []periodInfo) periodInfo {
	for _, p := range pers {
		if p.Key == s.year {
			return p
		}
	}
	return periodInfo{Key: s.year, Type: "year", Last: s.month, Months: []string{s.month}}
}

// quarterOfMonth is the quarter of a month key ("2025-08" -> "2025-Q3").
func quarterOfMonth(m string) string {
	t, err := time.Parse("2006-01", m)
	if err != nil {
		return ""
	}
	return quarterOf(t)
}

// kpiCardsFor are the volume cards for a chosen period: its last month (through the
// as-of date), that month's quarter and its year, so the chosen period is always one of
// the three; for the default period they are this month, quarter and year. A period
// other than the current one is labelled by its kind (月份 2025-08), the current ones
// as before (本月 2026-03).
func (s *site) kpiCardsFor(cur map[string]row, p periodInfo, suffix string) []card {
	if len(p.Last) < 7 {
		return nil
	}
	m := p.Last
	var out []card
	for i, k := range []struct{ per, now, label, other string }{
		{m, s.month, "ov.month", "pk.month"}, {quarterOfMonth(m), s.quarter, "ov.quarter", "pk.quarter"}, {m[:4], s.year, "ov.year", "pk.year"},
	} {
		key := k.other
		if k.per == k.now {
			key = k.label
		}
		r, ok := cur[k.per]
		c := s.kpiCard(s.c.T(key)+" "+k.per+suffix, r, ok)
		c.PK = "kpi-" + fmt.Sprint(i)
		out = append(out, c)
	}
	return out
}

// putCards puts the volume cards of every period into the picker, and which of them is
// the chosen period's (outlined; none in the default view, which shows the page as drawn).
func (s *site) putCards(pk *picker, pers []periodInfo, cur map[string]row, suffix string) {
	for _, per := range pers {
		for i, c := range s.kpiCardsFor(cur, per, suffix) {
			pk.put(per.Key, c.PK, cardPayload(c), false)
			if per.Key != pk.def && strings.HasPrefix(c.Label, s.c.T("pk."+per.Type)+" "+per.Key) {
				pk.put(per.Key, "chosen", "kpi-"+strconv.Itoa(i), false)
			}
		}
	}
}

// putBands puts, for every period, the band that marks it on the chart id over months
// (none for the default period: the chart as drawn).
func (s *site) putBands(pk *picker, pers []periodInfo, id string, months []string, line bool) {
	for _, per := range pers {
		if per.Key == pk.def {
			pk.put(per.Key, id, map[string]any{"band": nil}, false)
			continue
		}
		pk.put(per.Key, id, bandPayload(per, months, line), false)
	}
}
