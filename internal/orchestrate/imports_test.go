package orchestrate_test

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

const module = "github.com/xinfang/xinfang/internal/"

// The packages below orchestrate never import one another sideways (docs/DESIGN.md):
// each may import only the packages listed for it. A new import between them is a
// design change; update DESIGN.md and this table together.
var allowedImports = map[string][]string{
	"spec":               {},
	"config":             {"spec"},
	"store":              {},
	"archive":            {},
	"version":            {},
	"export":             {},
	"pipeline/synthetic": {"config", "spec"},
	"pipeline":           {"config", "spec", "store", "pipeline/synthetic"},
	"queries":            {"config", "version"},
	"report":             {"config", "spec", "archive", "export", "store"},
	"adhoc":              {},
	"auth":               {},
	"alerts":             {"config", "queries", "store"},
	"jobs":               {"config", "store", "orchestrate", "auth", "alerts"},
	"orchestrate":        {"config", "store", "archive", "pipeline", "queries", "report", "alerts", "brief"},
	"brief":              {"config"},
}

func TestImportsRunOneWay(t *testing.T) {
	root := filepath.Join("..")
	for pkg, allowed := range allowedImports {
		ok := map[string]bool{}
		for _, a := range allowed {
			ok[a] = true
		}
		files, err := filepath.Glob(filepath.Join(root, pkg, "*.go"))
		if err != nil || len(files) == 0 {
			t.Errorf("%s: no Go files (%v)", pkg, err)
			continue
		}
		bad := map[string]bool{}
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			af, err := parser.ParseFile(token.NewFileSet(), f, src, parser.ImportsOnly)
			if err != nil {
				t.Fatal(err)
			}
			if af.Name.Name == "main" {
				continue // a go:generate program beside the package, not part of it
			}
			for _, im := range af.Imports {
				p := strings.Trim(im.Path.Value, `"`)
				if strings.HasPrefix(p, module) && !ok[strings.TrimPrefix(p, module)] {
					bad[strings.TrimPrefix(p, module)+" (in "+filepath.Base(f)+")"] = true
				}
			}
		}
		var list []string
		for b := range bad {
			list = append(list, b)
		}
		sort.Strings(list)
		if len(list) > 0 {
			t.Errorf("%s imports %s; allowed: %v", pkg, strings.Join(list, ", "), allowed)
		}
	}
}
