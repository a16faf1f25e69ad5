package pipeline

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/xinfang/xinfang/internal/config"
	"github.com/xinfang/xinfang/internal/spec"
)

// CheckSources finds, for check-config, the mapping errors an ingest would hit:
// first without touching any data (value aliases, personal fields, SQL
// expressions), then from each file's header (mapped and referenced columns),
// and, with sample > 0, by converting the first sample rows of each source's first
// file as ingest would (nothing is written anywhere). What would fail a batch is
// an error; rows the sample would reject or warn about, and a source zone that
// differs from the global one, are warnings.
func CheckSources(ctx context.Context, cfg *config.Config, sample int) (config.Errors, []string) {
	var errs config.Errors
	var warns []string
	for i := range cfg.Sources {
		src := &cfg.Sources[i]
		k := fmt.Sprintf("sources[%d]", i)
		errs = append(errs, checkStatic(ctx, cfg, src, k)...)
		if w := zoneWarning(cfg, src, k); w != "" {
			warns = append(warns, w)
		}
	}
	if len(errs) > 0 {
		return errs, warns // header checks would repeat the same problems
	}
	if err := checkUnitsHeader(cfg); err != nil {
		errs = append(errs, err)
	}
	for i := range cfg.Sources {
		src := &cfg.Sources[i]
		k := fmt.Sprintf("sources[%d]", i)
		e, w := checkFiles(ctx, cfg, src, k, sample)
		errs = append(errs, e...)
		warns = append(warns, w...)
	}
	return errs, warns
}

// checkStatic checks what needs no data.
func checkStatic(ctx context.Context, cfg *config.Config, src *config.Source, k string) config.Errors {
	var errs config.Errors
	mp := src.Mapping
	aliasCheck := func(key, field string, vals map[string]string) {
		fi, ok := spec.FieldByName(field)
		if !ok {
			return // reported by config validation
		}
		keys := make([]string, 0, len(vals))
		for from := range vals {
			keys = append(keys, from)
		}
		sort.Strings(keys)
		for _, from := range keys {
			to := strings.TrimSpace(vals[from])
			switch spec.Fields[fi].Kind {
			case spec.Enum:
				if _, ok := builtinEnums[field][to]; !ok {
					errs = append(errs, cfg.ErrorAt(key, "%q -> %q: %q is not a %s value (want one of %s)",
						from, to, to, field, strings.Join(enumValues(field), ", ")))
				}
			case spec.Bool:
				if _, ok := parseBool(to, nil); !ok {
					errs = append(errs, cfg.ErrorAt(key, "%q -> %q: %q is not a boolean (true, false, yes, no, 1, 0, 是, 否)", from, to, to))
				}
			case spec.Int:
				if _, ok := parseInt(to); !ok {
					errs = append(errs, cfg.ErrorAt(key, "%q -> %q: %q is not an integer", from, to, to))
				}
			}
		}
	}
	for f, vals := range mp.Values {
		aliasCheck(k+".mapping.values."+f, f, vals)
	}
	for f, fm := range mp.Fields {
		aliasCheck(k+".mapping.fields."+f+".values", f, fm.Values)
	}
	for _, p := range mp.Personal {
		if fi, ok := spec.FieldByName(p); ok && spec.Fields[fi].Kind != spec.String {
			errs = append(errs, cfg.ErrorAt(k+".mapping.personal", "%s is not a text field; only text fields can be pseudonymised", p))
		}
	}
	for j, r := range mp.Where {
		if err := CheckExpr(ctx, r, exprRule, nil); err != nil {
			errs = append(errs, cfg.ErrorAt(fmt.Sprintf("%s.mapping.where[%d]", k, j), "%s: %v", r, err))
		}
	}
	names := make([]string, 0, len(mp.Fields))
	for f := range mp.Fields {
		names = append(names, f)
	}
	sort.Strings(names)
	for _, f := range names {
		if x := mp.Fields[f].Expr; x != "" {
			if err := CheckExpr(ctx, x, exprValue, nil); err != nil {
				errs = append(errs, cfg.ErrorAt(k+".mapping.fields."+f+".expr", "%s: %v", x, err))
			}
		}
	}
	sort.SliceStable(errs, func(a, b int) bool { return errs[a].Line < errs[b].Line })
	return errs
}

