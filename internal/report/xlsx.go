package report

import (
	"strconv"
	"strings"

	"github.com/xinfang/xinfang/internal/export"
)

// workbook writes the tables planners take into their own spreadsheets (ranking,
// targets, peer quantiles) as an .xlsx through the export package, the same writer
// as `xinfang export --format xlsx`: numbers go in as numbers in the format the page
// shows them (percentages as fractions formatted 0.0%, counts with thousands
// separators), a missing number as an empty cell, the unit code beside the unit name,
// text as neutralised text, so a hostile unit name stays inert.
func (s *site) workbook(sheets []struct {
	name string
	t    *table
}) ([]byte, error) {
	codes := map[string]string{} // unit page href (from a top-level page) -> unit id
	for id, u := range s.units {
		codes[rel("appraisal.html", u.File)] = id
	}
	codes[rel("appraisal.html", "overview.html")] = "ALL"
	unitLabel := s.c.T("col.unit")
	out := make([]export.Sheet, len(sheets))
	for i, sh := range sheets {
		var head []string
		unitCol := -1
		numCol := make([]bool, len(sh.t.Cols))
		for j, c := range sh.t.Cols {
			head = append(head, c.Label)
			if c.Label == unitLabel && unitCol < 0 {
				unitCol = j
				head = append(head, s.c.T("col.unit_id"))
			}
			numCol[j] = c.Num
		}
		for _, cells := range sh.t.Rows {
			for j, c := range cells {
				if j < len(numCol) && strings.Contains(c.Class, "num") {
					numCol[j] = true
				}
			}
		}
		rows := make([][]any, len(sh.t.Rows))
		for r, cells := range sh.t.Rows {
			var vals []any
			for j, c := range cells {
				vals = append(vals, xlsxValue(c, j < len(numCol) && numCol[j]))
				if j == unitCol {
					vals = append(vals, codes[c.Href])
				}
			}
			rows[r] = vals
		}
		out[i] = export.Sheet{Name: sh.name, Header: head, Rows: rows}
	}
	return export.Workbook(out, false)
}

// xlsxValue is a table cell as a workbook value: a number cell as an export.Number
// (its exact value from the sort key when there is one, in the format of its text),
// a missing value in a numeric column as an empty cell, anything else as text.
func xlsxValue(c cell, numCol bool) any {
	t := strings.TrimSpace(c.Text)
	if numCol && (t == "" || t == "-" || t == "N/A" || t == "—") {
		return nil
	}
	if !strings.Contains(c.Class, "num") {
		return c.Text
	}
	plain := strings.NewReplacer(",", "", "%", "", "+", "").Replace(t)
	v, err := strconv.ParseFloat(plain, 64)
	if err != nil {
		return c.Text
	}
	if exact, err := strconv.ParseFloat(c.Sort, 64); err == nil && c.Sort != "" {
		v = exact
	}
	dec := 0
	if i := strings.IndexByte(plain, '.'); i >= 0 {
		dec = len(plain) - i - 1
	}
	if strings.HasSuffix(t, "%") {
		f := "0%"
		if dec > 0 {
			f = "0." + strings.Repeat("0", dec) + "%"
		}
		return export.Number{V: v / 100, Fmt: f}
	}
	f := "#,##0"
	if dec > 0 {
		f += "." + strings.Repeat("0", dec)
	}
	return export.Number{V: v, Fmt: f}
}

// buildWorkbook assembles appraisal.xlsx from the ranking and targets tables, its
// sheets named in the report language.
func (s *site) buildWorkbook() error {
	if !s.cfg.Report.Xlsx {
		return nil
	}
	d, err := s.loadInto(s.loadAppraisal, s.loadTargets)
	if err != nil {
		return err
	}
	quantiles, err := s.quantileSection()
	if err != nil {
		return err
	}
	sheets := []struct {
		name string
		t    *table
	}{
		{strings.TrimSpace(s.c.T("xlsx.ranking") + " " + s.apPeriod), s.rankingTable("appraisal.html", d.apRows, "ranking")},
		{strings.TrimSpace(s.c.T("xlsx.indicators") + " " + s.apPeriod), s.ragTable("appraisal.html", d)},
		{s.c.T("xlsx.targets") + " " + s.year, s.targetsTable("targets.html", d.targets, "targets")},
		{s.c.T("xlsx.quantiles") + " " + s.year, quantiles.Tables[0]},
	}
	b, err := s.workbook(sheets)
	if err != nil {
		return err
	}
	s.files["appraisal.xlsx"] = b
	return nil
}
