package brief_test

// The brief is opened by a real reader: LibreOffice converts the DOCX to PDF and
// pdftotext reads it back. Expected figures come from the marts themselves, formatted
// by DuckDB (format/printf), not by the package's own formatting code.

import (
	"archive/zip"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xinfang/xinfang/internal/brief"
	"github.com/xinfang/xinfang/internal/config"
	"github.com/xinfang/xinfang/internal/pipeline"
	"github.com/xinfang/xinfang/internal/queries"
	"github.com/xinfang/xinfang/internal/store"
)

const quarter = "2026-Q3"

var (
	testDB     *store.DB
	testCfg    *config.Config
	setupErr   error
	quarterEnd = time.Date(2026, 9, 30, 0, 0, 0, 0, time.UTC)
)

// TestMain ingests a small synthetic source with the real pipeline (as of 2026-10-08)
// and builds the marts as of the quarter's last day, once for every test.
func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "xinfang-brief-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	setupErr = setup(dir)
	code := m.Run()
	if testDB != nil {
		testDB.Close()
	}
	os.RemoveAll(dir)
	os.Exit(code)
}

func setup(dir string) error {
	ctx := context.Background()
	cfg := config.Default()
	cfg.AsOf = "2026-10-08"
	cfg.Database = filepath.Join(dir, "x.duckdb")
	cfg.ReportsDir = filepath.Join(dir, "reports")
	cfg.Pseudonym.KeyFile = filepath.Join(dir, "pseudonym.key")
	cfg.Sources[0].Synthetic.Records = 12000
	cfg.Sources[0].Synthetic.Years = 4
	cfg.Brief.Issuer = "某省司法厅信访工作办公室"
	// The generator's drive: the three months from four months before the as-of month,
	// in province P02 and its descendants (pipeline/synthetic/drive.go).
	cfg.Campaigns = []config.Campaign{{ID: "drive", Name: "联合接访专项活动", Start: "2026-06-01", End: "2026-08-31", Units: config.CampaignUnits{"P02"}}}
	testCfg = cfg
	db, err := store.Open(ctx, cfg.Database, store.Options{TimeZone: cfg.TimeZone, Purpose: "brief test"})
	if err != nil {
		return err
	}
	testDB = db
	if _, err := pipeline.Ingest(ctx, db, cfg, pipeline.IngestOptions{NoProgress: true}); err != nil {
		return fmt.Errorf("ingest: %w", err)
	}
	if _, err := queries.Build(ctx, db.DB, cfg, quarterEnd); err != nil {
		return fmt.Errorf("marts as of %s: %w", quarterEnd.Format("2006-01-02"), err)
	}
	return nil
}

func needSetup(t *testing.T) {
	t.Helper()
	if setupErr != nil {
		t.Fatalf("test database: %v", setupErr)
	}
}

// toPDF converts docx with LibreOffice (its own profile, so parallel runs do not
// collide) and returns pdftotext's output with all white space removed, since lines
// may break inside a figure. Without soffice the test is skipped, unless CI=true.
func toPDF(t *testing.T, docx string) string {
	t.Helper()
	soffice, err := exec.LookPath("soffice")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("soffice not found: CI needs the Debian package libreoffice-writer (and poppler-utils)")
		}
		t.Skip("soffice not found: install libreoffice-writer and poppler-utils to open the brief with a real reader")
	}
	if _, err := exec.LookPath("pdftotext"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("pdftotext not found: CI needs the Debian package poppler-utils")
		}
		t.Skip("pdftotext not found: install poppler-utils")
	}
	out := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, soffice, "-env:UserInstallation=file://"+filepath.Join(out, "profile"),
		"--headless", "--norestore", "--convert-to", "pdf", "--outdir", out, docx)
	cmd.Env = append(os.Environ(), "HOME="+out)
	msg, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("soffice --convert-to pdf %s: %v\n%s", docx, err, msg)
	}
	pdf := filepath.Join(out, strings.TrimSuffix(filepath.Base(docx), ".docx")+".pdf")
	if st, err := os.Stat(pdf); err != nil || st.Size() == 0 {
		t.Fatalf("soffice wrote no PDF for %s (%v):\n%s", docx, err, msg)
	}
	txt, err := exec.CommandContext(ctx, "pdftotext", "-enc", "UTF-8", pdf, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext %s: %v", pdf, err)
	}
	return strings.Join(strings.Fields(string(txt)), "")
}

// wellFormed parses every XML part of the package.
func wellFormed(t *testing.T, path string) {
	t.Helper()
	z, err := zip.OpenReader(path)
	if err != nil {
		t.Fatalf("open %s as zip: %v", path, err)
	}
	defer z.Close()
	for _, f := range z.File {
		r, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		dec := xml.NewDecoder(r)
		for {
			if _, err := dec.Token(); err == io.EOF {
				break
			} else if err != nil {
				t.Fatalf("%s: not well-formed XML: %v", f.Name, err)
			}
		}
		r.Close()
	}
}