// zoneWarning says, at the source's time_zone key, what a source zone different
// from the global one does to dates ("" when they agree).
func zoneWarning(cfg *config.Config, src *config.Source, k string) string {
	msg := zoneEffect(cfg, src)
	if msg == "" {
		return ""
	}
	return cfg.ErrorAt(k+".time_zone", "%s", msg).Error()
}

// zoneEffect describes what reading a source in its own zone does to its dates.
func zoneEffect(cfg *config.Config, src *config.Source) string {
	if src.TimeZone == "" || src.TimeZone == cfg.TimeZone {
		return ""
	}
	sl, err1 := time.LoadLocation(src.TimeZone)
	gl, err2 := time.LoadLocation(cfg.TimeZone)
	if err1 != nil || err2 != nil {
		return ""
	}
	at := cfg.AsOfDate()
	_, so := at.In(sl).Zone()
	_, gof := at.In(gl).Zone()
	d := time.Duration(gof-so) * time.Second
	var effect string
	switch {
	case d > 0:
		cut := 24*time.Hour - d
		effect = fmt.Sprintf("times are stored %s later, so a record received at or after %02d:%02d source time counts on the next day (on 31 December, in the next year)",
			fmtHours(d), int(cut.Hours()), int(cut.Minutes())%60)
	case d < 0:
		effect = fmt.Sprintf("times are stored %s earlier, so a record received before %02d:%02d source time counts on the previous day (on 1 January, in the previous year)",
			fmtHours(-d), int((-d).Hours()), int((-d).Minutes())%60)
	default:
		effect = "the offsets agree on the as-of date, but daylight-saving changes may shift times by an hour"
	}
	return fmt.Sprintf("%s differs from time_zone %s: naive times in this source are read as %s and stored in %s; %s. Date-only values in date fields (due_at, accepted_at, …) keep their date. If the metrics should use the source's local dates, set time_zone: %s",
		src.TimeZone, cfg.TimeZone, src.TimeZone, cfg.TimeZone, effect, src.TimeZone)
}

func fmtHours(d time.Duration) string {
	if d%time.Hour == 0 {
		return fmt.Sprintf("%dh", int(d.Hours()))
	}
	return fmt.Sprintf("%dh%02dm", int(d.Hours()), int(d.Minutes())%60)
}

// maxHeaderFiles bounds how many files of one source have their header read.
const maxHeaderFiles = 50

// checkFiles reads each file's header (and samples the first file's rows).
func checkFiles(ctx context.Context, cfg *config.Config, src *config.Source, k string, sample int) (config.Errors, []string) {
	fk, ok := lookupFileKind(src.Kind)
	if !ok {
		return nil, nil // synthetic needs no mapping; a database is not contacted here
	}
	var errs config.Errors
	var warns []string
	files, err := resolveFiles(src, fk.exts)
	if err != nil {
		return nil, []string{cfg.ErrorAt(k+".path", "%v; columns not checked", err).Error()}
	}
	db, err := exprDB()
	if err != nil {
		return config.Errors{cfg.ErrorAt(k, "%v", err)}, nil
	}
	for n, f := range files {
		if n == maxHeaderFiles {
			warns = append(warns, cfg.ErrorAt(k+".path", "%d files; only the first %d headers checked", len(files), maxHeaderFiles).Error())
			break
		}
		rr, err := fk.open(ctx, db, src, f)
		if err != nil {
			errs = append(errs, cfg.ErrorAt(k+".path", "%s: %v", f, err))
			continue
		}
		m, ev, err := compileFor(ctx, cfg, src, rr.Header())
		if err != nil {
			errs = append(errs, cfg.ErrorAt(k+".mapping", "%s: %v", f, err))
			rr.Close()
			continue
		}
		if n == 0 && sample > 0 {
			w, err := sampleRows(ctx, rr, m, ev, sample)
			if err != nil {
				errs = append(errs, cfg.ErrorAt(k+".mapping", "%s: %v", f, err))
			} else if w != "" {
				warns = append(warns, cfg.ErrorAt(k, "%s: %s", f, w).Error())
			}
		}
		rr.Close()
	}
	return errs, warns
}

