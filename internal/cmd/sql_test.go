package cmd

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Expressions read personal columns (a where rule over the ID-card column, the
// petitioner id computed from it): the raw values still reach neither the database
// file nor the logs, because expressions run in a private in-memory DuckDB.
func TestExpressionsNeverStoreRawPersonalData(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("XINFANG_PSEUDONYM_KEY", "")
	os.Unsetenv("XINFANG_PSEUDONYM_KEY")
	csv := "编号,来信时间,单位,身份证号,姓名,电话,承办人,类别,满意度\n" +
		"P1,2024-01-05 09:00:00,U1,110101199003077777,张三丰,13912345678,王五,监狱管理,满意\n" +
		"P2,2024-02-05 09:00:00,U1,110101199003077777,张三丰,021-66668888,王五,监狱管理,不满意\n" +
		"P3,2024-03-05 09:00:00,U1,,李四光,13800001111,赵六,公证,\n" + // no ID card: the phone is the id
		"P4,,U1,44030119851212999X,李四光,13700002222,赵六,公证,\n" + // rejected: no received_at
		"P5,2024-03-09 09:00:00,U1,320102198001015555,赵六,,王五,公证,很满意\n" +
		"P6,2024-03-10 09:00:00,U1,13700002222,李四光,13700002222,赵六,测试,\n" // filtered out by the where rule
	if err := os.WriteFile(filepath.Join(dir, "in.csv"), []byte(csv), 0o644); err != nil {
		t.Fatal(err)
	}
	mapping := `
      where: "类别 <> '测试' AND 身份证号 NOT LIKE '1370000%'"
      fields:
        petition_id: 编号
        received_at: 来信时间
        unit_id: 单位
        petitioner_id: {expr: "coalesce(nullif(身份证号, ''), 电话)"}
        handler_id: {expr: "承办人 || ''"}
        category: 类别
        satisfaction: 满意度
      personal: [handler_id]
`
	checkNoPlantedIdentifiers(t, dir, mapping, 3)
	// The data-quality page shows the plausibility checks and field coverage.
	page, err := os.ReadFile(filepath.Join(dir, "reports", "quality.html"))
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{"合理性检查（按数据源）", "办结早于登记", "字段空白率（按数据源）", "satisfaction"} {
		if !strings.Contains(string(page), w) {
			t.Errorf("quality.html lacks %q", w)
		}
	}
}

// xinfang sql reads the database (read-only) as a table or CSV.
func TestSQLCommand(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("XINFANG_PSEUDONYM_KEY", "sql-test-pseudonym-key-0123456789abcdef")
	csv := "petition_id,received_at,unit_id\nA,2024-01-05,U1\nB,2024-01-06,U2\n"
	if err := os.WriteFile(filepath.Join(dir, "in.csv"), []byte(csv), 0o644); err != nil {
		t.Fatal(err)
	}
	cfgPath := filepath.Join(dir, "cfg.yaml")
	cfg := "database: " + filepath.Join(dir, "x.duckdb") + "\nreports_dir: " + filepath.Join(dir, "r") +
		"\nsources:\n  - {name: s, kind: csv, path: " + filepath.Join(dir, "in.csv") + "}\n"
	if err := os.WriteFile(cfgPath, []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	run := func(args ...string) error {
		out.Reset()
		root := newRootCommand()
		root.SetOut(&out)
		root.SetArgs(append(args, "--config", cfgPath))
		return root.ExecuteContext(context.Background())
	}
	if err := run("ingest"); err != nil {
		t.Fatal(err)
	}
	if err := run("sql", "SELECT petition_id, unit_id, received_date FROM petitions ORDER BY 1"); err != nil {
		t.Fatal(err)
	}
	want := "petition_id  unit_id  received_date\n-----------  -------  -------------\nA            U1       2024-01-05\nB            U2       2024-01-06\n(2 rows)\n"
	if out.String() != want {
		t.Fatalf("table:\n%s\nwant:\n%s", out.String(), want)
	}
	if err := run("sql", "--format", "csv", "SELECT petition_id, unit_id FROM petitions ORDER BY 1"); err != nil {
		t.Fatal(err)
	}
	if out.String() != "petition_id,unit_id\nA,U1\nB,U2\n" {
		t.Fatalf("csv:\n%s", out.String())
	}
	if err := run("sql", "DELETE FROM petitions"); err == nil || !strings.Contains(err.Error(), "read-only") {
		t.Fatalf("delete: %v", err)
	}
}
