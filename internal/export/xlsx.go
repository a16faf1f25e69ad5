package export

import (
	"database/sql"
	"fmt"
	"math"
	"strings"
	"time"
	"unicode"

	"github.com/xuri/excelize/v2"
)

// Number formats of workbook columns (Excel custom formats). A percentage column
// holds fractions (0.953 shows 95.3%) so a planner's own formulas compute with it.
const (
	FmtInt     = "#,##0"
	FmtDec1    = "#,##0.0"
	FmtDec2    = "#,##0.00"
	FmtPct1    = "0.0%"
	FmtPctPts1 = `0.0"%"` // a value already in percentage points (mart *_pct columns)
)

// Number is a cell value with its own number format, for a column whose cells
// differ (a percentage among counts); it overrides the column's format.
type Number struct {
	V   float64
	Fmt string
}

// Sheet is one sheet of a workbook: a header row, then rows of numbers (int64,
// float64), booleans, text or nil (an empty cell). Formats, when set, gives each
// column's number format ("" for text); Widths each column's width in characters
// (0: worked out from the header and the cells).
type Sheet struct {
	Name    string
	Header  []string
	Formats []string
	Widths  []float64
	Rows    [][]any
}

// Workbook writes sheets into one .xlsx (the report's appraisal.xlsx): a bold frozen
// header with an autofilter, numbers as numbers in their column's format, text
// neutralised unless raw, document properties naming xinfang.
func Workbook(sheets []Sheet, raw bool) ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	if err := setProps(f); err != nil {
		return nil, err
	}
	for i, sh := range sheets {
		name := sheetName(sh.Name)
		if i == 0 {
			if err := f.SetSheetName("Sheet1", name); err != nil {
				return nil, fmt.Errorf("xlsx: %w", err)
			}
		} else if _, err := f.NewSheet(name); err != nil {
			return nil, fmt.Errorf("xlsx: %w", err)
		}
		widths := sh.Widths
		if widths == nil {
			widths = fitWidths(sh.Header, sh.Rows)
		}
		r := 0
		next := func() ([]any, error) {
			if r >= len(sh.Rows) {
				return nil, nil
			}
			r++
			return sh.Rows[r-1], nil
		}
		if err := writeSheet(f, name, sh.Header, sh.Formats, widths, next, raw); err != nil {
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
// Integer columns get thousands separators, *_pct columns a % sign on the stored
// percentage value (the number itself is the mart's, unchanged).
func writeXLSX(path, table string, cols, dbTypes []string, rows *sql.Rows, raw bool) error {
	f := excelize.NewFile()
	defer f.Close()
	if err := setProps(f); err != nil {
		return err
	}
	sheet := sheetName(table)
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	formats := make([]string, len(cols))
	widths := make([]float64, len(cols))
	for i, c := range cols {
		formats[i] = dbFormat(c, dbTypes[i])
		widths[i] = math.Max(textWidth(c)+2, 10)
		if formats[i] == "" {
			widths[i] = math.Max(widths[i], 16)
		}
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
	if err := writeSheet(f, sheet, cols, formats, widths, next, raw); err != nil {
		return err
	}
	return f.SaveAs(path)
}

// dbFormat is the number format of a mart column by its name and database type.
func dbFormat(col, dbType string) string {
	t := strings.ToUpper(dbType)
	switch {
	case strings.HasSuffix(col, "_pct") && (strings.Contains(t, "DOUBLE") || strings.Contains(t, "DECIMAL") || strings.Contains(t, "FLOAT") || strings.Contains(t, "REAL")):
		return FmtPctPts1
	case strings.Contains(t, "INT") && !strings.Contains(t, "INTERVAL"):
		return FmtInt
	case strings.Contains(t, "DOUBLE") || strings.Contains(t, "DECIMAL") || strings.Contains(t, "FLOAT") || strings.Contains(t, "REAL"):
		return FmtDec2
	}
	return ""
}

// setProps names xinfang as the workbook's creator, created now.
func setProps(f *excelize.File) error {
	now := time.Now().UTC().Format(time.RFC3339)
	if err := f.SetDocProps(&excelize.DocProperties{Creator: "xinfang", LastModifiedBy: "xinfang", Created: now, Modified: now}); err != nil {
		return fmt.Errorf("xlsx properties: %w", err)
	}
	return nil
}

// writeSheet streams the header (bold, frozen, with an autofilter over the columns)
// and the rows next returns (nil at the end) into sheet.
func writeSheet(f *excelize.File, sheet string, header, formats []string, widths []float64, next func() ([]any, error), raw bool) error {
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return fmt.Errorf("xlsx: %w", err)
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"E8EEF5"}},
		Alignment: &excelize.Alignment{Vertical: "center", WrapText: true}})
	if err != nil {
		return fmt.Errorf("xlsx: %w", err)
	}
	byFmt := map[string]int{}
	style := func(nf string) (int, error) {
		if nf == "" {
			return 0, nil
		}
		if id, ok := byFmt[nf]; ok {
			return id, nil
		}
		id, err := f.NewStyle(&excelize.Style{CustomNumFmt: &nf})
		if err != nil {
			return 0, fmt.Errorf("xlsx: %w", err)
		}
		byFmt[nf] = id
		return id, nil
	}
	styles := make([]int, len(header))
	for i := range header {
		if i < len(formats) {
			if styles[i], err = style(formats[i]); err != nil {
				return err
			}
		}
	}
	for i, w := range widths {
		if w > 0 {
			if err := sw.SetColWidth(i+1, i+1, w); err != nil {
				return fmt.Errorf("xlsx: %w", err)
			}
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return fmt.Errorf("xlsx: %w", err)
	}
	head := make([]any, len(header))
	for i, h := range header {
		head[i] = excelize.Cell{StyleID: bold, Value: cellValue(h, raw)}
	}
	if err := sw.SetRow("A1", head); err != nil {
		return fmt.Errorf("xlsx: %w", err)
	}
	last := 1
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
			if n, ok := v.(Number); ok {
				id, err := style(n.Fmt)
				if err != nil {
					return err
				}
				cells[i] = excelize.Cell{StyleID: id, Value: cellValue(n.V, raw)}
				continue
			}
			cv := cellValue(v, raw)
			if i < len(styles) && styles[i] != 0 {
				cells[i] = excelize.Cell{StyleID: styles[i], Value: cv}
			} else {
				cells[i] = cv
			}
		}
		addr, err := excelize.CoordinatesToCellName(1, r)
		if err != nil {
			return err
		}
		if err := sw.SetRow(addr, cells); err != nil {
			return fmt.Errorf("xlsx: %w", err)
		}
		last = r
	}
	if err := sw.Flush(); err != nil {
		return fmt.Errorf("xlsx: %w", err)
	}
	if len(header) > 0 {
		end, err := excelize.CoordinatesToCellName(len(header), last)
		if err != nil {
			return err
		}
		if err := f.AutoFilter(sheet, "A1:"+end, nil); err != nil {
			return fmt.Errorf("xlsx autofilter: %w", err)
		}
	}
	return nil
}

