package config

import (
	"strings"
	"testing"
)

// Mapping keys of issue 13: where (one rule or a list), expr, values on a date
// field (an error), units.from_source naming a configured source.
func TestMappingKeys(t *testing.T) {
	base := "sources:\n  - name: s\n    kind: csv\n    path: x.csv\n    mapping:\n"
	ok := base + "      where: \"Status <> 'x'\"\n      fields:\n        petition_id: id\n        received_at: at\n        unit_id: {expr: \"coalesce(State, 'N')\"}\n" +
		"units:\n  from_source: {source: s, name_column: Company, root: {id: R, name: All}}\n"
	c, err := Parse("m.yaml", []byte(ok))
	if err != nil {
		t.Fatal(err)
	}
	if m := c.Sources[0].Mapping; len(m.Where) != 1 || m.Fields["unit_id"].Expr != "coalesce(State, 'N')" {
		t.Fatalf("mapping %+v", m)
	}
	if fs := c.Units.FromSource; fs == nil || fs.Source != "s" || fs.NameColumn != "Company" || fs.Root.ID != "R" {
		t.Fatalf("from_source %+v", fs)
	}
	for _, bad := range []struct{ yml, want string }{
		{base + "      fields:\n        petition_id: id\n        received_at: {column: at, values: {\"\": \"2024-01-01\"}}\n        unit_id: u\n",
			"m.yaml:8: sources[0].mapping.fields.received_at.values: values does not apply to a date field"},
		{base + "      values: {closed_at: {x: y}}\n      fields:\n        petition_id: id\n        received_at: at\n        unit_id: u\n",
			"m.yaml:6: sources[0].mapping.values.closed_at: values does not apply to a date field"},
		{base + "      fields:\n        petition_id: id\n        received_at: at\n        unit_id: {column: u, expr: \"u\"}\n",
			"m.yaml:9: sources[0].mapping.fields.unit_id: give exactly one of column, columns, const or expr"},
		{base + "      fields:\n        petition_id: id\n        received_at: at\n        unit_id: u\nunits:\n  from_source: {source: t}\n",
			"m.yaml:11: units.from_source.source: \"t\" is not a configured source"},
	} {
		_, err := Parse("m.yaml", []byte(bad.yml))
		if err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("got %v\nwant %s", err, bad.want)
		}
	}
}

func TestReaderKeys(t *testing.T) {
	for _, c := range []struct{ src, want string }{
		{"{name: s, kind: csv, path: x, delimiter: ';'}", ""},
		{`{name: s, kind: tsv, path: x, delimiter: '\t'}`, ""},
		{"{name: s, kind: csv, path: x, delimiter: ';;'}", `sources[0].delimiter: want one character`},
		{"{name: s, kind: xlsx, path: x, delimiter: ';'}", "sources[0].delimiter: applies to csv and tsv sources only"},
		{"{name: s, kind: csv, path: x, sheet: Data}", "sources[0].sheet: applies to xlsx sources only"},
		{"{name: s, kind: xlsx, path: x, sheet: Data, header_row: 3}", ""},
	} {
		_, err := Parse("r.yaml", []byte("sources:\n  - "+c.src+"\n"))
		if c.want == "" && err != nil || c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)) {
			t.Errorf("%s: %v; want %q", c.src, err, c.want)
		}
	}
}
