package report

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/xinfang/xinfang/internal/config"
)

// formatter turns mart values into the cells, cards and sentences a page shows, in
// the report language (c) and with the configured thresholds (cfg: appraisal.min_n …).
// It holds no data: the pages pass it the rows they loaded.
type formatter struct {
	cfg *config.Config
	c   catalogue
}

// sprintf fills a catalogue message.
func (f *formatter) sprintf(key string, args ...any) string { return fmt.Sprintf(f.c.T(key), args...) }

func finite(p *float64) bool { return p != nil && !math.IsNaN(*p) && !math.IsInf(*p, 0) }

func fmtInt(v int64) string {
	if v > -1000 && v < 1000 { // no thousands separator
		return strconv.FormatInt(v, 10)
	}
	s := strconv.FormatInt(v, 10)
	neg := strings.HasPrefix(s, "-")
	if neg {
		s = s[1:]
	}
	var b strings.Builder
	for i, ch := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(ch)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

func fmtFloat(p *float64, prec int) string {
	if !finite(p) {
		return "-"
	}
	return strconv.FormatFloat(*p, 'f', prec, 64)
}

func sortKey(p *float64) string {
	if !finite(p) {
		return ""
	}
	// A whole number below a million (most counts) is what 'g' writes, without the
	// shortest-decimal search; -0 and larger ones go through FormatFloat ("1.5e+06").
	if v := *p; v == math.Trunc(v) && math.Abs(v) < 1e6 && (v != 0 || !math.Signbit(v)) {
		return strconv.FormatInt(int64(v), 10)
	}
	return strconv.FormatFloat(*p, 'g', -1, 64)
}

// countCell shows a count; NULL (the field is not tracked) says so.
func (f *formatter) countCell(r row, k string) cell {
	p := r.f(k)
	if p == nil {
		return cell{Text: f.c.T("not_tracked"), Class: "num"}
	}
	if !finite(p) {
		return cell{Text: "-", Class: "num"}
	}
	return cell{Text: fmtInt(int64(*p)), Sort: sortKey(p), Class: "num"}
}

// rateCell shows a fraction as a percentage. A NULL rate is "not tracked" when its
// denominator is NULL too, and "-" when the denominator is 0 (nothing to rate).
func (f *formatter) rateCell(r row, k, denom string) cell {
	p := r.f(k)
	if p == nil {
		if denom != "" && r.f(denom) != nil {
			return cell{Text: "-", Class: "num"}
		}
		return cell{Text: f.c.T("not_tracked"), Class: "num"}
	}
	if !finite(p) {
		return cell{Text: "-", Class: "num"}
	}
	return cell{Text: fmtFloat(ptr(*p*100), 1) + "%", Sort: sortKey(p), Class: "num"}
}

// pctCell shows a *_pct column (already a percentage) with its sign; lowerGood
// colours a fall green and a rise red (petition volume).
func (f *formatter) pctCell(r row, k string, lowerGood bool) cell {
	p := r.f(k)
	if !finite(p) {
		return cell{Text: "-", Class: "num"}
	}
	c := cell{Text: signed(*p) + "%", Sort: sortKey(p), Class: "num"}
	if lowerGood && *p < 0 || !lowerGood && *p > 0 {
		c.Class += " good"
	} else if *p != 0 {
		c.Class += " bad"
	}
	return c
}

func (f *formatter) numCell(r row, k string, prec int) cell {
	p := r.f(k)
	return cell{Text: fmtFloat(p, prec), Sort: sortKey(p), Class: "num"}
}

func textCell(t string) cell { return cell{Text: t} }

func signed(v float64) string {
	if v > 0 {
		return "+" + strconv.FormatFloat(v, 'f', 1, 64)
	}
	return strconv.FormatFloat(v, 'f', 1, 64)
}

func ptr(v float64) *float64 { return &v }

func (f *formatter) cols(keys ...string) []column {
	out := make([]column, len(keys))
	for i, k := range keys {
		num := true
		switch k {
		case "unit", "unit_id", "sector", "level", "peer_group", "period", "label", "scope", "subject", "rule", "reason",
			"grade", "final_grade", "veto", "eligible", "metric", "status", "petition_id", "source", "received_date",
			"handle_deadline", "listed_supervision", "leader_owner", "petitioner", "last_received", "closed_date",
			"back_date", "file", "started_at", "batch_status", "field", "severity", "first_received", "channel",
			"category", "kind", "watermark", "indicator", "why", "triggered", "target", "year", "handler_unit":
			num = false
		}
		out[i] = column{Label: f.c.T("col." + k), Num: num}
	}
	return out
}

func signedPtr(p *float64, prec int) string {
	if !finite(p) {
		return "-"
	}
	if *p > 0 {
		return "+" + strconv.FormatFloat(*p, 'f', prec, 64)
	}
	return strconv.FormatFloat(*p, 'f', prec, 64)
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// formatTime shows an instant (a TIMESTAMPTZ column, read as UTC) in the configured
// zone with its offset, so a UTC host does not show UTC wall time.
func (f *formatter) formatTime(v any) string {
	switch t := v.(type) {
	case time.Time:
		return t.In(f.cfg.Location()).Format("2006-01-02 15:04 -07:00")
	case interface{ Format(string) string }:
		return t.Format("2006-01-02 15:04")
	default:
		return valueString(v)
	}
}

func pctText(v float64) string {
	if !finite(&v) {
		return "-"
	}
	return strconv.FormatFloat(v*100, 'f', 1, 64) + "%"
}

// pseudMaybe shortens a value that looks like a keyed hash (a mapping may name
// leader_owner or handler_id as personal); plain values show as they are.
func pseudMaybe(v string) string {
	if len(v) >= 32 && strings.Trim(strings.ToLower(v), "0123456789abcdef") == "" {
		return pseud(v)
	}
	return v
}

func (f *formatter) boolCell(r row, k string) cell {
	switch v := r.get(k).(type) {
	case bool:
		if v {
			return textCell(f.c.T("v.yes"))
		}
		return textCell(f.c.T("v.no"))
	case nil:
		return textCell("-")
	default:
		return textCell(valueString(v))
	}
}

// monthSeries lines the rows' values up with months (missing months stay nil).
func monthSeries(months []string, rows []row, k string) []*float64 {
	idx := map[string]*float64{}
	for _, r := range rows {
		idx[r.str("period")] = r.f(k)
	}
	out := make([]*float64, len(months))
	for i, m := range months {
		out[i] = idx[m]
	}
	return out
}

func percentSeries(vals []*float64) []*float64 {
	out := make([]*float64, len(vals))
	for i, v := range vals {
		if finite(v) {
			out[i] = ptr(math.Round(*v*1000) / 10)
		}
	}
	return out
}

func head(xs []string, n int) []string {
	if len(xs) > n {
		return xs[:n]
	}
	return xs
}

func reverse(xs []string) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[len(xs)-1-i] = x
	}
	return out
}

