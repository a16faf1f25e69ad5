package export

import (
	"database/sql"
	"fmt"
	"math"

	"github.com/xuri/excelize/v2"
)

// Sheet is one sheet of a workbook: a header row, then rows of numbers (int64,
// float64), booleans, text or nil.
type Sheet struct {
	Name   string
	Header []string
	Rows   [][]any
}

// Workbook writes sheets into one .xlsx (the report's appraisal.xlsx): the header
// frozen, numbers as numbers, text neutralised unless raw.
func Workbook(sheets []Sheet, raw bool) ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	for i, sh := range sheets {
		name := sheetName(sh.Name)
		if i == 0 {
			if err := f.SetSheetName("Sheet1", name); err != nil {
				return nil, fmt.Errorf("xlsx: %w", err)
			}
		} else if _, err := f.NewSheet(name); err != nil {
			return nil, fmt.Errorf("xlsx: %w", err)
		}
		r := 0
		next := func() ([]any, error) {
			if r >= len(sh.Rows) {
				return nil, nil
			}
			r++
			return sh.Rows[r-1], nil
		}
		if err := writeSheet(f, name, sh.Header, next, raw); err != nil {
			return nil, err
		}
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		return nil, fmt.Errorf("xlsx: %w", err)
	}
	return buf.Bytes(), nil
}

// writeXLSX writes one sheet named after the table: a header row, then the rows with
// numbers as numbers and dates as text (YYYY-MM-DD), so no locale reinterprets them.
func writeXLSX(path, table string, cols, dbTypes []string, rows *sql.Rows, raw bool) error {
	f := excelize.NewFile()
	defer f.Close()
	sheet := sheetName(table)
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	next := func() ([]any, error) {
		if !rows.Next() {
			return nil, rows.Err()
		}
		vals, err := scanRow(rows, len(cols))
		if err != nil {
			return nil, err
		}
		for i, v := range vals {
			switch v.(type) {
			case nil, int64, int32, float64, bool, string:
			default:
				vals[i] = textValue(v, dbTypes[i])
			}
		}
		return vals, nil
	}
	if err := writeSheet(f, sheet, cols, next, raw); err != nil {
		return err
	}
	return f.SaveAs(path)
}

// writeSheet streams the header and the rows next returns (nil at the end) into
// sheet, with the header row frozen.
func writeSheet(f *excelize.File, sheet string, header []string, next func() ([]any, error), raw bool) error {
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return fmt.Errorf("xlsx: %w", err)
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return fmt.Errorf("xlsx: %w", err)
	}
	head := make([]any, len(header))
	for i, h := range header {
		head[i] = cellValue(h, raw)
	}
	if err := sw.SetRow("A1", head); err != nil {
		return fmt.Errorf("xlsx: %w", err)
	}
	for r := 2; ; r++ {
		vals, err := next()
		if err != nil {
			return err
		}
		if vals == nil {
			break
		}
		cells := make([]any, len(vals))
		for i, v := range vals {
			cells[i] = cellValue(v, raw)
		}
		addr, err := excelize.CoordinatesToCellName(1, r)
		if err != nil {
			return err
		}
		if err := sw.SetRow(addr, cells); err != nil {
			return fmt.Errorf("xlsx: %w", err)
		}
	}
	if err := sw.Flush(); err != nil {
		return fmt.Errorf("xlsx: %w", err)
	}
	return nil
}

// cellValue is v as an XLSX cell: numbers stay numbers (NaN and infinities, which
// XLSX cannot hold, become empty), text is neutralised unless raw.
func cellValue(v any, raw bool) any {
	switch x := v.(type) {
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return nil
		}
	case string:
		if !raw {
			return Neutralise(x)
		}
	}
	return v
}

// sheetName fits a name into XLSX's 31-character sheet-name limit.
func sheetName(s string) string {
	r := []rune(s)
	if len(r) > 31 {
		r = r[:31]
	}
	return string(r)
}
