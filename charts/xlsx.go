package charts

import (
	"strconv"
	"strings"

	"github.com/xinfang/xinfang/export"
)

// workbook writes the tables planners take into their own spreadsheets (ranking,
// targets, peer quantiles) as an .xlsx through the export package, the same writer
// as `xinfang export --format xlsx`: numbers go in as numbers (percent cells as the
// percentage value), text as neutralised text, so a hostile unit name stays inert.
func workbook(sheets []struct {
	name string
	t    *table
}) ([]byte, error) {
	out := make([]export.Sheet, len(sheets))
	for i, sh := range sheets {
		head := make([]string, len(sh.t.Cols))
		for j, c := range sh.t.Cols {
			head[j] = c.Label
		}
		rows := make([][]any, len(sh.t.Rows))
		for r, cells := range sh.t.Rows {
			vals := make([]any, len(cells))
			for j, c := range cells {
				vals[j] = xlsxValue(c)
			}
			rows[r] = vals
		}
		out[i] = export.Sheet{Name: sh.name, Header: head, Rows: rows}
	}
	return export.Workbook(out, false)
}

func xlsxValue(c cell) any {
	if strings.Contains(c.Class, "num") {
		t := strings.NewReplacer(",", "", "%", "", "+", "").Replace(c.Text)
		if v, err := strconv.ParseFloat(t, 64); err == nil {
			return v
		}
	}
	return c.Text
}

// buildWorkbook assembles appraisal.xlsx from the ranking and targets tables.
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
		{strings.TrimSpace("ranking " + s.apPeriod), s.rankingTable("appraisal.html", d.apRows, "ranking")},
		{strings.TrimSpace("indicators " + s.apPeriod), s.ragTable("appraisal.html", d)},
		{"targets " + s.year, s.targetsTable("targets.html", d.targets, "targets")},
		{"peer quantiles " + s.year, quantiles.Tables[0]},
	}
	b, err := workbook(sheets)
	if err != nil {
		return err
	}
	s.files["appraisal.xlsx"] = b
	return nil
}