func documentXML(t *testing.T, path string) string {
	t.Helper()
	z, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer z.Close()
	r, err := z.Open("word/document.xml")
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func query1(t *testing.T, q string, args ...any) string {
	t.Helper()
	var s string
	if err := testDB.QueryRowContext(context.Background(), q, args...).Scan(&s); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return s
}

func TestBriefOpensAndStatesTheMartFigures(t *testing.T) {
	needSetup(t)
	ctx := context.Background()
	out := t.TempDir()
	res, err := brief.Write(ctx, testDB.DB, testCfg, quarter, brief.Options{OutDir: out, Date: time.Date(2026, 10, 9, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(out, "archive", quarter, "通报-"+quarter+".docx"); res.Path != want {
		t.Fatalf("path %s, want %s", res.Path, want)
	}
	wellFormed(t, res.Path)
	text := toPDF(t, res.Path)

	const all = ` FROM mart.volume WHERE unit_id = 'ALL' AND rollup AND period_type = 'quarter' AND period = '` + quarter + `'`
	// The test needs a base large enough for 同比 to be a percentage.
	if ok := query1(t, `SELECT (yoy_base >= ? AND pop_base >= ?)::VARCHAR`+all, testCfg.Appraisal.MinN, testCfg.Appraisal.MinN); ok != "true" {
		t.Fatal("fixture: the 同比/环比 bases are below min_n; the brief would give counts, not percentages")
	}
	total := query1(t, `SELECT format('{:,}', petitions) || '件次、' || format('{:,}', persons) || '人次'`+all)
	yoy := query1(t, `SELECT '同比' || CASE WHEN yoy_pct < 0 THEN '下降' ELSE '上升' END || printf('%.1f', abs(yoy_pct)) || '%'`+all)
	pop := query1(t, `SELECT '环比' || CASE WHEN pop_pct < 0 THEN '下降' ELSE '上升' END || printf('%.1f', abs(pop_pct)) || '%'`+all)
	verdict := query1(t, `SELECT CASE label WHEN 'declining' THEN '呈持续下降趋势' WHEN 'rising' THEN '呈上升趋势' WHEN 'flat' THEN '无明显趋势' ELSE '数据不足' END
		FROM mart.trend WHERE unit_id = 'ALL' AND rollup`)
	for _, want := range []string{"2026年第三季度", "共登记信访" + total, yoy, pop, "全系统信访量" + verdict, "季节性肯德尔检验", "某省司法厅信访工作办公室", "信访通〔2026〕3号", "2026年10月9日"} {
		if !strings.Contains(text, want) {
			t.Errorf("the converted brief lacks %q", want)
		}
	}
	rows, err := testDB.QueryContext(ctx, `SELECT DISTINCT u.name FROM mart.veto v JOIN mart.units_known u ON u.unit_id = v.subject_id
		WHERE v.scope = 'unit' AND v.triggered AND v.year = 2026 ORDER BY 1`)
	if err != nil {
		t.Fatal(err)
	}
	var vetoed []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		vetoed = append(vetoed, n)
	}
	rows.Close()
	if len(vetoed) == 0 {
		t.Fatal("fixture: no vetoed unit in 2026; the test would prove nothing")
	}
	for _, n := range vetoed {
		if !strings.Contains(text, strings.Join(strings.Fields(n), "")) {
			t.Errorf("the converted brief lacks the vetoed unit %q", n)
		}
	}
	t.Logf("checked %q, %q, %q, %q and %d vetoed units", total, yoy, pop, verdict, len(vetoed))

	// Never overwritten unless Force.
	before, _ := os.ReadFile(res.Path)
	if _, err := brief.Write(ctx, testDB.DB, testCfg, quarter, brief.Options{OutDir: out}); !errors.Is(err, brief.ErrExists) {
		t.Fatalf("second write: %v, want ErrExists", err)
	}
	if after, _ := os.ReadFile(res.Path); string(after) != string(before) {
		t.Fatal("the existing brief changed without Force")
	}
	if _, err := brief.Write(ctx, testDB.DB, testCfg, quarter, brief.Options{OutDir: out, Force: true, Date: time.Date(2026, 10, 10, 0, 0, 0, 0, time.UTC)}); err != nil {
		t.Fatalf("forced write: %v", err)
	}
	if after, _ := os.ReadFile(res.Path); string(after) == string(before) {
		t.Fatal("Force did not replace the brief")
	}
	if left, _ := filepath.Glob(filepath.Join(out, "archive", quarter, ".brief-*")); len(left) > 0 {
		t.Fatalf("temporary files left: %v", left)
	}
}

func TestBriefRefusesMartsOfAnotherDate(t *testing.T) {
	needSetup(t)
	_, err := brief.Write(context.Background(), testDB.DB, testCfg, "2026-Q2", brief.Options{OutDir: t.TempDir()})
	if err == nil || !strings.Contains(err.Error(), "needs them as of 2026-06-30") {
		t.Fatalf("got %v, want a refusal naming 2026-06-30", err)
	}
}

func TestBriefInEnglish(t *testing.T) {
	needSetup(t)
	cfg := *testCfg
	cfg.Language = "en"
	res, err := brief.Write(context.Background(), testDB.DB, &cfg, quarter, brief.Options{OutDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	text := toPDF(t, res.Path)
	total := query1(t, `SELECT format('{:,}', petitions) FROM mart.volume WHERE unit_id = 'ALL' AND rollup AND period_type = 'quarter' AND period = ?`, quarter)
	for _, want := range []string{"Overview", "registered" + total + "petitions", "Verdict:", "Q32026"} {
		if !strings.Contains(text, want) {
			t.Errorf("the English brief lacks %q", want)
		}
	}
}

// TestHostileUnitNames plants XML metacharacters, control characters and a
// 1,000-character name on vetoed units (so they appear in the veto list and the
// ranking); the brief must still be well-formed and convert. Runs last: it renames units.
func TestHostileUnitNames(t *testing.T) {
	needSetup(t)
	ctx := context.Background()
	long := strings.Repeat("长名单位", 250) // 1,000 characters
	names := []string{`</w:t></w:r><w:r><w:t>&amp;<>"'单位`, "控制\x01字符\x0b单位\x00尾", "]]><!--" + `&lt;x&#1;` + "\x1f", long}
	for i, n := range names {
		if _, err := testDB.ExecContext(ctx, `UPDATE units SET name = ? WHERE unit_id = (
			SELECT subject_id FROM mart.veto WHERE scope = 'unit' AND triggered AND year = 2026 ORDER BY subject_id LIMIT 1 OFFSET ?)`, n, i); err != nil {
			t.Fatalf("plant %q: %v", n, err)
		}
	}
	if _, err := queries.Build(ctx, testDB.DB, testCfg, quarterEnd); err != nil {
		t.Fatal(err)
	}
	res, err := brief.Write(ctx, testDB.DB, testCfg, quarter, brief.Options{OutDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	wellFormed(t, res.Path)
	text := toPDF(t, res.Path)
	// A long name wraps inside its table cell and pdftotext interleaves the columns'
	// lines, so only its start is looked for in the PDF; the document itself holds
	// it cut to 120 characters with an ellipsis.
	for _, want := range []string{`</w:t></w:r><w:r><w:t>&amp;<>"'单位`, "控制字符单位尾", "]]><!--&lt;x&#1;", "长名单位长名单位"} {
		if !strings.Contains(text, want) {
			t.Errorf("the converted brief lacks the planted name as text %q", want)
		}
	}
	if doc := documentXML(t, res.Path); !strings.Contains(doc, strings.Repeat("长名单位", 30)+"…<") {
		t.Error("the 1,000-character name is not cut to 120 characters with an ellipsis in document.xml")
	}
}

// The campaign overlapping the quarter and the alerts of its last week are stated with
// the marts' figures (SPEC §9–§10).
func TestBriefCampaignAndAlerts(t *testing.T) {
	needSetup(t)
	ctx := context.Background()
	out := t.TempDir()
	res, err := brief.Write(ctx, testDB.DB, testCfg, quarter, brief.Options{OutDir: out})
	if err != nil {
		t.Fatal(err)
	}
	doc := documentXML(t, res.Path)
	var plain strings.Builder
	in := false
	for _, c := range doc {
		switch {
		case c == '<':
			in = true
		case c == '>':
			in = false
		case !in:
			plain.WriteRune(c)
		}
	}
	text := plain.String()
	w := query1(t, `SELECT format('{:,}', petitions_w) FROM mart.campaign_groups WHERE campaign_id = 'drive' AND "group" = 'participating'`)
	for _, want := range []string{"专项活动", "联合接访专项活动（2026年6月1日至2026年8月31日）", "受理信访" + w + "件次", "矛盾纠纷预警"} {
		if !strings.Contains(text, want) {
			t.Errorf("brief lacks %q", want)
		}
	}
	n := query1(t, `SELECT count(*)::VARCHAR FROM mart.alerts`)
	if n != "0" && !strings.Contains(text, "共发出预警"+n+"条") {
		t.Errorf("brief does not state the %s alerts of the week", n)
	}
}
