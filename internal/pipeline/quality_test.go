package pipeline

import (
	"testing"

	"github.com/xinfang/xinfang/internal/config"
)

// Plausibility checks by hand: source a has 4 records: 1 closed before receipt
// (row 2), 2 with a deadline before the received day (rows 2 and 3), 3 closures of
// which 1 at the instant of receipt (row 4; not all, so no warning). Source b maps
// received and closed to one column: all 2 closures equal receipt.
func TestPlausibilityChecks(t *testing.T) {
	e := newEnv(t)
	pa := e.write("a.csv", []byte(`id,at,closed,due
1,2024-01-05 10:00:00,2024-01-04 09:00:00,2024-01-01
2,2024-01-06 10:00:00,,2024-01-05
3,2024-01-07 10:00:00,2024-01-09 10:00:00,2024-01-20
4,2024-01-08 10:00:00,2024-01-08 10:00:00,
`))
	pb := e.write("b.csv", []byte("id,at\n1,2024-01-05 10:00:00\n2,2024-01-06 10:00:00\n"))
	fields := func(closed string) map[string]config.FieldMap {
		m := map[string]config.FieldMap{"petition_id": {Column: "id"}, "received_at": {Column: "at"}, "unit_id": {Const: "U"}, "closed_at": {Column: closed}}
		if closed == "closed" {
			m["due_at"] = config.FieldMap{Column: "due"}
		}
		return m
	}
	res := e.mustIngest(config.Source{Name: "a", Kind: "csv", Path: pa, Mapping: config.Mapping{Fields: fields("closed")}},
		config.Source{Name: "b", Kind: "csv", Path: pb, Mapping: config.Mapping{Fields: fields("at")}})
	got := map[string]QualityFinding{}
	for _, q := range res.Quality {
		got[q.Source+"/"+q.Check] = q
	}
	for k, w := range map[string][3]int64{ // rows, total, failing (1/0)
		"a/closed_before_received": {1, 3, 1}, "a/due_before_received": {2, 3, 1}, "a/closed_equals_received": {1, 3, 0},
		"a/accepted_before_received": {0, 0, 0}, "b/closed_equals_received": {2, 2, 1}, "b/closed_before_received": {0, 2, 0},
	} {
		q := got[k]
		if q.Rows != w[0] || q.Total != w[1] || q.Failing != (w[2] == 1) {
			t.Errorf("%s = %+v, want rows %d of %d failing %v", k, q, w[0], w[1], w[2] == 1)
		}
	}
	if n := e.count(`SELECT count(*) FROM data_quality WHERE rows > 0`); n != 4 {
		t.Fatalf("data_quality rows with findings = %d, want 4", n)
	}
}

// field_coverage: source a maps closed_at (blank in row 2 of 4) and due_at (blank in
// row 4); petition_id is never blank.
func TestFieldCoverage(t *testing.T) {
	e := newEnv(t)
	pa := e.write("a.csv", []byte("id,at,closed,due\n1,2024-01-05,2024-01-06,2024-01-20\n2,2024-01-06,,2024-01-20\n3,2024-01-07,2024-01-09,2024-01-20\n4,2024-01-08,2024-01-09,\n"))
	e.mustIngest(config.Source{Name: "a", Kind: "csv", Path: pa, Mapping: config.Mapping{Fields: map[string]config.FieldMap{
		"petition_id": {Column: "id"}, "received_at": {Column: "at"}, "unit_id": {Const: "U"}, "closed_at": {Column: "closed"}, "due_at": {Column: "due"}}}})
	got := map[string]string{}
	for _, r := range e.rows(`SELECT field, blank || '/' || total AS v FROM field_coverage WHERE source = 'a'`) {
		got[r["field"]] = r["v"]
	}
	expect(t, "coverage", got, map[string]string{"petition_id": "0/4", "closed_at": "1/4", "due_at": "1/4", "unit_id": "0/4"})
	if len(got) != 5 {
		t.Fatalf("coverage rows %v; want the 5 mapped fields", got)
	}
}
