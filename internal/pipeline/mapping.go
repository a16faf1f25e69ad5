package pipeline

import (
	"fmt"
	"log/slog"
	"sort"
	"strings"
	"time"

	"github.com/xinfang/xinfang/internal/config"
	"github.com/xinfang/xinfang/internal/spec"
)

// getter says where a field's raw text comes from in a row.
type getter struct {
	mapped bool
	col    int   // single column (>= 0)
	cols   []int // several columns joined with sep
	sep    string
	isCons bool
	cons   string
}

func (g *getter) get(row []string) string {
	switch {
	case g.isCons:
		return g.cons
	case g.cols != nil:
		var b strings.Builder
		blank := true
		for i, c := range g.cols {
			if i > 0 {
				b.WriteString(g.sep)
			}
			v := ""
			if c < len(row) {
				v = strings.TrimSpace(row[c])
			}
			if v != "" {
				blank = false
			}
			b.WriteString(v)
		}
		if blank {
			return ""
		}
		return b.String()
	default:
		if g.col < len(row) {
			return row[g.col]
		}
		return ""
	}
}

// fieldSpec is one compiled canonical field of a source.
type fieldSpec struct {
	getter
	kind     spec.Kind
	personal bool
	layouts  []string
	aliases  map[string]string // enum / bool aliases (source value -> canonical)
}

// mapper turns source rows into canonical records for one source (and header).
type mapper struct {
	source      string
	fields      [spec.NumFields]fieldSpec
	zones       zones
	excelSerial bool
	// rules are the source's where conditions and exprs its computed fields; an
	// expr field reads column width+k of a row extended by exprEval (see expr.go).
	rules []string
	exprs []string
	// units, when set, notes each stored record's unit (units.from_source).
	units *unitDeriver
}

// mappedFields lists the canonical fields a source maps, for sources.mapped_fields.
func (m *mapper) mappedFields() []string {
	var out []string
	for i := range m.fields {
		if m.fields[i].mapped {
			out = append(out, spec.Fields[i].Name)
		}
	}
	return out
}

// identityMapping is the mapping of a canonical file: every header column that is a
// canonical field name maps to itself.
func identityMapping(header []string) config.Mapping {
	m := config.Mapping{Fields: map[string]config.FieldMap{}}
	for _, h := range header {
		h = cleanHeader(h)
		if spec.IsField(h) {
			m.Fields[h] = config.FieldMap{Column: h}
		}
	}
	return m
}

func cleanHeader(h string) string {
	return strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))
}

// newMapper compiles a source's mapping against a file header. A mapped column that
// the header lacks is an error for the whole file: the source claims the field is
// tracked, so silently treating it as blank would misreport.
func newMapper(src *config.Source, header []string, globalLoc *time.Location, excelSerial bool) (*mapper, error) {
	mp := src.Mapping
	if len(mp.Fields) == 0 {
		// A canonical file: the fields come from its header, but every other mapping
		// option (personal, values, date_layouts) still applies. Dropping them once
		// stored a field marked personal in raw form.
		mp.Fields = identityMapping(header).Fields
	}
	srcLoc := globalLoc
	if src.TimeZone != "" {
		l, err := time.LoadLocation(src.TimeZone)
		if err != nil {
			return nil, fmt.Errorf("source %s: time zone %q: %w", src.Name, src.TimeZone, err)
		}
		srcLoc = l
	}
	m := &mapper{source: src.Name, zones: newZones(srcLoc, globalLoc), excelSerial: excelSerial, rules: mp.Where}
	colIdx := map[string]int{}
	for i, h := range header {
		h = cleanHeader(h)
		if _, dup := colIdx[h]; !dup {
			colIdx[h] = i
		}
	}
	personal := map[string]bool{}
	for _, f := range spec.Fields {
		personal[f.Name] = f.Personal
	}
	for _, p := range mp.Personal {
		personal[p] = true
		if _, ok := mp.Fields[p]; !ok {
			// Not an error: the field is simply not read. Said so that a typo in a
			// privacy option is not silent.
			slog.Debug("mapping.personal names a field the source does not map", "source", src.Name, "field", p)
		}
	}
	var missing []string
	col := func(name string) int {
		i, ok := colIdx[strings.TrimSpace(name)]
		if !ok {
			missing = append(missing, name)
			return -1
		}
		return i
	}
	for name, fm := range mp.Fields {
		fi, ok := spec.FieldByName(name)
		if !ok {
			return nil, fmt.Errorf("source %s: mapping names %q, which is not a canonical field", src.Name, name)
		}
		f := &m.fields[fi]
		f.mapped = true
		f.kind = spec.Fields[fi].Kind
		f.personal = personal[name]
		if f.personal && f.kind != spec.String {
			return nil, fmt.Errorf("source %s: mapping.personal names %s, which is not a text field (only text fields can be pseudonymised)", src.Name, name)
		}
		switch {
		case fm.Const != "":
			f.isCons, f.cons = true, fm.Const
		case fm.Expr != "":
			f.col = len(header) + len(m.exprs)
			m.exprs = append(m.exprs, fm.Expr)
		case len(fm.Columns) > 0:
			f.sep = fm.Sep
			if f.sep == "" {
				f.sep = "|"
			}
			for _, c := range fm.Columns {
				f.cols = append(f.cols, col(c))
			}
		default:
			f.col = col(fm.Column)
		}
		f.layouts = fm.Layouts
		if len(f.layouts) == 0 {
			f.layouts = mp.DateLayouts
		}
		if f.kind == spec.Enum || f.kind == spec.Bool || len(fm.Values) > 0 || len(mp.Values[name]) > 0 {
			f.aliases = map[string]string{}
			if f.kind == spec.Enum {
				for k, v := range builtinEnums[name] {
					f.aliases[k] = v
				}
			}
			for k, v := range mp.Values[name] {
				f.aliases[strings.TrimSpace(k)] = v
			}
			for k, v := range fm.Values {
				f.aliases[strings.TrimSpace(k)] = v
			}
			if f.kind == spec.Enum {
				// A config alias must land on a canonical value, else every record
				// using it would get a warning for a config mistake.
				for k, v := range f.aliases {
					if _, ok := builtinEnums[name][v]; !ok {
						return nil, fmt.Errorf("source %s: mapping value %q -> %q for %s is not one of the canonical values %s",
							src.Name, k, v, name, strings.Join(enumValues(name), ", "))
					}
				}
			}
		}
	}
	if len(missing) > 0 {
		sort.Strings(missing)
		return nil, fmt.Errorf("source %s: mapped column(s) not in the header: %s (header: %s)",
			src.Name, strings.Join(missing, ", "), strings.Join(header, ", "))
	}
	for _, req := range []int{spec.PetitionID, spec.ReceivedAt, spec.UnitID} {
		if !m.fields[req].mapped {
			return nil, fmt.Errorf("source %s: required field %s is not mapped (header: %s)", src.Name, spec.Fields[req].Name, strings.Join(header, ", "))
		}
	}
	return m, nil
}

func enumValues(field string) []string { return spec.EnumValues(field) }

// alias applies a field's configured values before parsing: a blank cell takes the
// value given for "" (a default), and a text or integer field takes its alias (enum
// and boolean fields look their aliases up while parsing).
func (f *fieldSpec) alias(raw string) string {
	if raw == "" || f.kind == spec.String || f.kind == spec.Int {
		if v, ok := f.aliases[raw]; ok {
			return strings.TrimSpace(v)
		}
	}
	return raw
}