// compileFor builds what a batch would build from a header.
func compileFor(ctx context.Context, cfg *config.Config, src *config.Source, header []string) (*mapper, *exprEval, error) {
	fk, _ := lookupFileKind(src.Kind)
	m, err := newMapper(src, header, cfg.Location(), fk != nil && fk.rawCells)
	if err != nil {
		return nil, nil, err
	}
	if fs := cfg.Units.FromSource; fs != nil && fs.Source == src.Name {
		if err := m.deriveUnits(fs, header); err != nil {
			return nil, nil, err
		}
	}
	var ev *exprEval
	if len(m.rules)+len(m.exprs) > 0 {
		if ev, err = newExprEval(ctx, m.source, m.rules, m.exprs, header); err != nil {
			return nil, nil, err
		}
	}
	return m, ev, nil
}

// sampleRows converts the first n rows as ingest would and describes what it
// would skip, reject and warn about ("" when all is well).
func sampleRows(ctx context.Context, rr rowReader, m *mapper, ev *exprEval, n int) (string, error) {
	var blk rowBlock
	var readRejects []issue
	for len(blk.rows) < n {
		row, num, err := rr.Next()
		if err != nil {
			var re *rowError
			if errors.As(err, &re) {
				readRejects = append(readRejects, issue{row: re.row, reason: re.reason, severity: "reject"})
				continue
			}
			if errors.Is(err, io.EOF) {
				break
			}
			return "", err
		}
		blk.rows = append(blk.rows, row)
		blk.nums = append(blk.nums, num)
	}
	read := len(blk.rows) + len(readRejects)
	var skipped int64
	var skippedBy []string
	if ev != nil {
		w, err := ev.worker(ctx, 0)
		if err != nil {
			return "", err
		}
		kept, sk, err := w.apply(ctx, blk)
		w.close()
		if err != nil {
			return "", err
		}
		for i, c := range sk {
			if c > 0 {
				skipped += c
				skippedBy = append(skippedBy, fmt.Sprintf("%d by %s", c, m.rules[i]))
			}
		}
		blk = kept
	}
	// A throwaway key: sampled values are pseudonymised as ingest would, then dropped.
	key := make([]byte, 32)
	_, _ = rand.Read(key)
	c := newConverter(m, key)
	defer c.release()
	for i, row := range blk.rows {
		c.add(row, blk.nums[i])
	}
	issues := append(readRejects, c.issues...)
	rejects := int64(len(readRejects)) + c.rejects
	if skipped == 0 && len(issues) == 0 {
		return "", nil
	}
	type group struct {
		n       int
		example issue
	}
	groups := map[string]*group{}
	var order []string
	for _, is := range issues {
		g := is.severity + ": " + is.reason
		if groups[g] == nil {
			groups[g] = &group{example: is}
			order = append(order, g)
		}
		groups[g].n++
	}
	var parts []string
	for _, g := range order {
		ex := groups[g].example
		parts = append(parts, fmt.Sprintf("%s ×%d (e.g. row %d: %q)", g, groups[g].n, ex.row, ex.value))
	}
	msg := fmt.Sprintf("of the first %d rows, %d would be skipped", read, skipped)
	if len(skippedBy) > 0 {
		msg += " (" + strings.Join(skippedBy, "; ") + ")"
	}
	msg += fmt.Sprintf(", %d rejected, %d field warnings", rejects, c.warns)
	if len(parts) > 0 {
		msg += ": " + strings.Join(parts, "; ")
	}
	return msg, nil
}

// checkUnitsHeader checks that the units file has the unit_id and name columns
// (after units.mapping), as replaceUnits needs.
func checkUnitsHeader(cfg *config.Config) *config.Error {
	path := cfg.Units.File
	if path == "" {
		return nil
	}
	rr, err := openUnitsFile(path, cfg.Units.Encoding)
	if err != nil {
		return cfg.ErrorAt("units.file", "%v", err)
	}
	defer rr.Close()
	have := map[string]bool{}
	for _, h := range rr.Header() {
		have[cleanHeader(h)] = true
	}
	for _, c := range []string{"unit_id", "name"} {
		name := c
		if m := cfg.Units.Mapping[c]; m != "" {
			name = m
		}
		if !have[name] {
			return cfg.ErrorAt("units.file", "%s: no %s column %q (header: %s)", path, c, name, strings.Join(rr.Header(), ", "))
		}
	}
	return nil
}
