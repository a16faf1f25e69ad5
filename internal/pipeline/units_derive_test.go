package pipeline

import (
	"testing"

	"github.com/xinfang/xinfang/internal/config"
)

// Units from data: the distinct unit_ids of the stored records (after the where
// filter) become units, named from a column, under a parent column or the root;
// a parent that is never a unit itself is added under the root; a units file's row
// wins over a derived one. Worked by hand from the rows below.
func TestUnitsFromSource(t *testing.T) {
	e := newEnv(t)
	p := e.write("r.csv", []byte(`id,at,Company,CompanyName,Group,Status
1,2024-01-05,C1,Acme,G1,ok
2,2024-01-06,C2,Beta,,ok
3,2024-01-07,C1,Acme Later,G2,ok
4,2024-01-08,C3,Gamma,G1,dup
5,2024-01-09,C4,Delta,G9,ok
`))
	units := e.write("units.csv", []byte("unit_id,name,parent_id\nC4,Delta (from file),ROOT\n"))
	e.cfg.Units = config.UnitsConfig{File: units, FromSource: &config.UnitsFromSource{Source: "s", NameColumn: "CompanyName",
		ParentColumn: "Group", Root: &config.UnitRoot{ID: "ROOT", Name: "All companies"}}}
	src := config.Source{Name: "s", Kind: "csv", Path: p, Mapping: config.Mapping{
		Where:  config.Rules{"Status = 'ok'"},
		Fields: map[string]config.FieldMap{"petition_id": {Column: "id"}, "received_at": {Column: "at"}, "unit_id": {Column: "Company"}}}}
	res := e.mustIngest(src)
	// C1 (row 2 wins over row 4: first seen), C2 (no group: under ROOT), C4 from the
	// file, G1 and G9 as parents (G2 only on C1's later row, so not used), ROOT; C3
	// was filtered out. 6 units.
	if res.Units != 6 {
		t.Fatalf("units = %d, want 6", res.Units)
	}
	got := e.rows(`SELECT unit_id, name, coalesce(parent_id, '-') AS parent FROM units ORDER BY unit_id`)
	want := [][3]string{{"C1", "Acme", "G1"}, {"C2", "Beta", "ROOT"}, {"C4", "Delta (from file)", "ROOT"},
		{"G1", "G1", "ROOT"}, {"G9", "G9", "ROOT"}, {"ROOT", "All companies", "-"}}
	if len(got) != len(want) {
		t.Fatalf("units %v", got)
	}
	for i, w := range want {
		expect(t, w[0], got[i], map[string]string{"unit_id": w[0], "name": w[1], "parent": w[2]})
	}
	// A second ingest of the unchanged file is skipped and keeps the derived units.
	res = e.mustIngest(src)
	if !res.Batches[0].Skipped || res.Units != 6 {
		t.Fatalf("re-ingest: %+v units %d", res.Batches[0], res.Units)
	}
}

// Turning units.from_source on for a file ingested before re-reads it (the file is
// unchanged, but its units were never derived).
func TestUnitsFromSourceAddedLater(t *testing.T) {
	e := newEnv(t)
	p := e.write("r.csv", []byte("id,at,Company\n1,2024-01-05,C1\n2,2024-01-06,C2\n"))
	src := config.Source{Name: "s", Kind: "csv", Path: p, Mapping: config.Mapping{
		Fields: map[string]config.FieldMap{"petition_id": {Column: "id"}, "received_at": {Column: "at"}, "unit_id": {Column: "Company"}}}}
	e.mustIngest(src)
	e.cfg.Units.FromSource = &config.UnitsFromSource{Source: "s"}
	res := e.mustIngest(src)
	if res.Batches[0].Skipped || res.Units != 2 {
		t.Fatalf("batch %+v, units %d; want the file re-read and 2 units", res.Batches[0], res.Units)
	}
}
