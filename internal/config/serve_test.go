package config

import (
	"errors"
	"strings"
	"testing"
)

// An audience's site is reports_dir/<id>/ inside the whole system's site, so an id
// that is one of the site's own folders is refused, by file:line:key.
func TestAudienceIDNotASiteFolder(t *testing.T) {
	_, err := Parse("a.yaml", []byte("audiences:\n- id: P1\n  units: [P1]\n- id: unit\n  units: [P2]\n"))
	var es Errors
	if !errors.As(err, &es) || len(es) != 1 {
		t.Fatalf("got %v", err)
	}
	if es[0].Key != "audiences[1].id" || es[0].Line != 4 || !strings.Contains(es[0].Error(), "folder of the report site") {
		t.Fatalf("got %+v", es[0])
	}
}
