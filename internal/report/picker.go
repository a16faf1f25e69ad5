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
	s.periodsMu.Lock() // pages are built side by side
	defer s.periodsMu.Unlock()
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
// payload, for each period key. Payloads are kept as their JSON, encoded once when put:
// the views dedupe on it, and the data files are written from it without encoding
// hundreds of thousands of values again.
type picker struct {
	name  string // stem of its data files ("repeat", "unit/P07-6d972cde")
	def   string // the period the page shows by default (the as-of year)
	embed map[string]map[string]json.RawMessage
	lazy  map[string]map[string]json.RawMessage
	err   error // the first payload that did not encode
}

func (s *site) newPicker(name string) *picker {
	return &picker{name: name, def: s.year, embed: map[string]map[string]json.RawMessage{}, lazy: map[string]map[string]json.RawMessage{}}
}

// put sets the view of id for period. payload is encoded as json.Marshal encodes it
// (HTML-escaped, as safeJSON's encoder writes it); a json.RawMessage is taken as it is.
func (pk *picker) put(period, id string, payload any, lazy bool) {
	m := pk.embed
	if lazy {
		m = pk.lazy
	}
	raw, ok := payload.(json.RawMessage)
	if !ok {
		var err error
		if raw, err = json.Marshal(payload); err != nil {
			if pk.err == nil {
				pk.err = fmt.Errorf("period view %s %s: %w", period, id, err)
			}
			return
		}
	}
	if m[period] == nil {
		m[period] = map[string]json.RawMessage{}
	}
	m[period][id] = raw
}

// sortedKeys are a map's keys in encoding/json's order (byte order).
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// appendItems appends a list of payloads as encoding/json writes a []any of them
// (null when there is none).
func appendItems(b []byte, items []json.RawMessage) []byte {
	if items == nil {
		return append(b, "null"...)
	}
	b = append(b, '[')
	for i, it := range items {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, it...)
	}
	return append(b, ']')
}

// appendView appends id -> item index as encoding/json writes a map[string]int.
func appendView(b []byte, view map[string]int) []byte {
	b = append(b, '{')
	for i, id := range sortedKeys(view) {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, id)
		b = append(b, ':')
		b = strconv.AppendInt(b, int64(view[id]), 10)
	}
	return append(b, '}')
}

// packViews dedupes payloads (the same card serves a month, its quarter and its year):
// items holds each distinct payload once and a view maps an id to its item's index.
func packViews(views map[string]map[string]json.RawMessage) ([]json.RawMessage, map[string]map[string]int) {
	var items []json.RawMessage
	seen := map[string]int{}
	out := map[string]map[string]int{}
	for _, per := range sortedKeys(views) { // a stable order: the same marts give the same bytes
		v := views[per]
		out[per] = map[string]int{}
		for _, id := range sortedKeys(v) {
			i, ok := seen[string(v[id])]
			if !ok {
				i = len(items)
				seen[string(v[id])] = i
				items = append(items, v[id])
			}
			out[per][id] = i
		}
	}
	return items, out
}

