package report_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/xinfang/xinfang/internal/report"
)

// appraisal.xlsx as a planner opens it, in Chinese (the test site) and English (a
// second render of the same database): sheets named in the report language, a bold
// frozen header with an autofilter, xinfang as creator created now, the unit code in
// the column after the unit name, every numeric cell a number in a number format
// (percentages as fractions formatted 0.0%) and never the text "-".
func TestWorkbookForPlanners(t *testing.T) {
	needSetup(t)
	checkWorkbook(t, filepath.Join(testReports, "appraisal.xlsx"), []string{"排名 ", "指标红黄绿 ", "目标 ", "同类分位数 "}, "单位", "单位代码")

	cfg := *testCfg
	cfg.Language = "en"
	cfg.ReportsDir = filepath.Join(t.TempDir(), "en")
	if _, err := report.Render(context.Background(), testDB.DB, &cfg, report.Options{AsOf: testAsOf}); err != nil {
		t.Fatal(err)
	}
	checkWorkbook(t, filepath.Join(cfg.ReportsDir, "appraisal.xlsx"), []string{"Ranking ", "Indicators ", "Targets ", "Peer quantiles "}, "Unit", "Unit id")
}

func checkWorkbook(t *testing.T, path string, prefixes []string, unitHead, codeHead string) {
	t.Helper()
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) != len(prefixes) {
		t.Fatalf("%s: sheets %q, want %d", path, sheets, len(prefixes))
	}
	props, err := f.GetDocProps()
	if err != nil || props.Creator != "xinfang" {
		t.Errorf("properties %+v (%v)", props, err)
	} else if c, err := time.Parse(time.RFC3339, props.Created); err != nil || time.Since(c) > time.Hour {
		t.Errorf("created %q (%v), want now", props.Created, err)
	}
	filters := map[string]bool{}
	for _, d := range f.GetDefinedName() {
		if d.Name == "_xlnm._FilterDatabase" {
			filters[d.Scope] = true
		}
	}
	numbers, percents, codes := 0, 0, 0
	for i, sh := range sheets {
		if !strings.HasPrefix(sh, prefixes[i]) {
			t.Errorf("sheet %d is %q, want %q…", i, sh, prefixes[i])
		}
		if p, err := f.GetPanes(sh); err != nil || !p.Freeze || p.YSplit != 1 {
			t.Errorf("%s: header not frozen (%+v, %v)", sh, p, err)
		}
		if !filters[sh] {
			t.Errorf("%s: no autofilter", sh)
		}
		if id, _ := f.GetCellStyle(sh, "A1"); id == 0 {
			t.Errorf("%s: header unstyled", sh)
		} else if st, _ := f.GetStyle(id); st.Font == nil || !st.Font.Bold {
			t.Errorf("%s: header not bold", sh)
		}
		rows, err := f.GetRows(sh, excelize.Options{RawCellValue: true})
		if err != nil || len(rows) < 2 {
			t.Errorf("%s: %d rows (%v)", sh, len(rows), err)
			continue
		}
		for j, h := range rows[0] {
			if h == unitHead && (j+1 >= len(rows[0]) || rows[0][j+1] != codeHead) {
				t.Errorf("%s: no %q column after %q: %q", sh, codeHead, unitHead, rows[0])
			}
		}
		for r := 2; r <= len(rows); r++ {
			for c := 1; c <= len(rows[0]); c++ {
				addr, _ := excelize.CoordinatesToCellName(c, r)
				v, _ := f.GetCellValue(sh, addr, excelize.Options{RawCellValue: true})
				if v == "-" || v == "N/A" {
					t.Errorf("%s!%s holds the text %q", sh, addr, v)
				}
				if rows[0][c-1] == codeHead && v != "" {
					codes++
				}
				typ, _ := f.GetCellType(sh, addr)
				id, _ := f.GetCellStyle(sh, addr)
				st, _ := f.GetStyle(id)
				if st == nil || st.CustomNumFmt == nil {
					continue
				}
				if typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset {
					t.Errorf("%s!%s: format %q on a cell of type %v (%q)", sh, addr, *st.CustomNumFmt, typ, v)
				}
				numbers++
				if strings.HasSuffix(*st.CustomNumFmt, "%") {
					percents++
					if s, _ := f.GetCellValue(sh, addr); v != "" && !strings.HasSuffix(s, "%") {
						t.Errorf("%s!%s: percent cell shows %q", sh, addr, s)
					}
				}
			}
		}
	}
	if numbers == 0 || percents == 0 || codes == 0 {
		t.Errorf("%s: %d formatted numbers, %d percentages, %d unit codes: the checks above prove nothing", path, numbers, percents, codes)
	}
	t.Logf("%s: %d formatted numbers (%d percentages), %d unit codes", filepath.Base(path), numbers, percents, codes)
}
