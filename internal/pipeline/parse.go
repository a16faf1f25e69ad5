package pipeline

import (
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/xinfang/xinfang/internal/spec"
)

// Wall-clock values are kept as "naive" instants: the local calendar time encoded as
// if it were UTC. DuckDB TIMESTAMP columns hold exactly that.

// minYear and maxYear bound a plausible date: anything outside is "out of range"
// (SPEC §3: stored blank with a warning, or a reject for received_at).
const (
	minYear = 1900
	maxYear = 2199
)

// builtinLayouts are tried (after the fast ISO path) for every date field; they are
// unambiguous year-first forms. Day-first and month-first forms need config.
var builtinLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05.999999999Z0700",
	"2006-01-02T15:04:05.999999999Z07",
	"2006-01-02 15:04:05.999999999Z07:00",
	"2006-01-02 15:04:05.999999999Z0700",
	"2006-01-02 15:04:05.999999999Z07",
	"2006-01-02 15:04:05.999999999 Z07:00",
	"2006-01-02 15:04:05.999999999 -0700 MST",
	"2006-01-02T15:04",
	"2006-01-02 15:04",
	"2006/1/2 15:04:05.999999999",
	"2006/1/2 15:04",
	"2006/1/2",
	"2006-1-2 15:04:05",
	"2006-1-2",
	"2006.1.2",
	"2006年1月2日 15:04:05",
	"2006年1月2日 15:04",
	"2006年1月2日",
	"20060102",
}

// timeVal is a parsed date or datetime.
type timeVal struct {
	civil    time.Time // wall clock as UTC (naive); for hasZone values the instant
	dateOnly bool      // no time of day given
	hasZone  bool      // the value carried an offset: civil is an instant
}

// parseISO is the allocation-free fast path for YYYY-MM-DD and
// YYYY-MM-DD[ T]HH:MM[:SS[.fffffffff]] without an offset.
func parseISO(s string) (timeVal, bool) {
	if len(s) < 10 || s[4] != '-' || s[7] != '-' {
		return timeVal{}, false
	}
	y, ok1 := digits(s[0:4])
	mo, ok2 := digits(s[5:7])
	d, ok3 := digits(s[8:10])
	if !ok1 || !ok2 || !ok3 {
		return timeVal{}, false
	}
	if len(s) == 10 {
		if !validDate(y, mo, d) {
			return timeVal{}, false
		}
		return timeVal{civil: time.Date(y, time.Month(mo), d, 0, 0, 0, 0, time.UTC), dateOnly: true}, true
	}
	if len(s) < 16 || (s[10] != ' ' && s[10] != 'T') || s[13] != ':' {
		return timeVal{}, false
	}
	h, ok4 := digits(s[11:13])
	mi, ok5 := digits(s[14:16])
	if !ok4 || !ok5 {
		return timeVal{}, false
	}
	sec, nsec := 0, 0
	rest := s[16:]
	if len(rest) > 0 {
		if len(rest) < 3 || rest[0] != ':' {
			return timeVal{}, false
		}
		var ok bool
		if sec, ok = digits(rest[1:3]); !ok {
			return timeVal{}, false
		}
		rest = rest[3:]
		if len(rest) > 0 {
			if rest[0] != '.' || len(rest) < 2 || len(rest) > 10 {
				return timeVal{}, false
			}
			frac, ok := digits(rest[1:])
			if !ok {
				return timeVal{}, false
			}
			for i := len(rest) - 1; i < 9; i++ {
				frac *= 10
			}
			nsec = frac
		}
	}
	if !validDate(y, mo, d) || h > 23 || mi > 59 || sec > 59 {
		return timeVal{}, false
	}
	return timeVal{civil: time.Date(y, time.Month(mo), d, h, mi, sec, nsec, time.UTC)}, true
}

func digits(s string) (int, bool) {
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, len(s) > 0
}

func validDate(y, m, d int) bool {
	if m < 1 || m > 12 || d < 1 {
		return false
	}
	return d <= daysIn(y, m)
}

