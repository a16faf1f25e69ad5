package pipeline

import (
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/xinfang/xinfang/internal/config"
)

// exampleConfig loads examples/<name> and points its real-data paths at dir.
func exampleConfig(t *testing.T, e *testEnv, name, dataDir string) *config.Config {
	t.Helper()
	_, file, _, _ := runtime.Caller(0)
	root := filepath.Join(filepath.Dir(file), "..", "..")
	cfg, err := config.Load(filepath.Join(root, "examples", name))
	if err != nil {
		t.Fatalf("example config %s: %v", name, err)
	}
	for i := range cfg.Sources {
		cfg.Sources[i].Path = strings.Replace(cfg.Sources[i].Path, "../shared/data/real", dataDir, 1)
	}
	if cfg.Units.File != "" {
		cfg.Units.File = filepath.Join(root, cfg.Units.File)
	}
	cfg.Database = e.cfg.Database
	cfg.Pseudonym = e.cfg.Pseudonym
	if cfg.TimeZone != e.cfg.TimeZone { // the store session zone follows the config
		e.close()
		e.cfg.TimeZone = cfg.TimeZone
		e.open()
	}
	e.cfg = cfg
	return cfg
}

// Baltimore 311: the CSV and the XLSX copy of the same 10,000 records, through the
// same mapping, store the same rows.
func TestRealBaltimoreCSVAndXLSX(t *testing.T) {
	dir := realDataDir(t)
	e := newEnv(t)
	cfg := exampleConfig(t, e, "baltimore311.yaml", dir)
	res, err := Ingest(t.Context(), e.db, cfg, IngestOptions{NoProgress: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Batches) != 2 {
		t.Fatalf("batches: %+v", res.Batches)
	}
	for _, b := range res.Batches {
		if b.RowsRead != 10000 || b.Inserted != 10000 || b.Rejected != 0 {
			t.Errorf("%s: %+v; want 10,000 read and inserted, none rejected", b.Source, b)
		}
	}
	const cols = `* EXCLUDE (source, batch_id)`
	for _, q := range []string{
		`SELECT ` + cols + ` FROM petitions WHERE source = 'baltimore_csv' EXCEPT SELECT ` + cols + ` FROM petitions WHERE source = 'baltimore_xlsx'`,
		`SELECT ` + cols + ` FROM petitions WHERE source = 'baltimore_xlsx' EXCEPT SELECT ` + cols + ` FROM petitions WHERE source = 'baltimore_csv'`,
	} {
		if n := e.count(`SELECT count(*) FROM (` + q + `)`); n != 0 {
			t.Fatalf("CSV and XLSX rows differ: %d rows in one and not the other", n)
		}
	}
	// The first record of the file, by hand from its line:
	// 18-00269879,…,TRT-Traffic Signal Repairs,Phone,04/12/2018 11:11:26 AM,Closed,
	// 04/12/2018 12:45:48 PM,04/13/2018 11:11:26 AM,04/12/2018 12:45:47 PM,Transportation
	expect(t, "18-00269879", e.row("baltimore_csv", "18-00269879"), map[string]string{
		"received_at": "2018-04-12 11:11:26", "received_date": "2018-04-12", "unit_id": "Transportation",
		"category": "TRT-Traffic Signal Repairs", "channel": "phone", "due_at": "2018-04-13",
		"closed_at": "2018-04-12 12:45:47", "closed_date": "2018-04-12", "updated_at": "2018-04-12 12:45:48",
		"petitioner_id": "NULL", "headcount": "NULL",
	})
	// README facts: 286 rows lack DueDate, 208 lack CloseDate; created 2014-01-01 .. 2019-02-13.
	r := e.rows(`SELECT count(*) FILTER (WHERE due_at IS NULL) AS no_due, count(*) FILTER (WHERE closed_at IS NULL) AS open,
		CAST(min(received_date) AS VARCHAR) AS first, CAST(max(received_date) AS VARCHAR) AS last, count(DISTINCT unit_id) AS units
		FROM petitions WHERE source = 'baltimore_csv'`)[0]
	expect(t, "baltimore facts", r, map[string]string{"no_due": "286", "open": "208", "first": "2014-01-01", "last": "2019-02-13", "units": "16"})
	mf := e.rows(`SELECT array_to_string(list_sort(mapped_fields), ',') AS f FROM sources WHERE source = 'baltimore_xlsx'`)[0]["f"]
	if mf != "category,channel,closed_at,due_at,petition_id,received_at,unit_id,updated_at" {
		t.Fatalf("mapped_fields = %s", mf)
	}
	if n := e.count(`SELECT count(*) FROM units`); n != 17 {
		t.Fatalf("units = %d", n)
	}
	if n := e.count(`SELECT count(*) FROM petitions p WHERE NOT EXISTS (SELECT 1 FROM units u WHERE u.unit_id = p.unit_id)`); n != 0 {
		t.Fatalf("%d records with agencies missing from the derived units file", n)
	}
}

// TipDM: 2,816 posts; requester ids pseudonymised; the Excel-date cell and the
// date-only reply time parse.
func TestRealTipDM(t *testing.T) {
	dir := realDataDir(t)
	e := newEnv(t)
	cfg := exampleConfig(t, e, "tipdm2020c.yaml", dir)
	res, err := Ingest(t.Context(), e.db, cfg, IngestOptions{NoProgress: true})
	if err != nil {
		t.Fatal(err)
	}
	if b := res.Batches[0]; b.RowsRead != 2816 || b.Inserted != 2816 || b.Rejected != 0 || b.Warnings != 0 {
		t.Fatalf("tipdm: %+v; want 2,816 read and inserted, nothing rejected or warned", b)
	}
	// README: 2,559 distinct requesters, 178 of them posted more than once; 2011-04-02 .. 2020-01-08.
	r := e.rows(`SELECT count(DISTINCT petitioner_id) AS people,
		(SELECT count(*) FROM (SELECT petitioner_id FROM petitions GROUP BY 1 HAVING count(*) > 1)) AS repeaters,
		CAST(min(received_date) AS VARCHAR) AS first, CAST(max(received_date) AS VARCHAR) AS last,
		count(*) FILTER (WHERE length(petitioner_id) = 64) AS hashed
		FROM petitions`)[0]
	expect(t, "tipdm facts", r, map[string]string{"people": "2559", "repeaters": "178", "first": "2011-04-02", "last": "2020-01-08", "hashed": "2816"})
	// Sheet row 2 is 2549 / A00045581, posted "2019/4/25 9:32:09".
	expect(t, "2549", e.row("tipdm", "2549"), map[string]string{"received_at": "2019-04-25 09:32:09", "petitioner_id": pseudo("A00045581"), "unit_id": "A市", "channel": "online"})
	// Cell D7 is the Excel date 43563.359259259261 = 2019-04-08 + 0.359259259261 d = 08:37:20.
	r7 := e.rows(`SELECT strftime(received_at, '%Y-%m-%d %H:%M:%S') AS t FROM petitions WHERE petition_id = (
		SELECT petition_id FROM petitions WHERE received_at = TIMESTAMP '2019-04-08 08:37:20')`)
	if len(r7) != 1 {
		t.Fatalf("the Excel-date row (2019-04-08 08:37:20) was not found: %v", r7)
	}
	// Cell G1141 is the date-only reply "2018/4/24": closed at local midnight.
	if n := e.count(`SELECT count(*) FROM petitions WHERE closed_at = TIMESTAMP '2018-04-24 00:00:00'`); n != 1 {
		t.Fatalf("date-only reply time: %d rows at 2018-04-24 00:00:00", n)
	}
	if n := e.count(`SELECT count(*) FROM petitions WHERE petitioner_id LIKE 'A000%' OR petitioner_id LIKE 'UU%'`); n != 0 {
		t.Fatalf("%d raw requester ids stored", n)
	}
}

// Baltimore 311 through examples/baltimore311-derived.yaml: where rules, expr fields
// and units from data. Expected figures are an independent recount of the raw CSV
// with Python's csv module (not DuckDB, not this code):
//
//	r = list(csv.DictReader(open("311_sample.csv")))
//	dup = [x for x in r if x["SRStatus"].endswith("(Duplicate)")]          # 217
//	tr  = [x for x in r if x["SRStatus"].endswith("(Transferred)")]        # 18
//	k   = [x for x in r if x not in dup and x not in tr]                   # 9,765
//	sum(x["DueDate"] and x["DueDate"] == x["CreatedDate"] for x in k)      # 221 placeholders
//	sum(not x["DueDate"] for x in k)                                       # 275 without
//	sum(x["SRStatus"] == "Closed" and x["CloseDate"] != "" for x in k)     # 9,567 closed
//	len({x["Agency"] for x in k})                                          # 16 agencies
//	Counter(x["Agency"] for x in k)["Solid Waste"]                         # 4,703
func TestRealBaltimoreDerived(t *testing.T) {
	dir := realDataDir(t)
	e := newEnv(t)
	cfg := exampleConfig(t, e, "baltimore311-derived.yaml", dir)
	res, err := Ingest(t.Context(), e.db, cfg, IngestOptions{NoProgress: true})
	if err != nil {
		t.Fatal(err)
	}
	b := res.Batches[0]
	if b.RowsRead != 10000 || b.SkippedRows != 235 || b.Inserted != 9765 || b.Rejected != 0 || b.Warnings != 0 {
		t.Fatalf("batch %+v; want 10,000 read, 235 skipped, 9,765 inserted, nothing rejected or warned", b)
	}
	if b.SkippedBy["SRStatus NOT LIKE '%(Duplicate)'"] != 217 || b.SkippedBy["SRStatus NOT LIKE '%(Transferred)'"] != 18 {
		t.Fatalf("skipped by %v; want 217 duplicates, 18 transferred", b.SkippedBy)
	}
	r := e.rows(`SELECT count(*) FILTER (WHERE due_at IS NULL) AS no_due, count(*) FILTER (WHERE closed_at IS NOT NULL) AS closed,
		count(DISTINCT unit_id) AS units, count(*) FILTER (WHERE unit_id = 'Solid Waste') AS solid
		FROM petitions`)[0]
	expect(t, "derived facts", r, map[string]string{"no_due": "496", "closed": "9567", "units": "16", "solid": "4703"})
	// The first record (a Closed request) keeps its own deadline and closure.
	expect(t, "18-00269879", e.row("baltimore", "18-00269879"), map[string]string{"unit_id": "Transportation", "due_at": "2018-04-13", "closed_at": "2018-04-12 12:45:47"})
	if res.Units != 17 {
		t.Fatalf("units = %d; want 16 agencies and the root", res.Units)
	}
	u := e.rows(`SELECT name, coalesce(parent_id, '-') AS parent FROM units WHERE unit_id IN ('BALTIMORE', 'Solid Waste') ORDER BY unit_id`)
	expect(t, "root", u[0], map[string]string{"name": "Baltimore City", "parent": "-"})
	expect(t, "Solid Waste", u[1], map[string]string{"name": "Solid Waste", "parent": "BALTIMORE"})
	if n := e.count(`SELECT count(*) FROM petitions p WHERE NOT EXISTS (SELECT 1 FROM units u WHERE u.unit_id = p.unit_id)`); n != 0 {
		t.Fatalf("%d records with a unit missing from the derived units", n)
	}
}
