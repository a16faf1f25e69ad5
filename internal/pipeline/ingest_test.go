package pipeline

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/xinfang/xinfang/internal/config"
)

func canonicalCSV(name, path string) config.Source {
	return config.Source{Name: name, Kind: "csv", Path: path}
}

// SPEC §3: rejects only for missing/unparseable required fields; bad optional values
// are stored blank with a warning; extension_days above 30 is capped.
func TestWarningsVersusRejects(t *testing.T) {
	e := newEnv(t)
	csv := "petition_id,received_at,unit_id,petitioner_id,channel,headcount,extension_days,satisfaction,closed_at,accepted_at,listed_supervision\n" +
		"P1,2024-01-05 09:00:00,U1,ID1,来信,2,10,满意,2024-02-01 10:00:00,2024-01-06,是\n" + // clean
		"P2,,U1,ID2,来信,1,0,,,,\n" + // reject: received_at missing
		"P3,not a date,U1,ID3,,,,,,,\n" + // reject: received_at unparseable
		",2024-01-05,U1,,,,,,,,\n" + // reject: petition_id missing
		"P5,2024-01-05,,,,,,,,,\n" + // reject: unit_id missing
		"P6,2024-01-05,U1,,letterx,0,45,不满意,garbage,2024-13-01,maybe\n" + // 6 warnings, stored
		"P7,2024-01-05,U1,, 来访 ,2.5,-1, 满意 ,,,否\n" // 2 warnings (headcount, extension), trimmed enums
	p := e.write("w.csv", []byte(csv))
	res := e.mustIngest(canonicalCSV("s", p))
	b := res.Batches[0]
	if b.RowsRead != 7 || b.Rejected != 4 || b.Inserted != 3 || b.Warnings != 8 {
		t.Fatalf("batch = %+v; want read 7, rejected 4, inserted 3, warnings 8", b)
	}
	expect(t, "P1", e.row("s", "P1"), map[string]string{
		"received_at": "2024-01-05 09:00:00", "received_date": "2024-01-05", "channel": "letter", "headcount": "2",
		"extension_days": "10", "satisfaction": "satisfied", "closed_at": "2024-02-01 10:00:00", "closed_date": "2024-02-01",
		"accepted_at": "2024-01-06", "listed_supervision": "true", "petitioner_id": pseudo("ID1"),
		"matter_id": "NULL", "justified": "NULL", // not mapped
	})
	expect(t, "P6", e.row("s", "P6"), map[string]string{
		"channel": "NULL", "headcount": "NULL", "extension_days": "30", "satisfaction": "unsatisfied",
		"closed_at": "NULL", "closed_date": "NULL", "accepted_at": "NULL", "listed_supervision": "NULL", "petitioner_id": "NULL",
		"received_at": "2024-01-05 00:00:00",
	})
	expect(t, "P7", e.row("s", "P7"), map[string]string{
		"channel": "visit", "headcount": "NULL", "extension_days": "NULL", "satisfaction": "satisfied", "listed_supervision": "false",
	})
	rej := e.rows(`SELECT row_number, coalesce(petition_id, '') AS pid, field, severity, coalesce(value, '') AS value, file
		FROM rejected ORDER BY row_number, field`)
	got := []string{}
	for _, r := range rej {
		got = append(got, fmt.Sprintf("%s %s %s %s %s", r["row_number"], r["pid"], r["field"], r["severity"], r["value"]))
		if !strings.HasSuffix(r["file"], "w.csv") {
			t.Errorf("rejected row without file: %v", r)
		}
	}
	want := []string{
		"3 P2 received_at reject ",
		"4 P3 received_at reject not a date",
		"5  petition_id reject ",
		"6 P5 unit_id reject ",
		"7 P6 accepted_at warning 2024-13-01",
		"7 P6 channel warning letterx",
		"7 P6 closed_at warning garbage",
		"7 P6 extension_days warning 45",
		"7 P6 headcount warning 0",
		"7 P6 listed_supervision warning maybe",
		"8 P7 extension_days warning -1",
		"8 P7 headcount warning 2.5",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("rejected table:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// mapped_fields = the header's canonical columns.
	mf := e.rows(`SELECT array_to_string(list_sort(mapped_fields), ',') AS f FROM sources WHERE source = 's'`)
	if mf[0]["f"] != "accepted_at,channel,closed_at,extension_days,headcount,listed_supervision,petition_id,petitioner_id,received_at,satisfaction,unit_id" {
		t.Fatalf("mapped_fields = %s", mf[0]["f"])
	}
}

// Enum aliases match exactly: 不满意 is not 满意; config aliases add to the built-in ones.
func TestEnumAliasesExact(t *testing.T) {
	e := newEnv(t)
	p := e.write("a.csv", []byte("id,t,u,sat,ch\nA,2024-01-01,U,不满意,Phone\nB,2024-01-01,U,满意,Internet\nC,2024-01-01,U,基本满意,phone\n"))
	src := config.Source{Name: "s", Kind: "csv", Path: p, Mapping: config.Mapping{
		Fields: map[string]config.FieldMap{"petition_id": {Column: "id"}, "received_at": {Column: "t"}, "unit_id": {Column: "u"},
			"satisfaction": {Column: "sat"}, "channel": {Column: "ch", Values: map[string]string{"Phone": "phone", "Internet": "online"}}},
	}}
	e.mustIngest(src)
	expect(t, "A", e.row("s", "A"), map[string]string{"satisfaction": "unsatisfied", "channel": "phone"})
	expect(t, "B", e.row("s", "B"), map[string]string{"satisfaction": "satisfied", "channel": "online"})
	// "phone" is the canonical value itself, so it matches; letter case matters otherwise.
	expect(t, "C", e.row("s", "C"), map[string]string{"satisfaction": "basically", "channel": "phone"})
}

// Naive datetimes are local in the source's zone; offsets are converted; date-only
// received_at is 00:00 local; a datetime in a DATE field takes the local date.
func TestTimeZones(t *testing.T) {
	e := newEnv(t) // global zone Asia/Shanghai (UTC+8, no DST)
	csv := "petition_id,received_at,unit_id,accepted_at,feedback_at,closed_at\n" +
		"T1,2024-01-05 09:00:00,U,2024-01-05 20:00:00,2024-01-05,2024-01-06T01:30:00Z\n" +
		"T2,2024-01-05,U,,,2024-07-01 12:00:00+02:00\n"
	p := e.write("tz.csv", []byte(csv))
	src := canonicalCSV("ny", p)
	src.TimeZone = "America/New_York" // UTC-5 in January, UTC-4 in July
	e.mustIngest(src)
	// 09:00 New York = 14:00 UTC = 22:00 Shanghai. accepted 20:00 NY = 09:00 next day Shanghai.
	// feedback_at date-only stays the calendar date. closed 01:30Z = 09:30 Shanghai.
	expect(t, "T1", e.row("ny", "T1"), map[string]string{"received_at": "2024-01-05 22:00:00", "received_date": "2024-01-05",
		"accepted_at": "2024-01-06", "feedback_at": "2024-01-05", "closed_at": "2024-01-06 09:30:00", "closed_date": "2024-01-06"})
	// date-only received: 00:00 NY = 05:00 UTC = 13:00 Shanghai. 12:00+02:00 = 10:00 UTC = 18:00 Shanghai.
	expect(t, "T2", e.row("ny", "T2"), map[string]string{"received_at": "2024-01-05 13:00:00", "closed_at": "2024-07-01 18:00:00"})
}

// Duplicate petition_ids within a source: the later updated_at wins, else the later row.
func TestDuplicatesWithinSource(t *testing.T) {
	e := newEnv(t)
	csv := "petition_id,received_at,unit_id,category,updated_at\n" +
		"D1,2024-01-01,U,a,2024-01-03 00:00:00\n" +
		"D1,2024-01-01,U,b,2024-01-02 00:00:00\n" + // earlier updated_at: loses although later
		"D2,2024-01-01,U,a,\n" +
		"D2,2024-01-01,U,b,\n" // no updated_at: the later row wins
	p := e.write("d.csv", []byte(csv))
	res := e.mustIngest(canonicalCSV("s", p))
	if b := res.Batches[0]; b.Inserted != 2 || b.RowsRead != 4 || b.Warnings != 2 {
		t.Fatalf("batch %+v; want 4 read, 2 inserted, 2 duplicate warnings", b)
	}
	expect(t, "D1", e.row("s", "D1"), map[string]string{"category": "a"})
	expect(t, "D2", e.row("s", "D2"), map[string]string{"category": "b"})
	if n := e.count(`SELECT count(*) FROM rejected WHERE severity = 'warning' AND field = 'petition_id' AND reason LIKE 'duplicate%'`); n != 2 {
		t.Fatalf("duplicate warnings = %d", n)
	}
}

// Re-ingesting identical input changes nothing (the file is skipped by hash);
// a changed file updates exactly the changed records; an older updated_at is stale.
func TestReingestUnchangedAndChanged(t *testing.T) {
	e := newEnv(t)
	v1 := "petition_id,received_at,unit_id,category,updated_at\n" +
		"R1,2024-01-01,U,a,2024-01-03 00:00:00\n" +
		"R2,2024-01-01,U,a,\n" +
		"R3,2024-01-01,U,a,2024-01-03 00:00:00\n"
	p := e.write("r.csv", []byte(v1))
	src := canonicalCSV("s", p)
	if b := e.mustIngest(src).Batches[0]; b.Inserted != 3 {
		t.Fatalf("first: %+v", b)
	}
	before := e.rows(`SELECT * FROM petitions ORDER BY petition_id`)
	b := e.mustIngest(src).Batches[0]
	if !b.Skipped {
		t.Fatalf("unchanged file not skipped: %+v", b)
	}
	// Forced re-read of the same content: all unchanged, nothing rewritten.
	e.cfg.Sources = []config.Source{src}
	res, err := Ingest(context.Background(), e.db, e.cfg, IngestOptions{NoProgress: true, Force: true})
	if err != nil {
		t.Fatal(err)
	}
	if b := res.Batches[0]; b.Unchanged != 3 || b.Updated != 0 || b.Inserted != 0 {
		t.Fatalf("forced re-read: %+v", b)
	}
	after := e.rows(`SELECT * FROM petitions ORDER BY petition_id`)
	if fmt.Sprint(before) != fmt.Sprint(after) {
		t.Fatalf("re-reading identical input changed rows:\n%v\n%v", before, after)
	}
	v2 := "petition_id,received_at,unit_id,category,updated_at\n" +
		"R1,2024-01-01,U,b,2024-01-02 00:00:00\n" + // older than stored: stale, kept as a
		"R2,2024-01-01,U,b,\n" + // no updated_at: seen again, replaces
		"R3,2024-01-01,U,a,2024-01-03 00:00:00\n" + // identical
		"R4,2024-01-01,U,a,\n" // new
	e.write("r.csv", []byte(v2))
	b = e.mustIngest(src).Batches[0]
	if b.Skipped || b.Inserted != 1 || b.Updated != 1 || b.Unchanged != 2 {
		t.Fatalf("changed file: %+v; want inserted 1, updated 1, unchanged 2", b)
	}
	expect(t, "R1", e.row("s", "R1"), map[string]string{"category": "a"})
	expect(t, "R2", e.row("s", "R2"), map[string]string{"category": "b", "batch_id": fmt.Sprint(b.BatchID)})
	if e.row("s", "R3")["batch_id"] == fmt.Sprint(b.BatchID) {
		t.Fatal("unchanged R3 was rewritten")
	}
	bs := e.rows(`SELECT status, rows_read, inserted, updated, unchanged FROM ingest_batches WHERE source = 's' ORDER BY batch_id`)
	var st []string
	for _, r := range bs {
		st = append(st, r["status"]+":"+r["rows_read"]+"/"+r["inserted"]+"/"+r["updated"]+"/"+r["unchanged"])
	}
	if strings.Join(st, " ") != "ok:3/3/0/0 skipped:0/0/0/0 ok:3/0/0/3 ok:4/1/1/2" {
		t.Fatalf("ingest_batches: %v", st)
	}
}

// A batch that fails after staging and upserting every row leaves the database as
// it was before the batch.
func TestFailedBatchRollsBack(t *testing.T) {
	e := newEnv(t)
	p := e.write("a.csv", []byte("petition_id,received_at,unit_id,category\nA1,2024-01-01,U,x\nA2,2024-01-01,U,x\n"))
	e.mustIngest(canonicalCSV("s", p))
	before := e.rows(`SELECT * FROM petitions ORDER BY petition_id`)
	nRej := e.count(`SELECT count(*) FROM rejected`)

	var rows strings.Builder
	rows.WriteString("petition_id,received_at,unit_id,category\nA1,2024-01-01,U,changed\n")
	for i := 0; i < 5000; i++ {
		fmt.Fprintf(&rows, "N%d,2024-01-02,U,new\n", i)
	}
	rows.WriteString(",2024-01-02,U,rejected-row\n")
	p2 := e.write("b.csv", []byte(rows.String()))
	boom := errors.New("injected failure before commit")
	failAfterStage = func(string) error { return boom }
	defer func() { failAfterStage = nil }()
	_, err := e.ingest(canonicalCSV("s", p2))
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v, want the injected failure", err)
	}
	after := e.rows(`SELECT * FROM petitions ORDER BY petition_id`)
	if fmt.Sprint(before) != fmt.Sprint(after) {
		t.Fatal("failed batch changed petitions")
	}
	if n := e.count(`SELECT count(*) FROM rejected`); n != nRej {
		t.Fatalf("failed batch left %d rejected rows", n-nRej)
	}
	if n := e.count(`SELECT count(*) FROM ingest_batches WHERE status = 'failed' AND error LIKE '%injected%'`); n != 1 {
		t.Fatalf("failed batch not recorded: %d", n)
	}
	// The failed file is not "already ingested": it is read again next time.
	failAfterStage = nil
	res := e.mustIngest(canonicalCSV("s", p2))
	if b := res.Batches[0]; b.Inserted != 5000 || b.Updated != 1 || b.Rejected != 1 {
		t.Fatalf("retry: %+v", b)
	}
}

// Cancelling the context mid-batch (as SIGTERM does) rolls the batch back.
func TestCancelledBatchRollsBack(t *testing.T) {
	e := newEnv(t)
	var rows strings.Builder
	rows.WriteString("petition_id,received_at,unit_id\n")
	for i := 0; i < 300000; i++ {
		fmt.Fprintf(&rows, "C%d,2024-01-02 10:00:00,U\n", i)
	}
	p := e.write("c.csv", []byte(rows.String()))
	ctx, cancel := context.WithCancel(context.Background())
	staged := 0
	afterStageRecord = func() {
		staged++
		if staged == 1 { // the first Arrow record is in the staging table: half-way
			cancel()
		}
	}
	defer func() { afterStageRecord = nil }()
	e.cfg.Sources = []config.Source{canonicalCSV("s", p)}
	_, err := Ingest(ctx, e.db, e.cfg, IngestOptions{NoProgress: true})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if staged < 1 {
		t.Fatal("cancelled before staging anything: the test proves nothing")
	}
	if n := e.count(`SELECT count(*) FROM petitions`); n != 0 {
		t.Fatalf("cancelled batch left %d petitions", n)
	}
	if n := e.count(`SELECT count(*) FROM ingest_batches WHERE status = 'ok'`); n != 0 {
		t.Fatalf("cancelled batch recorded as ok")
	}
}

// Delimited text: UTF-8 BOM, quoted fields with embedded newlines and delimiters,
// TSV, GB18030 detected without a declaration, GBK declared.
func TestDelimitedVariants(t *testing.T) {
	e := newEnv(t)
	bom := "\xEF\xBB\xBFpetition_id,received_at,unit_id,category\n" +
		"B1,2024-03-01 08:00:00,U,\"first line\nsecond, line\"\n" +
		"B2,2024-03-02,U,\"say \"\"hi\"\"\"\n"
	p := e.write("bom.csv", []byte(bom))
	res := e.mustIngest(canonicalCSV("bom", p))
	if res.Batches[0].Inserted != 2 {
		t.Fatalf("BOM file: %+v", res.Batches[0])
	}
	expect(t, "B1", e.row("bom", "B1"), map[string]string{"category": "first line\nsecond, line", "received_at": "2024-03-01 08:00:00"})
	expect(t, "B2", e.row("bom", "B2"), map[string]string{"category": `say "hi"`})

	// Row numbers count records (header = row 1) even across embedded newlines.
	p = e.write("nl.csv", []byte("petition_id,received_at,unit_id,category\nN1,2024-01-01,U,\"a\nb\nc\"\nN2,bad,U,x\n"))
	e.mustIngest(canonicalCSV("nl", p))
	if r := e.rows(`SELECT row_number FROM rejected WHERE source = 'nl'`); len(r) != 1 || r[0]["row_number"] != "3" {
		t.Fatalf("row number of the rejected record: %v", r)
	}

	tsv := "编号\t受理时间\t责任单位\t来源方式\t问题类别\n" +
		"G1\t2024/3/5 14:20:00\t司法局\t来信\t监狱管理\n" +
		"G2\t2024年3月6日\t司法局\t来访\t社区矫正\n"
	mapping := config.Mapping{Fields: map[string]config.FieldMap{
		"petition_id": {Column: "编号"}, "received_at": {Column: "受理时间"}, "unit_id": {Column: "责任单位"},
		"channel": {Column: "来源方式"}, "category": {Column: "问题类别"},
	}}
	p = e.write("u.tsv", []byte(tsv))
	e.mustIngest(config.Source{Name: "tsv", Kind: "tsv", Path: p, Mapping: mapping})
	expect(t, "G1", e.row("tsv", "G1"), map[string]string{"received_at": "2024-03-05 14:20:00", "unit_id": "司法局", "channel": "letter", "category": "监狱管理"})
	expect(t, "G2", e.row("tsv", "G2"), map[string]string{"received_at": "2024-03-06 00:00:00", "channel": "visit", "category": "社区矫正"})

	gb, err := simplifiedchinese.GB18030.NewEncoder().Bytes([]byte(strings.ReplaceAll(tsv, "\t", ",")))
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(gb, []byte("司法局")) {
		t.Fatal("fixture is not GB18030-encoded")
	}
	p = e.write("gb.csv", gb)
	e.mustIngest(config.Source{Name: "gb", Kind: "csv", Path: p, Mapping: mapping}) // encoding undeclared: detected
	expect(t, "G1", e.row("gb", "G1"), map[string]string{"unit_id": "司法局", "channel": "letter", "category": "监狱管理"})
	e.mustIngest(config.Source{Name: "gbk", Kind: "csv", Path: p, Encoding: "gbk", Mapping: mapping})
	expect(t, "G2", e.row("gbk", "G2"), map[string]string{"unit_id": "司法局", "channel": "visit", "category": "社区矫正"})
}

// JSON lines with a mapping; unmapped keys are never loaded.
func TestJSONL(t *testing.T) {
	e := newEnv(t)
	jl := `{"id": "J1", "when": "2024-01-05T09:00:00+08:00", "unit": "U1", "n": 3, "flag": true, "who": "110101199001011234", "note": "secret note"}
{"id": "J2", "when": "2024-01-06 10:00:00", "unit": "U1", "n": null, "flag": "否"}

{"id": "J3", "when": 
{"id": "J4", "unit": "U1"}
`
	p := e.write("x.jsonl", []byte(jl))
	res := e.mustIngest(config.Source{Name: "j", Kind: "jsonl", Path: p, Mapping: config.Mapping{Fields: map[string]config.FieldMap{
		"petition_id": {Column: "id"}, "received_at": {Column: "when"}, "unit_id": {Column: "unit"}, "headcount": {Column: "n"},
		"mass_incident": {Column: "flag"}, "petitioner_id": {Column: "who"},
	}}})
	if b := res.Batches[0]; b.RowsRead != 4 || b.Inserted != 2 || b.Rejected != 2 {
		t.Fatalf("jsonl batch %+v; want 4 read (blank line skipped), 2 inserted, 2 rejected", b)
	}
	expect(t, "J1", e.row("j", "J1"), map[string]string{"received_at": "2024-01-05 09:00:00", "headcount": "3", "mass_incident": "true",
		"petitioner_id": pseudo("110101199001011234")})
	expect(t, "J2", e.row("j", "J2"), map[string]string{"headcount": "NULL", "mass_incident": "false"})
	if r := e.rows(`SELECT row_number, reason FROM rejected WHERE source = 'j' ORDER BY row_number`); len(r) != 2 || r[0]["row_number"] != "4" || !strings.Contains(r[0]["reason"], "malformed JSON") || r[1]["row_number"] != "5" {
		t.Fatalf("jsonl rejects: %v", r)
	}
}

// Parquet with typed columns (written by DuckDB COPY): TIMESTAMP is naive local,
// TIMESTAMPTZ is converted, DATE, INTEGER and BOOLEAN map directly.
func TestParquet(t *testing.T) {
	e := newEnv(t)
	p := e.dir + "/x.parquet"
	_, err := e.db.Exec(`COPY (SELECT * FROM (VALUES
		('Q1', TIMESTAMP '2024-01-05 09:00:00', 'U1', TIMESTAMPTZ '2024-01-05 09:00:00+00', DATE '2024-01-07', 3, true, 'ignored'),
		('Q2', TIMESTAMP '2024-02-05 10:30:00', 'U2', NULL, NULL, NULL, false, 'ignored')
	) t(petition_id, received_at, unit_id, closed_at, accepted_at, headcount, listed_supervision, unmapped_col)) TO '` + p + `' (FORMAT parquet)`)
	if err != nil {
		t.Fatal(err)
	}
	e.mustIngest(config.Source{Name: "pq", Kind: "parquet", Path: p, Mapping: config.Mapping{Fields: map[string]config.FieldMap{
		"petition_id": {Column: "petition_id"}, "received_at": {Column: "received_at"}, "unit_id": {Column: "unit_id"},
		"closed_at": {Column: "closed_at"}, "accepted_at": {Column: "accepted_at"}, "headcount": {Column: "headcount"},
		"listed_supervision": {Column: "listed_supervision"},
	}}})
	// 09:00 UTC = 17:00 Shanghai.
	expect(t, "Q1", e.row("pq", "Q1"), map[string]string{"received_at": "2024-01-05 09:00:00", "closed_at": "2024-01-05 17:00:00",
		"accepted_at": "2024-01-07", "headcount": "3", "listed_supervision": "true"})
	expect(t, "Q2", e.row("pq", "Q2"), map[string]string{"received_at": "2024-02-05 10:30:00", "closed_at": "NULL", "listed_supervision": "false"})
	// Canonical Parquet needs no mapping at all.
	e.mustIngest(config.Source{Name: "pq2", Kind: "parquet", Path: p})
	if mf := e.rows(`SELECT array_to_string(list_sort(mapped_fields), ',') AS f FROM sources WHERE source = 'pq2'`); mf[0]["f"] != "accepted_at,closed_at,headcount,listed_supervision,petition_id,received_at,unit_id" {
		t.Fatalf("pq2 mapped_fields = %v", mf)
	}
}

// Excel: chosen sheet, header row below a title, Excel date cells and text dates,
// keys built from several columns, a constant unit.
func TestXLSX(t *testing.T) {
	e := newEnv(t)
	f := excelize.NewFile()
	f.SetCellValue("Sheet1", "A1", "not this sheet")
	if _, err := f.NewSheet("数据"); err != nil {
		t.Fatal(err)
	}
	rows := [][]any{
		{"2024年信访登记表"},
		{"年度", "序号", "来信日期", "办结日期", "人数"},
		{2024, 1, time.Date(2024, 3, 5, 14, 20, 0, 0, time.UTC), "2024/3/20", 2},
		{2024, 2, "2024/3/6 9:05:00", time.Date(2024, 3, 7, 0, 0, 0, 0, time.UTC), "三"},
		{2024, 3, 45357.5, "", 1}, // a plain number in a date field: Excel serial 45357.5 = 2024-03-06 12:00
		{},
		{2024, 4, "", "", 1},
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("数据", cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	p := e.dir + "/x.xlsx"
	if err := f.SaveAs(p); err != nil {
		t.Fatal(err)
	}
	res := e.mustIngest(config.Source{Name: "x", Kind: "xlsx", Path: p, Sheet: "数据", HeaderRow: 2, Mapping: config.Mapping{
		Fields: map[string]config.FieldMap{
			"petition_id": {Columns: []string{"年度", "序号"}, Sep: "-"}, "received_at": {Column: "来信日期"},
			"unit_id": {Const: "市司法局"}, "closed_at": {Column: "办结日期"}, "headcount": {Column: "人数"},
		}}})
	if b := res.Batches[0]; b.RowsRead != 4 || b.Inserted != 3 || b.Rejected != 1 || b.Warnings != 1 {
		t.Fatalf("xlsx batch %+v", b)
	}
	expect(t, "2024-1", e.row("x", "2024-1"), map[string]string{"received_at": "2024-03-05 14:20:00", "closed_at": "2024-03-20 00:00:00", "unit_id": "市司法局", "headcount": "2"})
	expect(t, "2024-2", e.row("x", "2024-2"), map[string]string{"received_at": "2024-03-06 09:05:00", "closed_at": "2024-03-07 00:00:00", "headcount": "NULL"})
	expect(t, "2024-3", e.row("x", "2024-3"), map[string]string{"received_at": "2024-03-06 12:00:00"})
	if r := e.rows(`SELECT row_number, petition_id, field FROM rejected WHERE source = 'x' AND severity = 'reject'`); len(r) != 1 || r[0]["row_number"] != "7" || r[0]["petition_id"] != "2024-4" {
		t.Fatalf("xlsx reject: %v", r)
	}
}

// Units: replaced on each ingest; Chinese level/sector aliases; unknown units kept.
func TestUnitsFile(t *testing.T) {
	e := newEnv(t)
	e.cfg.Units.File = e.write("units.csv", []byte("编号,名称,上级,层级,类别,人数\nA,省厅,,省,司法行政机关,50\nB,一监,A,机构,监狱,x\nC,,A,市,bogus,\n"))
	e.cfg.Units.Mapping = map[string]string{"unit_id": "编号", "name": "名称", "parent_id": "上级", "level": "层级", "sector": "类别", "staff": "人数"}
	p := e.write("p.csv", []byte("petition_id,received_at,unit_id\nP1,2024-01-01,A\nP2,2024-01-01,ZZ\n"))
	res := e.mustIngest(canonicalCSV("s", p))
	if res.Units != 3 || res.Inserted != 2 {
		t.Fatalf("units %d inserted %d", res.Units, res.Inserted)
	}
	u := e.rows(`SELECT unit_id, name, coalesce(parent_id,'') p, coalesce(level,'') l, coalesce(sector,'') s, coalesce(CAST(staff AS VARCHAR),'') st FROM units ORDER BY unit_id`)
	got := fmt.Sprint(u)
	want := "[map[l:province name:省厅 p: s:bureau st:50 unit_id:A] map[l:facility name:一监 p:A s:prison st: unit_id:B] map[l:city name:C p:A s: st: unit_id:C]]"
	if got != want {
		t.Fatalf("units:\n%s\nwant\n%s", got, want)
	}
	if n := e.count(`SELECT count(*) FROM rejected WHERE source = 'units' AND severity = 'warning'`); n != 3 {
		t.Fatalf("unit warnings = %d (staff x, name blank, sector bogus)", n)
	}
	// Replaced, not merged.
	e.write("units.csv", []byte("编号,名称,上级,层级,类别,人数\nA,省厅,,省,司法行政机关,50\n"))
	e.mustIngest(canonicalCSV("s", p))
	if n := e.count(`SELECT count(*) FROM units`); n != 1 {
		t.Fatalf("units after replace = %d", n)
	}
}

// A folder source takes its files of the kind in name order; a glob works too.
func TestFolderAndGlob(t *testing.T) {
	e := newEnv(t)
	e.write("in/1.csv", []byte("petition_id,received_at,unit_id,category\nF1,2024-01-01,U,old\n"))
	e.write("in/2.csv", []byte("petition_id,received_at,unit_id,category\nF1,2024-01-01,U,new\nF2,2024-01-01,U,x\n"))
	e.write("in/notes.md", []byte("not data"))
	res := e.mustIngest(canonicalCSV("s", e.dir+"/in"))
	if len(res.Batches) != 2 || res.Inserted != 2 || res.Updated != 1 {
		t.Fatalf("folder: %+v", res)
	}
	expect(t, "F1", e.row("s", "F1"), map[string]string{"category": "new"})
	res = e.mustIngest(canonicalCSV("s", e.dir+"/in/*.csv"))
	if len(res.Batches) != 2 || !res.Batches[0].Skipped || !res.Batches[1].Skipped {
		t.Fatalf("glob re-run should skip both: %+v", res.Batches)
	}
}

// A mapped column missing from the file fails that batch with a clear error; the
// other sources still load.
func TestMappingMismatchFailsBatchOnly(t *testing.T) {
	e := newEnv(t)
	bad := e.write("bad.csv", []byte("a,b\n1,2\n"))
	good := e.write("good.csv", []byte("petition_id,received_at,unit_id\nG,2024-01-01,U\n"))
	_, err := e.ingest(config.Source{Name: "bad", Kind: "csv", Path: bad, Mapping: config.Mapping{Fields: map[string]config.FieldMap{
		"petition_id": {Column: "编号"}, "received_at": {Column: "b"}, "unit_id": {Const: "U"}}}}, canonicalCSV("good", good))
	if err == nil || !strings.Contains(err.Error(), "编号") {
		t.Fatalf("err = %v", err)
	}
	if n := e.count(`SELECT count(*) FROM petitions WHERE source = 'good'`); n != 1 {
		t.Fatal("the good source did not load")
	}
}

// The synthetic source is a snapshot: regenerated for a later as-of date, the
// source's stored rows are exactly the new file's; unchanged, it is skipped.
func TestSyntheticSnapshot(t *testing.T) {
	e := newEnv(t)
	src := config.Source{Name: "syn", Kind: "synthetic", Synthetic: config.Synthetic{Records: 3000, Seed: 3, Years: 2}}
	e.cfg.AsOf = "2025-06-30"
	res := e.mustIngest(src)
	if res.Inserted != 3000 || res.Units <= 0 {
		t.Fatalf("first: inserted %d, units %d", res.Inserted, res.Units)
	}
	mf := e.rows(`SELECT kind, array_to_string(mapped_fields, ',') AS f FROM sources WHERE source = 'syn'`)[0]
	if mf["kind"] != "synthetic" || len(strings.Split(mf["f"], ",")) != 24 {
		t.Fatalf("sources row: %v", mf)
	}
	if res := e.mustIngest(src); !res.Batches[0].Skipped {
		t.Fatalf("same as-of: not skipped: %+v", res.Batches[0])
	}
	e.cfg.AsOf = "2025-09-30"
	res = e.mustIngest(src)
	if n := e.count(`SELECT count(*) FROM petitions WHERE source = 'syn'`); n != 3000 {
		t.Fatalf("after regenerating: %d rows (deleted %d), want exactly the new 3000", n, res.Batches[0].Deleted)
	}
	if n := e.count(`SELECT count(*) FROM petitions WHERE received_date > DATE '2025-09-30'`); n != 0 {
		t.Fatalf("%d records after the as-of date", n)
	}
}

// A canonical-header file with no mapping.fields still gets every other mapping
// option: values aliases, date_layouts and personal.
func TestCanonicalHeaderKeepsMappingOptions(t *testing.T) {
	e := newEnv(t)
	p := e.write("c.csv", []byte("petition_id,received_at,unit_id,channel,leader_owner\nA,2024年1月5日,U,走访,王五\n"))
	src := canonicalCSV("c", p)
	src.Mapping.Values = map[string]map[string]string{"channel": {"走访": "visit"}}
	src.Mapping.DateLayouts = []string{"2006年1月2日"}
	src.Mapping.Personal = []string{"leader_owner"}
	e.mustIngest(src)
	r := e.row("c", "A")
	expect(t, "A", r, map[string]string{"channel": "visit", "received_date": "2024-01-05"})
	if r["leader_owner"] == "王五" || len(r["leader_owner"]) != 64 {
		t.Fatalf("leader_owner stored as %q, want a 64-hex pseudonym", r["leader_owner"])
	}
}

// The metric SQL does not trim: petitions must hold text as ingest stores it, trimmed and
// with a blank (or all-space) value NULL, for free-text fields as for enums.
func TestTextStoredTrimmedBlankNull(t *testing.T) {
	e := newEnv(t)
	csv := "petition_id,received_at,unit_id,petitioner_id,matter_id,category,leader_owner,handler_id,source_type\n" +
		" Q1 ,2024-01-05, U1 , ID1 , M1 , 征地 , 张 , H1 ,  \n" +
		"Q2,2024-01-05,U1,   ,  ,   ,  ,\t,\n"
	p := e.write("t.csv", []byte(csv))
	e.mustIngest(canonicalCSV("s", p))
	expect(t, "Q1", e.row("s", "Q1"), map[string]string{
		"unit_id": "U1", "petitioner_id": pseudo("ID1"), "matter_id": "M1", "category": "征地",
		"leader_owner": "张", "handler_id": "H1", "source_type": "NULL",
	})
	expect(t, "Q2", e.row("s", "Q2"), map[string]string{
		"petitioner_id": "NULL", "matter_id": "NULL", "category": "NULL", "leader_owner": "NULL",
		"handler_id": "NULL", "source_type": "NULL",
	})
}
