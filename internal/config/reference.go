package config

//go:generate go run gen_reference.go

import (
	"fmt"
	"strings"
)

// ReferencePath is the generated list of every configuration key with its built-in
// default, relative to the module root.
const ReferencePath = "docs/CONFIG.md"

// Reference renders docs/CONFIG.md from the built-in defaults and the environment
// overrides, so the documented keys cannot drift from the ones the loader accepts
// (TestConfigReferenceUpToDate). The canonical fields and metrics are in
// docs/REFERENCE.md, generated from spec/.
func Reference() (string, error) {
	y, err := Default().Marshal()
	if err != nil {
		return "", fmt.Errorf("config reference: %w", err)
	}
	var b strings.Builder
	b.WriteString("# Configuration: every key and its built-in default\n\n")
	b.WriteString("<!-- Generated from config.Default() by `go generate ./config`; do not edit. -->\n\n")
	b.WriteString("This is what `xinfang check-config` prints with no config file: every key the loader\n")
	b.WriteString("accepts, with its default. A config file sets any subset; unknown keys are errors naming\n")
	b.WriteString("file:line:key. Lists (sources, campaigns, targets, audiences, alert sinks) replace the\n")
	b.WriteString("default list. The README explains each section; docs/REFERENCE.md lists the canonical\n")
	b.WriteString("fields, indicators, target and veto metrics; docs/MAPPING.md how to map a source.\n\n")
	b.WriteString("```yaml\n")
	b.Write(y)
	b.WriteString("```\n\n## Environment overrides\n\n| variable | key |\n|---|---|\n")
	for _, e := range envOverrides {
		fmt.Fprintf(&b, "| `%s` | `%s` |\n", e.name, e.key)
	}
	b.WriteString("| `XINFANG_PSEUDONYM_KEY` | the pseudonym key itself (never written anywhere) |\n")
	return b.String(), nil
}
