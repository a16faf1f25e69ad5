package pipeline

import (
	"slices"
	"strings"
	"testing"

	"github.com/xinfang/xinfang/internal/config"
	"github.com/xinfang/xinfang/internal/spec"
)

// Every kind config accepts has a reader here, and every kind registered here is
// accepted by config validation, with the input (files, database, generated) the
// validation asks settings for.
func TestKindsMatchConfig(t *testing.T) {
	want := spec.SourceKindNames()
	slices.Sort(want)
	if got := kindNames(); !slices.Equal(got, want) {
		t.Fatalf("registered kinds %v, spec.SourceKinds %v", got, want)
	}
	for _, sk := range spec.SourceKinds() {
		_, isFile := lookupFileKind(sk.Name)
		if isFile != (sk.Input == spec.FromFiles) {
			t.Errorf("kind %s: registered as file kind %v, spec input %v", sk.Name, isFile, sk.Input)
		}
		if sourceKinds[sk.Name].snapshot() != (sk.Input == spec.FromGenerator) {
			t.Errorf("kind %s: snapshot %v, spec input %v", sk.Name, sourceKinds[sk.Name].snapshot(), sk.Input)
		}
	}
	for _, name := range kindNames() {
		c := config.Default()
		s := config.Source{Name: "s", Kind: name, Path: "in", DSN: "postgres://h/db", Table: "t"}
		c.Sources = []config.Source{s}
		if err := c.Validate(); err != nil && strings.Contains(err.Error(), ".kind") {
			t.Errorf("kind %s registered but rejected by config: %v", name, err)
		}
	}
	c := config.Default()
	c.Sources = []config.Source{{Name: "s", Kind: "nosuchkind", Path: "in"}}
	if err := c.Validate(); err == nil || !strings.Contains(err.Error(), "sources[0].kind") {
		t.Errorf("unknown kind accepted: %v", err)
	}
	if _, err := lookupKind(&c.Sources[0]); err == nil {
		t.Error("unknown kind found in the registry")
	}
}
