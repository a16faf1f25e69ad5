package pipeline

import (
	"github.com/xinfang/xinfang/internal/spec"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/xinfang/xinfang/internal/config"
)

// Fuzz targets (issue 10): run briefly in CI by scripts/fuzz.sh, seed corpora in
// testdata/fuzz/<name>. Each checks that hostile input never panics and that what
// comes out keeps the stated invariants.

// FuzzParseTime: any string (and layout) either fails to parse or gives a value
// whose local wall time and calendar date are defined, the date at midnight.
func FuzzParseTime(f *testing.F) {
	for _, s := range []string{"2024-02-29", "2024-01-05 09:00:00", "2024-01-05T09:00:00+08:00", "2024/1/5", "45321.5", "01/02/2006 03:04:05 PM", "9999-12-31 23:59:59.999999999", "0000-00-00"} {
		f.Add(s, "", true)
	}
	f.Add("5 Jan 2024", "2 Jan 2006", false)
	sh, _ := time.LoadLocation("Asia/Shanghai")
	z := newZones(time.UTC, sh)
	f.Fuzz(func(t *testing.T, s, layout string, excel bool) {
		var layouts []string
		if layout != "" {
			layouts = []string{layout}
		}
		tv, ok := parseTime(s, layouts, excel)
		if !ok {
			return
		}
		w, d := z.wall(tv), z.date(tv)
		if d.Hour() != 0 || d.Minute() != 0 || d.Second() != 0 || d.Nanosecond() != 0 {
			t.Fatalf("%q: date %v has a clock", s, d)
		}
		if inRange(w) && !inRange(d) && d.Year() != w.Year()-1 && d.Year() != w.Year()+1 {
			t.Fatalf("%q: wall %v in range but date %v far from it", s, w, d)
		}
	})
}

// FuzzValueMapping: one raw value put in every canonical field of a record never
// panics; stored text is valid UTF-8 without NUL and at most MaxValueLen
// characters; every field either stores a value, warns, or rejects the record.
func FuzzValueMapping(f *testing.F) {
	for _, s := range []string{"", "满意", "是", "2024-01-05", "30", "31", "-1", "\x00", "\xff\xfe", "律师\xff执业", strings.Repeat("类", 300), "99999999999999999999", "  来访 "} {
		f.Add(s, "P1")
	}
	var header []string
	for i := 0; i < spec.NumFields; i++ {
		header = append(header, spec.Fields[i].Name)
	}
	src := &config.Source{Name: "fuzz", Kind: "csv", Mapping: config.Mapping{Personal: []string{"leader_owner"}}}
	m, err := newMapper(src, header, time.UTC, true)
	if err != nil {
		f.Fatal(err)
	}
	c := newConverter(m, []byte(testKey))
	f.Fuzz(func(t *testing.T, v, id string) {
		row := make([]string, spec.NumFields)
		for i := range row {
			row[i] = v
		}
		row[spec.PetitionID], row[spec.ReceivedAt], row[spec.UnitID] = id, "2024-01-05", "U1"
		before, rejBefore := len(c.issues), c.rejects
		c.add(row, 2)
		if c.rejects > rejBefore {
			return
		}
		for i := 0; i < spec.NumFields; i++ {
			if spec.Fields[i].Kind != spec.String || !c.present[i] {
				continue
			}
			s := c.vals[i]
			if !utf8.ValidString(s) || strings.IndexByte(s, 0) >= 0 || utf8.RuneCountInString(s) > MaxValueLen {
				t.Fatalf("%s stored %q", spec.Fields[i].Name, s)
			}
		}
		for _, is := range c.issues[before:] {
			if utf8.RuneCountInString(is.value) > MaxValueLen+1 {
				t.Fatalf("issue value of %d characters", utf8.RuneCountInString(is.value))
			}
		}
		if c.n >= recordRows-1 {
			if rec := c.flush(); rec != nil {
				rec.Release()
			}
		}
	})
}

// FuzzDelimitedReader: any file bytes either are refused at open or read to the
// end, row by row, without a panic, with row numbers increasing.
func FuzzDelimitedReader(f *testing.F) {
	for _, s := range []string{
		"petition_id,received_at,unit_id\nP1,2024-01-05,U1\n",
		"\xEF\xBB\xBFa,b\n\"x,\ny\",2\n",
		"a\tb\n1\t2\n",
		"a,b\n\"unterminated,1\n",
		"\xb1\xe0\xba\xc5,x\n1,2\n",
		"a,b\n\x00\x00,\xff\n",
		"",
	} {
		f.Add([]byte(s), ",")
	}
	f.Add([]byte("a\tb\n1\t2\n"), `\t`)
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte, delim string) {
		p := filepath.Join(dir, "in.csv")
		if err := os.WriteFile(p, data, 0o600); err != nil {
			t.Fatal(err)
		}
		if !utf8.ValidString(delim) || delim == "\"" || strings.ContainsAny(delim, "\r\n") || delim == string(utf8.RuneError) {
			delim = ","
		}
		r, err := openDelimited(p, "auto", delim, 1)
		if err != nil {
			return
		}
		defer r.Close()
		var last int64
		for i := 0; i < 1_000_000; i++ {
			_, n, err := r.Next()
			if err == io.EOF {
				return
			}
			if _, ok := err.(*rowError); err != nil && !ok {
				return
			}
			if n <= last {
				t.Fatalf("row number %d after %d", n, last)
			}
			last = n
		}
	})
}