// pseud shows a pseudonym (HMAC hex) by a short prefix: enough to tell people apart
// on one page, never the stored value.
func pseud(s string) string {
	if s == "" {
		return ""
	}
	if len(s) > 10 {
		return s[:10] + "…"
	}
	return s
}

// changeWithCounts shows a percentage change with the counts it compares: "-3.2% (48,600
// vs 50,198)", so that a target row never shows a raw count beside a percentage target.
func (f *formatter) changeWithCounts(r row, pctCol, curCol, baseCol string) cell {
	p := r.f(pctCol)
	if !finite(p) {
		return cell{Text: "-", Class: "num"}
	}
	t := signed(*p) + "%"
	if cur, base := r.f(curCol), r.f(baseCol); finite(cur) && finite(base) {
		t += " " + f.sprintf("ov.counts", fmtInt(int64(math.Round(*cur))), fmtInt(int64(math.Round(*base))))
	}
	return cell{Text: t, Sort: sortKey(p), Class: "num"}
}

// errorCell shows a projection error uncoloured: a backtest error is neither good nor
// bad news about petitions, only how far the projection method can be trusted (signed
// for one year's error, unsigned for the mean absolute error).
func (f *formatter) errorCell(r row, k string, sign bool) cell {
	p := r.f(k)
	if !finite(p) {
		return cell{Text: "-", Class: "num"}
	}
	t := fmtFloat(p, 1) + "%"
	if sign {
		t = signed(*p) + "%"
	}
	return cell{Text: t, Sort: sortKey(p), Class: "num"}
}

// alignColumns makes a table's header and cells agree: a column is numeric (right-
// aligned, header included) when its filled cells are all numeric; otherwise no cell of
// it is right-aligned. Builders set cell classes one by one, and a header list kept apart
// from them drifted (a "target" header left-aligned over right-aligned values).
func alignColumns(t *table) {
	for j := range t.Cols {
		numeric, filled := true, 0
		for _, r := range t.Rows {
			if j >= len(r) || r[j].Text == "" || r[j].Text == "-" {
				continue
			}
			filled++
			if !hasClass(r[j].Class, "num") {
				numeric = false
			}
		}
		if filled == 0 {
			continue
		}
		t.Cols[j].Num = numeric
		for _, r := range t.Rows {
			if j >= len(r) {
				continue
			}
			has := hasClass(r[j].Class, "num")
			switch {
			case numeric && !has:
				r[j].Class = strings.TrimSpace("num " + r[j].Class)
			case !numeric && has:
				r[j].Class = strings.TrimSpace(strings.Join(strings.Fields(strings.ReplaceAll(" "+r[j].Class+" ", " num ", " ")), " "))
			}
		}
	}
}

func hasClass(classes, c string) bool {
	switch classes { // most cells: "num" or none, without splitting
	case c:
		return true
	case "":
		return false
	}
	for _, f := range strings.Fields(classes) {
		if f == c {
			return true
		}
	}
	return false
}

// pctCellOnBase is pctCell for a change whose base count (in column base, shown beside it)
// may be small: below appraisal.min_n the change is noise, so it is left uncoloured and
// sorts as no value, never a headline riser.
func (f *formatter) pctCellOnBase(r row, k, base string, lowerGood bool) cell {
	c := f.pctCell(r, k, lowerGood)
	if b := r.f(base); finite(b) && *b < float64(f.cfg.Appraisal.MinN) && c.Text != "-" {
		c.Class, c.Sort = "num small-base", ""
	}
	return c
}