// dataJS is a data file's JSON as safeJSON writes it: the "__f__" marker (a function in
// a chart option) is neutralised here too.
func dataJS(call string, b []byte) []byte {
	out := make([]byte, 0, len(call)+len(b)+4)
	out = append(out, call...)
	out = append(out, '(')
	out = append(out, bytes.ReplaceAll(b, []byte("__f__"), []byte(`_\u005ff__`))...)
	return append(out, ");\n"...)
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
	if pk.err != nil {
		return nil, fmt.Errorf("report: period data of %s: %w", path, pk.err)
	}
	// The small views of every period go to data/<name>.js, loaded the first time a
	// period is chosen (or named in the URL): the page itself carries only the list.
	keys := make([]string, 0, len(pers))
	for _, p := range pers {
		keys = append(keys, p.Key)
	}
	sort.Strings(keys)
	// {"items":[…],"views":{…}} as safeJSON encoded the map of the two
	items, views := packViews(pk.embed)
	n := 32
	for _, it := range items {
		n += len(it) + 1
	}
	b := append(make([]byte, 0, n), `{"items":`...)
	b = appendItems(b, items)
	b = append(b, `,"views":{`...)
	for i, per := range sortedKeys(views) {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, per)
		b = append(b, ':')
		b = appendView(b, views[per])
	}
	b = append(b, `}}`...)
	files["data/"+pk.name+".js"] = dataJS("xinfangPeriods", b)
	payload := map[string]any{"def": pk.def, "keys": keys, "all": rel(path, "data/"+pk.name+".js")}
	if len(pk.lazy) > 0 {
		payload["lazy"] = rel(path, "data/"+pk.name+"-")
		var lazyKeys []string
		for per, view := range pk.lazy {
			// one view: nothing to share, so no dedup; {"items":[…],"period":…,"view":{…}}
			var items []json.RawMessage
			packed := map[string]int{}
			n := 64
			for _, id := range sortedKeys(view) {
				packed[id] = len(items)
				items = append(items, view[id])
				n += len(view[id]) + len(id) + 8
			}
			b := append(make([]byte, 0, n), `{"items":`...)
			b = appendItems(b, items)
			b = append(b, `,"period":`...)
			b = appendJSONString(b, per)
			b = append(b, `,"view":`...)
			b = appendView(b, packed)
			b = append(b, '}')
			files["data/"+pk.name+"-"+per+".js"] = dataJS("xinfangPeriod", b)
			lazyKeys = append(lazyKeys, per)
		}
		sort.Strings(lazyKeys)
		payload["lazyKeys"] = lazyKeys
	}
	js, err := safeJSON(payload)
	if err != nil {
		return nil, fmt.Errorf("report: period data of %s: %w", path, err)
	}
	v.JSON = template.JS(js)
	return v, nil
}

// Payloads. Short keys: they repeat for every period.

// cardPayload is a card as app.js rebuilds it: the JSON of a map of its parts (keys
// c, d, l, s, v, w in encoding/json's order, empty ones left out), written by hand as
// every page puts three cards for each of 85 periods.
func cardPayload(c card) json.RawMessage {
	b := make([]byte, 0, 64+len(c.Label)+len(c.Value)+len(c.Sub)+len(c.Why))
	b = append(b, '{')
	if c.Class != "" {
		b = append(b, `"c":`...)
		b = appendJSONString(b, c.Class)
		b = append(b, ',')
	}
	if len(c.Deltas) > 0 {
		b = append(b, `"d":[`...)
		for i, d := range c.Deltas {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, '[')
			for k, x := range []string{d.Label, d.Text, d.Class, d.Arrow} {
				if k > 0 {
					b = append(b, ',')
				}
				b = appendJSONString(b, x)
			}
			b = append(b, ']')
		}
		b = append(b, "],"...)
	}
	b = append(b, `"l":`...)
	b = appendJSONString(b, c.Label)
	if c.Sub != "" {
		b = append(b, `,"s":`...)
		b = appendJSONString(b, c.Sub)
	}
	b = append(b, `,"v":`...)
	b = appendJSONString(b, c.Value)
	if c.Why != "" {
		b = append(b, `,"w":`...)
		b = appendJSONString(b, c.Why)
	}
	return append(b, '}')
}

// appendCell appends a table cell as [text, sort, class, href], trailing parts left out
// when empty or, for the class, the table's default class dc (0 stands for no class).
// The sort key is sent as 1 when it is the text itself and 2 when it is the text without
// its thousands commas (most counts); a fractional key is cut to 6 significant digits,
// more than the shown precision needs to order the rows.
func appendCell(b []byte, c cell, dc string) []byte {
	var parts [4]string
	var ints [4]int // 1 or 2 for the sort key, 1 for "no class" (sent as 0)
	parts[0] = c.Text
	switch {
	case c.Sort == "":
	case c.Sort == c.Text:
		ints[1] = 1
	case isTextWithoutCommas(c.Sort, c.Text):
		ints[1] = 2
	default:
		parts[1] = c.Sort
		if f, err := strconv.ParseFloat(c.Sort, 64); err == nil {
			parts[1] = strconv.FormatFloat(f, 'g', 6, 64)
		}
	}
	switch c.Class {
	case dc:
	case "":
		ints[2] = 1
	default:
		parts[2] = c.Class
	}
	parts[3] = c.Href
	n := 4
	for n > 1 && parts[n-1] == "" && ints[n-1] == 0 {
		n--
	}
	b = append(b, '[')
	for k := 0; k < n; k++ {
		if k > 0 {
			b = append(b, ',')
		}
		switch {
		case k == 2 && ints[2] == 1:
			b = append(b, '0')
		case ints[k] != 0:
			b = strconv.AppendInt(b, int64(ints[k]), 10)
		default:
			b = appendJSONString(b, parts[k])
		}
	}
	return append(b, ']')
}