func daysIn(y, m int) int {
	switch m {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// parseTime parses s with the fast ISO path, then the given layouts (config layouts
// come first when present, then the built-in ones). excelSerial lets a plain number
// stand for an Excel 1900-system date serial (xlsx sources only).
func parseTime(s string, layouts []string, excelSerial bool) (timeVal, bool) {
	if tv, ok := parseISO(s); ok {
		return tv, true
	}
	for _, l := range layouts {
		if tv, ok := parseLayout(s, l); ok {
			return tv, true
		}
	}
	for _, l := range builtinLayouts {
		if tv, ok := parseLayout(s, l); ok {
			return tv, true
		}
	}
	if excelSerial {
		if f, err := strconv.ParseFloat(s, 64); err == nil && f >= 1 && f < 2958466 {
			return excelSerialTime(f), true
		}
	}
	return timeVal{}, false
}

// excelSerialTime converts an Excel 1900-system serial (days since 1899-12-30, the
// 1900 leap-year bug included for serials from 61 on) to a naive wall time, rounded
// to the millisecond Excel stores.
func excelSerialTime(f float64) timeVal {
	days := math.Floor(f)
	ms := math.Round((f - days) * 86400000)
	base := time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)
	if f < 61 {
		base = base.AddDate(0, 0, 1) // serials 1..60 follow the fictitious 1900-02-29
	}
	t := base.AddDate(0, 0, int(days)).Add(time.Duration(ms) * time.Millisecond)
	return timeVal{civil: t, dateOnly: ms == 0}
}

func parseLayout(s, layout string) (timeVal, bool) {
	t, err := time.Parse(layout, s)
	if err != nil {
		return timeVal{}, false
	}
	hasZone := layoutHasZone(layout)
	tv := timeVal{civil: t, hasZone: hasZone}
	if !hasZone {
		// A layout without an hour (e.g. a bare "05" seconds field, found by
		// FuzzParseTime) can still set a clock: date-only means midnight too.
		tv.dateOnly = !layoutHasClock(layout) && t.Equal(time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, t.Location()))
	}
	return tv, true
}

func layoutHasZone(l string) bool {
	return strings.Contains(l, "Z07") || strings.Contains(l, "-07") || strings.Contains(l, "MST") || l == time.RFC3339Nano || l == time.RFC3339
}

func layoutHasClock(l string) bool {
	return strings.Contains(l, "15") || strings.Contains(l, "03") || strings.Contains(l, ":04") || strings.Contains(l, "3:04") || strings.Contains(l, "PM") || strings.Contains(l, "pm")
}

// zones converts parsed values to the global local zone.
type zones struct {
	src, dst *time.Location
	same     bool
}

func newZones(src, dst *time.Location) zones {
	return zones{src: src, dst: dst, same: src.String() == dst.String()}
}

// wall returns the naive local wall time (global zone) of a parsed datetime value.
func (z zones) wall(tv timeVal) time.Time {
	if tv.hasZone {
		l := tv.civil.In(z.dst)
		return time.Date(l.Year(), l.Month(), l.Day(), l.Hour(), l.Minute(), l.Second(), l.Nanosecond(), time.UTC)
	}
	if z.same {
		return tv.civil
	}
	c := tv.civil
	l := time.Date(c.Year(), c.Month(), c.Day(), c.Hour(), c.Minute(), c.Second(), c.Nanosecond(), z.src).In(z.dst)
	return time.Date(l.Year(), l.Month(), l.Day(), l.Hour(), l.Minute(), l.Second(), l.Nanosecond(), time.UTC)
}

// date returns the local calendar date (as naive midnight) of a value stored in a
// DATE field: a date-only value is that calendar date; a datetime is converted to
// the global zone first and then truncated.
func (z zones) date(tv timeVal) time.Time {
	if tv.dateOnly && !tv.hasZone {
		return tv.civil
	}
	w := z.wall(tv)
	return time.Date(w.Year(), w.Month(), w.Day(), 0, 0, 0, 0, time.UTC)
}

func inRange(t time.Time) bool {
	y := t.Year()
	return y >= minYear && y <= maxYear
}

// Enum aliases of SPEC §2 (canonical values plus the Chinese ones), from the registry.
var builtinEnums = spec.EnumAliases()

// builtinBools are the accepted boolean spellings; English ones in any letter case.
var builtinBools = map[string]bool{
	"true": true, "false": false, "1": true, "0": false, "是": true, "否": false,
	"yes": true, "no": false,
}

func parseBool(s string, extra map[string]string) (bool, bool) {
	if v, ok := extra[s]; ok {
		s = v
	}
	if b, ok := builtinBools[s]; ok {
		return b, true
	}
	b, ok := builtinBools[strings.ToLower(s)]
	return b, ok
}

// parseInt accepts an integer, or a number with a zero fraction as spreadsheets
// write them ("3.0").
func parseInt(s string) (int64, bool) {
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return n, true
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f != math.Trunc(f) || math.Abs(f) > 1e15 {
		return 0, false
	}
	return int64(f), true
}
