package pipeline

import (
	"fmt"
	"log/slog"
	"sort"
	"strings"
	"time"

	"github.com/xinfang/xinfang/config"
)

// fieldKind is how a canonical field is parsed and stored.
type fieldKind uint8

const (
	kString fieldKind = iota
	kDateTime
	kDate
	kEnum
	kInt
	kBool
)

// Canonical field indexes, in config.CanonicalFields order.
const (
	fPetitionID = iota
	fReceivedAt
	fUnitID
	fPetitionerID
	fMatterID
	fChannel
	fCategory
	fHeadcount
	fSourceType
	fFeedbackDue
	fFeedbackAt
	fAcceptedAt
	fDueAt
	fExtensionDays
	fClosedAt
	fJustified
	fSatisfaction
	fFollowupAt
	fListedSupervision
	fLeaderOwner
	fHandlerID
	fMassIncident
	fTracedFault
	fUpdatedAt
	numFields
)

var fieldKinds = [numFields]fieldKind{
	fPetitionID: kString, fReceivedAt: kDateTime, fUnitID: kString, fPetitionerID: kString,
	fMatterID: kString, fChannel: kEnum, fCategory: kString, fHeadcount: kInt, fSourceType: kEnum,
	fFeedbackDue: kDate, fFeedbackAt: kDate, fAcceptedAt: kDate, fDueAt: kDate, fExtensionDays: kInt,
	fClosedAt: kDateTime, fJustified: kEnum, fSatisfaction: kEnum, fFollowupAt: kDate,
	fListedSupervision: kBool, fLeaderOwner: kString, fHandlerID: kString, fMassIncident: kBool,
	fTracedFault: kBool, fUpdatedAt: kDateTime,
}

// fieldNames are the canonical names by index (a var initializer, so that
// stageSchema, built from it, sees it filled).
var fieldNames = func() (out [numFields]string) {
	if len(config.CanonicalFields) != numFields {
		panic("pipeline: canonical field list out of step with config.CanonicalFields")
	}
	for i, f := range config.CanonicalFields {
		out[i] = f.Name
	}
	return out
}()

func fieldIndex(name string) int {
	for i, n := range fieldNames {
		if n == name {
			return i
		}
	}
	return -1
}

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
	kind     fieldKind
	personal bool
	layouts  []string
	aliases  map[string]string // enum / bool aliases (source value -> canonical)
}

// mapper turns source rows into canonical records for one source (and header).
type mapper struct {
	source      string
	fields      [numFields]fieldSpec
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
			out = append(out, fieldNames[i])
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
		if config.IsCanonicalField(h) {
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
	personal := map[string]bool{"petitioner_id": true}
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
		fi := fieldIndex(name)
		if fi < 0 {
			return nil, fmt.Errorf("source %s: mapping names %q, which is not a canonical field", src.Name, name)
		}
		f := &m.fields[fi]
		f.mapped = true
		f.kind = fieldKinds[fi]
		f.personal = personal[name]
		if f.personal && f.kind != kString {
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
		if f.kind == kEnum || f.kind == kBool || len(fm.Values) > 0 || len(mp.Values[name]) > 0 {
			f.aliases = map[string]string{}
			if f.kind == kEnum {
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
			if f.kind == kEnum {
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
	for _, req := range []int{fPetitionID, fReceivedAt, fUnitID} {
		if !m.fields[req].mapped {
			return nil, fmt.Errorf("source %s: required field %s is not mapped (header: %s)", src.Name, fieldNames[req], strings.Join(header, ", "))
		}
	}
	return m, nil
}

func enumValues(field string) []string {
	var out []string
	for k, v := range builtinEnums[field] {
		if k == v {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

// alias applies a field's configured values before parsing: a blank cell takes the
// value given for "" (a default), and a text or integer field takes its alias (enum
// and boolean fields look their aliases up while parsing).
func (f *fieldSpec) alias(raw string) string {
	if raw == "" || f.kind == kString || f.kind == kInt {
		if v, ok := f.aliases[raw]; ok {
			return strings.TrimSpace(v)
		}
	}
	return raw
}