// isTextWithoutCommas reports whether sort is text with its commas removed (a count's
// key beside its shown "12,345"), without building that string.
func isTextWithoutCommas(sort, text string) bool {
	j := 0
	for i := 0; i < len(text); i++ {
		if text[i] == ',' {
			continue
		}
		if j >= len(sort) || sort[j] != text[i] {
			return false
		}
		j++
	}
	return j == len(sort)
}

// tablePayload is a table's rows for a period. A row whose key (unit) is a row of the
// default table keeps that row's first cell (the unit link) and is sent as its index
// and the other cells; other rows are sent whole. Cells mostly have the class "num",
// sent once as the table's default class. The JSON is written here rather than through
// reflection (a million cells on the defaults were most of the picker's render time),
// each string escaped as json.Marshal escapes it (appendJSONString).
func tablePayload(t *table, defaults *table) json.RawMessage {
	alignColumns(t)
	idx := map[string]int{}
	if defaults != nil {
		for i, k := range defaults.keys {
			idx[k] = i
		}
	}
	const dc = "num"
	b := make([]byte, 0, 64+len(t.Rows)*16*(len(t.Cols)+1))
	b = append(b, `{"dc":"num","rows":[`...)
	for i, r := range t.Rows {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, '{')
		cells := r
		if i < len(t.keys) && t.keys[i] != "" {
			if j, ok := idx[t.keys[i]]; ok {
				b = append(b, `"r":`...)
				b = strconv.AppendInt(b, int64(j), 10)
				b = append(b, ',')
				cells = r[1:]
			}
		}
		b = append(b, `"c":[`...)
		for k, c := range cells {
			if k > 0 {
				b = append(b, ',')
			}
			b = appendCell(b, c, dc)
		}
		b = append(b, `]}`...)
	}
	b = append(b, `]}`...)
	return json.RawMessage(b)
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
	type drawn struct {
		cards []card
		raw   []json.RawMessage
	}
	// kpiCardsFor draws from the period's last month only: a year, its last quarter and
	// that month get the same cards, drawn and encoded once.
	byLast := map[string]drawn{}
	for _, per := range pers {
		dr, ok := byLast[per.Last]
		if !ok {
			dr.cards = s.kpiCardsFor(cur, per, suffix)
			for _, c := range dr.cards {
				dr.raw = append(dr.raw, cardPayload(c))
			}
			byLast[per.Last] = dr
		}
		for i, c := range dr.cards {
			pk.put(per.Key, c.PK, dr.raw[i], false)
			if per.Key != pk.def && strings.HasPrefix(c.Label, s.c.T("pk."+per.Type)+" "+per.Key) {
				pk.put(per.Key, "chosen", "kpi-"+strconv.Itoa(i), false)
			}
		}
	}
}

// putBands puts, for every period, the band that marks it on the chart id over months
// (none for the default period: the chart as drawn).
func (s *site) putBands(pk *picker, pers []periodInfo, id string, months []string, line bool) {
	bands := s.bandsOver(pers, months, line)
	for _, per := range pers {
		if per.Key == pk.def {
			pk.put(per.Key, id, json.RawMessage(`{"band":null}`), false)
			continue
		}
		pk.put(per.Key, id, bands[per.Key], false)
	}
}

// bandsOver is every period's band on a chart over months, encoded once per render for
// each list of months: the unit pages all draw the same months, 85 bands each.
func (s *site) bandsOver(pers []periodInfo, months []string, line bool) map[string]json.RawMessage {
	key := strconv.FormatBool(line) + "|" + strings.Join(months, ",")
	s.bandsMu.Lock()
	defer s.bandsMu.Unlock()
	if b, ok := s.bands[key]; ok {
		return b
	}
	out := make(map[string]json.RawMessage, len(pers))
	for _, per := range pers {
		b, _ := json.Marshal(bandPayload(per, months, line)) // strings only: always encodes
		out[per.Key] = b
	}
	if s.bands == nil {
		s.bands = map[string]map[string]json.RawMessage{}
	}
	s.bands[key] = out
	return out
}