// fitWidths sizes each column to its longest header or cell, within 8..48 characters.
func fitWidths(header []string, rows [][]any) []float64 {
	w := make([]float64, len(header))
	for i, h := range header {
		w[i] = textWidth(h) + 2 // room for the autofilter button
	}
	for _, r := range rows {
		for i, v := range r {
			if i >= len(w) {
				break
			}
			n := 10.0 // numbers, formatted
			if v == nil {
				continue
			}
			if s, ok := v.(string); ok {
				n = textWidth(s)
			}
			w[i] = math.Max(w[i], n+1)
		}
	}
	for i := range w {
		w[i] = math.Min(math.Max(w[i], 8), 48)
	}
	return w
}

// textWidth counts wide (CJK) characters as two columns, as a spreadsheet shows them.
func textWidth(s string) float64 {
	n := 0.0
	for _, r := range s {
		if unicode.Is(unicode.Han, r) || unicode.In(r, unicode.Hangul, unicode.Hiragana, unicode.Katakana) || (r >= 0xFF00 && r <= 0xFFEF) || (r >= 0x3000 && r <= 0x303F) {
			n += 2
		} else {
			n++
		}
	}
	return n
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

// sheetName fits a name into XLSX's 31-character sheet-name limit, without the
// characters XLSX refuses in one (: \ / ? * [ ]).
func sheetName(s string) string {
	s = strings.Map(func(r rune) rune {
		if strings.ContainsRune(`:\/?*[]`, r) {
			return '-'
		}
		return r
	}, s)
	r := []rune(s)
	if len(r) > 31 {
		r = r[:31]
	}
	return string(r)
}
