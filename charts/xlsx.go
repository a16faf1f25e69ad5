package charts

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
)

// workbook writes the tables planners take into their own spreadsheets (ranking,
// targets, peer quantiles) as an .xlsx. Numbers go in as numbers (percent cells as
// the percentage value), text as text: excelize stores strings as shared strings,
// never as formulas, so a hostile unit name stays inert here too.
func workbook(sheets []struct {
	name string
	t    *table
}) ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	for i, sh := range sheets {
		name := sh.name
		if i == 0 {
			if err := f.SetSheetName("Sheet1", name); err != nil {
				return nil, fmt.Errorf("xlsx: %w", err)
			}
		} else if _, err := f.NewSheet(name); err != nil {
			return nil, fmt.Errorf("xlsx: %w", err)
		}
		head := make([]any, len(sh.t.Cols))
		for j, c := range sh.t.Cols {
			head[j] = c.Label
		}
		if err := f.SetSheetRow(name, "A1", &head); err != nil {
			return nil, fmt.Errorf("xlsx: %w", err)
		}
		for r, cells := range sh.t.Rows {
			vals := make([]any, len(cells))
			for j, c := range cells {
				vals[j] = xlsxValue(c)
			}
			addr, _ := excelize.CoordinatesToCellName(1, r+2)
			if err := f.SetSheetRow(name, addr, &vals); err != nil {
				return nil, fmt.Errorf("xlsx: %w", err)
			}
		}
		if err := f.SetPanes(name, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
			return nil, fmt.Errorf("xlsx: %w", err)
		}
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		return nil, fmt.Errorf("xlsx: %w", err)
	}
	return buf.Bytes(), nil
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
