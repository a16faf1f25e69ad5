package config

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestDefaultsAreValid(t *testing.T) {
	c, err := Load("")
	if err != nil {
		t.Fatal(err)
	}
	if c.Database != "./var/xinfang.duckdb" || c.ReportsDir != "./var/reports" || c.TimeZone != "Asia/Shanghai" {
		t.Fatalf("defaults: %+v", c)
	}
	if c.Sources[0].Kind != "synthetic" {
		t.Fatalf("default source %+v", c.Sources[0])
	}
}

func TestUnknownKeyNamesFileLineKey(t *testing.T) {
	_, err := Parse("x.yaml", []byte("time_zone: Asia/Shanghai\nmetrics:\n  accept_days: 15\n  acept_days: 3\n"))
	if err == nil {
		t.Fatal("want error")
	}
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("not a config.Error: %T %v", err, err)
	}
	if e.File != "x.yaml" || e.Line != 4 || e.Key != "acept_days" {
		t.Fatalf("got %+v", e)
	}
}

func TestBadValueNamesFileLineKey(t *testing.T) {
	_, err := Parse("y.yaml", []byte("language: zh\nmetrics:\n  day_basis: weekly\n"))
	var es Errors
	if !errors.As(err, &es) || len(es) != 1 {
		t.Fatalf("got %v", err)
	}
	if es[0].Line != 3 || es[0].Key != "metrics.day_basis" || !strings.Contains(es[0].Error(), "y.yaml:3") {
		t.Fatalf("got %+v", es[0])
	}
}

func TestSourceMappingShorthandAndLists(t *testing.T) {
	src := `
sources:
  - name: b311
    kind: csv
    path: data/*.csv
    mapping:
      fields:
        petition_id: SRRecordID
        received_at: {column: CreatedDate, layouts: ["01/02/2006 03:04:05 PM"]}
        unit_id: {const: U1}
jobs:
  backoff: 5s
`
	c, err := Parse("s.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Sources) != 1 || c.Sources[0].Mapping.Fields["petition_id"].Column != "SRRecordID" {
		t.Fatalf("sources %+v", c.Sources)
	}
	if c.Sources[0].Mapping.Fields["unit_id"].Const != "U1" {
		t.Fatal("const")
	}
	if c.Jobs.Backoff != 5*time.Second {
		t.Fatalf("backoff %v", c.Jobs.Backoff)
	}
	if len(c.Veto.Rules) != 3 {
		t.Fatal("veto defaults lost")
	}
}

func TestEnvOverride(t *testing.T) {
	t.Setenv("XINFANG_DATABASE", "/tmp/other.duckdb")
	c, err := Load("")
	if err != nil {
		t.Fatal(err)
	}
	if c.Database != "/tmp/other.duckdb" {
		t.Fatal(c.Database)
	}
	if got := EnvOverridesInEffect(); len(got) != 1 || got[0] != "XINFANG_DATABASE -> database" {
		t.Fatalf("overrides in effect = %v", got)
	}
}

func TestDuckDBSettingsValidated(t *testing.T) {
	c, err := Parse("d.yaml", []byte("duckdb:\n  memory_limit: 8GB\n  threads: 2\n"))
	if err != nil || c.DuckDB.MemoryLimit != "8GB" || c.DuckDB.Threads != 2 {
		t.Fatalf("got %+v, %v", c.DuckDB, err)
	}
	_, err = Parse("d.yaml", []byte("duckdb:\n  memory_limit: lots\n"))
	var es Errors
	if !errors.As(err, &es) || es[0].Key != "duckdb.memory_limit" || es[0].Line != 2 {
		t.Fatalf("got %v", err)
	}
}

func TestBriefKeys(t *testing.T) {
	c, err := Parse("b.yaml", []byte("brief:\n  issuer: 省司法厅信访工作办公室\n  title: 关于{quarter_zh}信访工作情况的通报\n  doc_number: 信访通〔{year}〕{q}号\n"))
	if err != nil {
		t.Fatal(err)
	}
	if c.Brief.Issuer != "省司法厅信访工作办公室" || c.Brief.DocNumber != "信访通〔{year}〕{q}号" {
		t.Fatalf("got %+v", c.Brief)
	}
	_, err = Parse("b.yaml", []byte("language: zh\nbrief:\n  doc_number: 信访通〔{yaer}〕号\n"))
	var es Errors
	if !errors.As(err, &es) || len(es) != 1 || es[0].Key != "brief.doc_number" || es[0].Line != 3 || !strings.Contains(es[0].Error(), "{yaer}") {
		t.Fatalf("got %v", err)
	}
	_, err = Parse("b.yaml", []byte("brief:\n  issuer: \"a\\tb\"\n"))
	if !errors.As(err, &es) || len(es) != 1 || es[0].Key != "brief.issuer" {
		t.Fatalf("got %v", err)
	}
}

// appraisal.commend_min_grade defaults to 良好, may be "" (no floor), and must name a grade.
func TestCommendMinGrade(t *testing.T) {
	c, err := Parse("c.yaml", []byte("appraisal:\n  min_n: 5\n"))
	if err != nil {
		t.Fatal(err)
	}
	if c.Appraisal.CommendMinGrade != "良好" {
		t.Errorf("default commend_min_grade %q, want 良好", c.Appraisal.CommendMinGrade)
	}
	if _, err := Parse("c.yaml", []byte("appraisal:\n  commend_min_grade: \"\"\n")); err != nil {
		t.Errorf("empty floor: %v", err)
	}
	_, err = Parse("c.yaml", []byte("appraisal:\n  commend_min_grade: 特优\n"))
	var es Errors
	if !errors.As(err, &es) || len(es) != 1 || es[0].Key != "appraisal.commend_min_grade" || es[0].Line != 2 {
		t.Fatalf("unknown grade: got %v", err)
	}
}
