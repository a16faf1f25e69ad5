package queries_test

import "testing"

// The build goes into a staging schema and is swapped in: every mart object is then a view
// onto the newest build schema, the previous build schema is gone, a leftover half-built
// schema (a crash mid-build) is replaced, and marts from a database built before staging
// (plain tables in mart) become views. Counts are worked out by hand: 2 records, then 3.
func TestBuildStagingSwap(t *testing.T) {
	f := newFixture(t)
	f.units(U{ID: "P"}, U{ID: "C", Parent: "P"})
	f.add(P{ID: "1", Unit: "C", Received: "2024-01-05", Petitioner: "a"},
		P{ID: "2", Unit: "C", Received: "2024-01-06", Petitioner: "a"})
	// a mart table left by a build before staging, and a half-built staging schema
	f.exec(`CREATE SCHEMA IF NOT EXISTS mart`)
	f.exec(`CREATE TABLE mart.volume AS SELECT 1 AS stale`)
	f.exec(`CREATE SCHEMA mart_build_a`)
	f.exec(`CREATE TABLE mart_build_a.junk AS SELECT 1 AS x`)
	f.build("2024-06-30")
	f.eqInt(2, "SELECT petitions FROM mart.volume WHERE "+key("C", false, "2024-01"))
	f.eqInt(2, "SELECT count(*) FROM mart.records")
	f.eqInt(0, "SELECT count(*) FROM duckdb_tables() WHERE schema_name = 'mart' AND table_name NOT LIKE 'cfg%'")
	f.eqInt(0, "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'junk'")
	first := f.str("SELECT min(schema_name) FROM duckdb_tables() WHERE table_name = 'volume'")

	f.add(P{ID: "3", Unit: "C", Received: "2024-01-07", Petitioner: "b"})
	f.build("2024-06-30")
	f.eqInt(3, "SELECT petitions FROM mart.volume WHERE "+key("C", false, "2024-01"))
	f.eqInt(2, "SELECT petitioners FROM mart.volume WHERE "+key("C", false, "2024-01"))
	second := f.str("SELECT min(schema_name) FROM duckdb_tables() WHERE table_name = 'volume'")
	if first == second {
		t.Errorf("second build wrote into %s again; want the other staging schema", first)
	}
	f.eqInt(1, "SELECT count(DISTINCT schema_name) FROM duckdb_tables() WHERE table_name = 'volume'")
	// every view in mart reads the newest build schema
	f.eqInt(0, "SELECT count(*) FROM duckdb_views() WHERE schema_name = 'mart' AND NOT internal AND sql NOT LIKE '%"+second+".%'")
}
