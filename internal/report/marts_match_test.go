package report_test

import (
	"database/sql"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// The numbers a reader sees come from the marts unchanged: the overview's monthly
// volume chart (its JSON option, what ECharts draws) against mart.volume for ALL,
// month by month; and the workbook's ranking sheet, unit by unit, against
// mart.appraisal's score, rank and final grade for the quarter it names.
func TestChartAndWorkbookMatchMarts(t *testing.T) {
	needSetup(t)
	html, err := os.ReadFile(filepath.Join(testReports, "overview.html"))
	if err != nil {
		t.Fatal(err)
	}
	var opt struct {
		Option struct {
			XAxis []struct {
				Data []string `json:"data"`
			} `json:"xAxis"`
			Series []struct {
				Data []struct {
					Value any `json:"value"` // a number, or "-" for a gap
				} `json:"data"`
			} `json:"series"`
		} `json:"option"`
	}
	found := false
	for _, m := range jsonBlock.FindAllSubmatch(html, -1) {
		start := strings.Index(string(m[0]), `id="ov-monthly-data"`)
		if start < 0 || start > strings.Index(string(m[0]), ">") {
			continue
		}
		if err := json.Unmarshal(m[1], &opt); err != nil {
			t.Fatalf("ov-monthly JSON: %v", err)
		}
		found = true
	}
	if !found || len(opt.Option.XAxis) == 0 || len(opt.Option.Series) == 0 {
		t.Fatal("no monthly volume chart on overview.html")
	}
	months, vals := opt.Option.XAxis[0].Data, opt.Option.Series[0].Data
	if len(months) == 0 || len(months) != len(vals) {
		t.Fatalf("chart has %d months and %d values", len(months), len(vals))
	}
	for i, m := range months {
		var want sql.NullInt64
		err := testDB.QueryRow(`SELECT petitions FROM mart.volume WHERE unit_id = 'ALL' AND rollup AND period_type = 'month' AND period = ?`, m).Scan(&want)
		if err != nil {
			t.Fatalf("mart.volume ALL %s: %v", m, err)
		}
		got, isNum := vals[i].Value.(float64)
		if isNum != want.Valid || (isNum && got != float64(want.Int64)) {
			t.Errorf("chart month %s = %v, mart.volume = %v", m, vals[i].Value, want)
		}
	}

	f, err := excelize.OpenFile(filepath.Join(testReports, "appraisal.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sheet := ""
	for _, s := range f.GetSheetList() {
		if strings.HasPrefix(s, "排名 ") {
			sheet = s
		}
	}
	if sheet == "" {
		t.Fatalf("no ranking sheet in %v", f.GetSheetList())
	}
	period := strings.TrimPrefix(sheet, "排名 ")
	type want struct {
		score, rank sql.NullFloat64
		grade       sql.NullString
		n           int
	}
	byName := map[string]*want{}
	rows, err := testDB.Query(`SELECT u.name, a.score, a.rank, a.final_grade FROM mart.appraisal a JOIN units u USING (unit_id)
		WHERE a.period_type = 'quarter' AND a.period = ?`, period)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var name string
		w := &want{}
		if err := rows.Scan(&name, &w.score, &w.rank, &w.grade); err != nil {
			t.Fatal(err)
		}
		if prev, ok := byName[name]; ok {
			prev.n++ // a name shared by two units cannot be matched by name
			continue
		}
		w.n = 1
		byName[name] = w
	}
	rows.Close()
	cells, err := f.GetRows(sheet)
	if err != nil || len(cells) < 2 {
		t.Fatalf("sheet %s: %v (%d rows)", sheet, err, len(cells))
	}
	col := map[string]int{}
	for i, h := range cells[0] {
		col[h] = i
	}
	checked, scored := 0, 0
	for _, r := range cells[1:] {
		get := func(h string) string {
			if i, ok := col[h]; ok && i < len(r) {
				return r[i]
			}
			return ""
		}
		w, ok := byName[get("单位")]
		if !ok || w.n != 1 {
			continue
		}
		checked++
		score := get("得分")
		switch {
		case !w.score.Valid:
			if score != "-" && score != "" {
				t.Errorf("%s: workbook score %q, mart NULL", get("单位"), score)
			}
		default:
			v, err := strconv.ParseFloat(score, 64)
			// Shown with one decimal.
			if err != nil || math.Abs(v-w.score.Float64) > 0.05+1e-9 {
				t.Errorf("%s: workbook score %q, mart %.4f", get("单位"), score, w.score.Float64)
			}
			scored++
			if rk, err := strconv.ParseFloat(get("排名"), 64); err != nil || !w.rank.Valid || rk != w.rank.Float64 {
				t.Errorf("%s: workbook rank %q, mart %v", get("单位"), get("排名"), w.rank)
			}
		}
		if w.grade.Valid && get("最终等次") != w.grade.String {
			t.Errorf("%s: workbook final grade %q, mart %q", get("单位"), get("最终等次"), w.grade.String)
		}
	}
	if checked == 0 || scored == 0 {
		t.Fatalf("checked %d workbook rows (%d scored) against mart.appraisal %s: the comparison proves nothing", checked, scored, period)
	}
	t.Logf("chart: %d months; workbook %s: %d units (%d scored) match the marts", len(months), sheet, checked, scored)
}
