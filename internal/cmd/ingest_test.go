package cmd

import (
	"bytes"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"

	_ "github.com/duckdb/duckdb-go/v2"
)

// Planted personal identifiers: ID-card numbers, phone numbers and names, in mapped
// personal fields (petitioner_id, handler_id marked personal), in unmapped columns,
// and in a record that is rejected. None may reach the database file (any table,
// any byte), an export, or the logs (captured at debug level).
var planted = []string{
	"110101199003077777", "44030119851212999X", "320102198001015555", // ID cards
	"13912345678", "13800001111", "13700002222", "021-66668888", // phones
	"张三丰", "李四光", "王五", "赵六", // names
}

func TestIngestNeverStoresRawPersonalData(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("XINFANG_PSEUDONYM_KEY", "")
	os.Unsetenv("XINFANG_PSEUDONYM_KEY") // the key file is used (and created 0600)
	csv := "编号,来信时间,单位,身份证号,姓名,电话,承办人,类别,满意度\n" +
		"P1,2024-01-05 09:00:00,U1,110101199003077777,张三丰,13912345678,王五,监狱管理,满意\n" +
		"P2,2024-02-05 09:00:00,U1,110101199003077777,张三丰,021-66668888,王五,监狱管理,不满意\n" +
		"P3,2024-03-05 09:00:00,U1,13800001111,李四光,13800001111,赵六,公证,\n" + // a phone used as the petitioner id
		"P4,,U1,44030119851212999X,李四光,13700002222,赵六,公证,\n" + // rejected: no received_at
		"P5,2024-03-09 09:00:00,U1,320102198001015555,赵六,,王五,公证,很满意\n" // a warning (satisfaction)
	if err := os.WriteFile(filepath.Join(dir, "in.csv"), []byte(csv), 0o644); err != nil {
		t.Fatal(err)
	}
	mapping := `
      fields:
        petition_id: 编号
        received_at: 来信时间
        unit_id: 单位
        petitioner_id: 身份证号
        handler_id: 承办人
        category: 类别
        satisfaction: 满意度
      personal: [handler_id]
`
	checkNoPlantedIdentifiers(t, dir, mapping, 3)
}

// A canonical-header file (no mapping.fields) must honour mapping.personal just the
// same: it once replaced the whole mapping by the header's identity mapping and stored
// leader_owner and handler_id raw in petitions, the timeliness and unit pages and the
// open_overdue export. The open, overdue, leader-owned records put the personal values
// on exactly those pages.
func TestCanonicalHeaderHonoursPersonal(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("XINFANG_PSEUDONYM_KEY", "")
	os.Unsetenv("XINFANG_PSEUDONYM_KEY")
	csv := "petition_id,received_at,unit_id,petitioner_id,category,satisfaction,leader_owner,handler_id,closed_at,listed_supervision\n" +
		"P1,2024-01-05 09:00:00,U1,110101199003077777,监狱管理,满意,王五 320102198001015555,13912345678,,true\n" +
		"P2,2024-02-05 09:00:00,U1,110101199003077777,监狱管理,不满意,王五 320102198001015555,13912345678,2024-02-20,false\n" +
		"P3,2024-03-05 09:00:00,U1,13800001111,公证,,赵六,李四光,,true\n" +
		"P4,,U1,44030119851212999X,公证,,赵六,13700002222,,\n" + // rejected: no received_at
		"P5,2024-03-09 09:00:00,U1,021-66668888,公证,很满意,张三丰,赵六,,\n"
	if err := os.WriteFile(filepath.Join(dir, "in.csv"), []byte(csv), 0o644); err != nil {
		t.Fatal(err)
	}
	mapping := `
      personal: [leader_owner, handler_id]
`
	checkNoPlantedIdentifiers(t, dir, mapping, 3)
}

