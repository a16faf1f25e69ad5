package spec

//go:generate go run gen_reference.go

import (
	"fmt"
	"strings"
)

// ReferencePath is where Reference is committed, relative to the module root.
const ReferencePath = "docs/REFERENCE.md"

// Reference renders the configuration and metric reference tables (docs/REFERENCE.md)
// from the registries; TestReferenceUpToDate fails when the committed file is stale.
func Reference() string {
	var b strings.Builder
	b.WriteString("# Reference: canonical fields and metrics\n\n")
	b.WriteString("<!-- Generated from spec/fields.go and spec/metrics.go by `go generate ./internal/spec`; do not edit. -->\n\n")
	b.WriteString("## Canonical fields (SPEC §2)\n\n")
	b.WriteString("Keys of `sources[].mapping.fields`. An optional field a source does not map is \"not tracked\":\n")
	b.WriteString("metrics that need it are NULL, never zero. Personal fields are pseudonymised (HMAC-SHA-256) at\n")
	b.WriteString("ingest; `mapping.personal` adds further text fields.\n\n")
	b.WriteString("| field | kind | required | personal | 中文 | English | meaning | values (中文 alias) |\n")
	b.WriteString("|---|---|---|---|---|---|---|---|\n")
	for _, f := range Fields {
		var vals []string
		for _, v := range f.Values {
			vals = append(vals, fmt.Sprintf("`%s` %s", v.Value, v.ZH))
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s | %s | %s | %s | %s |\n", f.Name, f.Kind, yesNo(f.Required), yesNo(f.Personal),
			f.ZH, f.EN, escape(f.Description), strings.Join(vals, ", "))
	}
	b.WriteString("\n## Metrics, indicators, targets and veto metrics (SPEC §4–§7)\n\n")
	b.WriteString("`indicator`: allowed as an `appraisal.indicators[].id`; `target`: as a `targets[].metric` (a rate\n")
	b.WriteString("target is a fraction in [0, 1], a percent target a signed percentage); `veto`: as a\n")
	b.WriteString("`veto.rules[].metric`. Direction says which way is better.\n\n")
	b.WriteString("| id | 中文 | English | mart table.column | unit | format | direction | indicator | target | veto | definition |\n")
	b.WriteString("|---|---|---|---|---|---|---|---|---|---|---|\n")
	for _, m := range Metrics {
		fmt.Fprintf(&b, "| `%s` | %s | %s | `%s.%s` | %s | `%s` | %s | %s | %s | %s | %s |\n", m.ID, m.ZH, m.EN, m.Table, m.Column,
			m.Unit, m.Format, m.Direction, yesNo(m.Indicator), yesNo(m.Target), yesNo(m.Veto), escape(m.Description))
	}
	return b.String()
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return ""
}

func escape(s string) string { return strings.ReplaceAll(s, "|", `\|`) }