// checkNoPlantedIdentifiers ingests dir/in.csv with the given mapping, computes,
// renders and exports everything, and fails if any planted identifier appears in the
// database (tables and file bytes), the exports, the report site, the logs or the
// command output. wantPetitioners is the number of distinct pseudonymous petitioners.
func checkNoPlantedIdentifiers(t *testing.T, dir, mapping string, wantPetitioners int) {
	t.Helper()
	cfgYAML := `time_zone: Asia/Shanghai
as_of: 2024-06-30
database: ` + filepath.Join(dir, "db", "x.duckdb") + `
reports_dir: ` + filepath.Join(dir, "reports") + `
pseudonym: {key_file: ` + filepath.Join(dir, "secret", "key") + `}
log: {level: debug, format: json}
units: {file: ` + filepath.Join(dir, "units.csv") + `}
sources:
  - name: s
    kind: csv
    path: ` + filepath.Join(dir, "in.csv") + `
    mapping:` + mapping
	if err := os.WriteFile(filepath.Join(dir, "units.csv"), []byte("unit_id,name,parent_id,level,sector\nU1,某市司法局,,city,bureau\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cfgPath := filepath.Join(dir, "cfg.yaml")
	if err := os.WriteFile(cfgPath, []byte(cfgYAML), 0o644); err != nil {
		t.Fatal(err)
	}
	// Capture everything the commands log (setupLogger writes to os.Stderr).
	logFile, err := os.Create(filepath.Join(dir, "stderr.log"))
	if err != nil {
		t.Fatal(err)
	}
	oldStderr := os.Stderr
	os.Stderr = logFile
	defer func() { os.Stderr = oldStderr }()
	var out bytes.Buffer
	run := func(args ...string) {
		t.Helper()
		out.Reset()
		root := newRootCommand()
		root.SetOut(&out)
		root.SetArgs(append(args, "--config", cfgPath))
		if err := root.Execute(); err != nil {
			t.Fatalf("xinfang %s: %v\n%s", strings.Join(args, " "), err, out.String())
		}
	}
	run("ingest")
	if !strings.Contains(out.String(), "total") {
		t.Fatalf("ingest output: %s", out.String())
	}
	ingestOut := out.String()
	run("compute")
	computeOut := out.String()
	run("report")
	reportOut := out.String()

	st, err := os.Stat(filepath.Join(dir, "secret", "key"))
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("key file: %v, mode %v; want created with 0600", err, st.Mode().Perm())
	}

	// Every table, every column, as text.
	db, err := sql.Open("duckdb", filepath.Join(dir, "db", "x.duckdb")+"?access_mode=READ_ONLY")
	if err != nil {
		t.Fatal(err)
	}
	tables := [][2]string{}
	// mart objects are views onto the swapped-in build schema (queries.Build)
	rs, err := db.Query(`SELECT schema_name, table_name FROM duckdb_tables()
		UNION ALL SELECT schema_name, view_name FROM duckdb_views() WHERE NOT internal ORDER BY 1, 2`)
	if err != nil {
		t.Fatal(err)
	}
	for rs.Next() {
		var s, n string
		rs.Scan(&s, &n)
		tables = append(tables, [2]string{s, n})
	}
	rs.Close()
	var dump strings.Builder
	var martTables []string
	for _, tn := range tables {
		if tn[0] == "mart" {
			martTables = append(martTables, tn[1])
		}
		rows, err := db.Query(`SELECT CAST(COLUMNS(*) AS VARCHAR) FROM "` + tn[0] + `"."` + tn[1] + `"`)
		if err != nil {
			t.Fatalf("read %s.%s: %v", tn[0], tn[1], err)
		}
		cols, _ := rows.Columns()
		for rows.Next() {
			v := make([]sql.NullString, len(cols))
			p := make([]any, len(cols))
			for i := range v {
				p[i] = &v[i]
			}
			rows.Scan(p...)
			for _, x := range v {
				dump.WriteString(x.String)
				dump.WriteByte('\x1f')
			}
			dump.WriteByte('\n')
		}
		rows.Close()
	}
	var petitioners int
	db.QueryRow(`SELECT count(DISTINCT petitioner_id) FROM petitions WHERE length(petitioner_id) = 64`).Scan(&petitioners)
	db.Close()
	if petitioners != wantPetitioners {
		t.Fatalf("%d pseudonymous petitioners stored, want %d", petitioners, wantPetitioners)
	}
	if len(martTables) == 0 {
		t.Fatal("compute made no mart tables; the export check would prove nothing")
	}

	// Exports of every mart table.
	var exports strings.Builder
	for _, mt := range martTables {
		if strings.HasPrefix(mt, "cfg_") {
			continue
		}
		run("export", mt, "--format", "csv")
		exports.WriteString(out.String())
	}

	logFile.Close()
	os.Stderr = oldStderr
	logs, _ := os.ReadFile(filepath.Join(dir, "stderr.log"))
	if !bytes.Contains(logs, []byte("batch ingested")) {
		t.Fatalf("logs were not captured: %s", logs)
	}

	var fileBytes []byte
	for _, suffix := range []string{"", ".wal"} {
		b, err := os.ReadFile(filepath.Join(dir, "db", "x.duckdb") + suffix)
		if err == nil {
			fileBytes = append(fileBytes, b...)
		}
	}
	var site []byte
	pages := 0
	filepath.WalkDir(filepath.Join(dir, "reports"), func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && !strings.HasSuffix(p, ".js") {
			b, _ := os.ReadFile(p)
			site = append(site, b...)
			if strings.HasSuffix(p, ".html") {
				pages++
			}
		}
		return nil
	})
	if pages < 5 {
		t.Fatalf("report wrote %d pages; the site check would prove nothing", pages)
	}
	places := map[string][]byte{
		"report site":         site,
		"database tables":     []byte(dump.String()),
		"database file bytes": fileBytes,
		"exports":             []byte(exports.String()),
		"logs":                logs,
		"command output":      []byte(ingestOut + computeOut + reportOut),
	}
	for where, data := range places {
		for _, p := range planted {
			if bytes.Contains(data, []byte(p)) {
				t.Errorf("%s contain the raw personal identifier %q", where, p)
			}
		}
	}
	// Controls: the checks can see what is stored.
	if !bytes.Contains(site, []byte("某市司法局")) {
		t.Fatal("control value not found in the report site: the site check is blind")
	}
	if !strings.Contains(dump.String(), "监狱管理") || !strings.Contains(dump.String(), "很满意") {
		t.Fatal("control values not found in the table dump: the check is blind")
	}
	if !bytes.Contains(fileBytes, []byte("监狱管理")) {
		t.Fatal("control value not found in the database file bytes: the byte check is blind")
	}
}
