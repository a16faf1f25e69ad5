package pipeline

import (
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/xinfang/xinfang/internal/config"
)

func TestParseTime(t *testing.T) {
	cases := []struct {
		in      string
		layouts []string
		excel   bool
		want    string // "" = unparseable
		date    bool
		zone    bool
	}{
		{in: "2024-02-29", want: "2024-02-29 00:00:00", date: true},
		{in: "2023-02-29", want: ""}, // not a leap year
		{in: "2024-13-01", want: ""},
		{in: "2024-01-05 09:07:03", want: "2024-01-05 09:07:03"},
		{in: "2024-01-05T09:07:03.25", want: "2024-01-05 09:07:03.25"},
		{in: "2024-01-05 24:00:00", want: ""},
		{in: "2024-01-05 09:07", want: "2024-01-05 09:07:00"},
		{in: "2024-01-05T09:07:03+08:00", want: "2024-01-05 01:07:03", zone: true}, // the instant, shown in UTC
		{in: "2024-01-05 09:07:03+08", want: "2024-01-05 01:07:03", zone: true},
		{in: "2019/4/25 9:32:09", want: "2019-04-25 09:32:09"},
		{in: "2018/4/24", want: "2018-04-24 00:00:00", date: true},
		{in: "2024年3月6日", want: "2024-03-06 00:00:00", date: true},
		{in: "04/12/2018 11:11:26 PM", layouts: []string{"01/02/2006 03:04:05 PM"}, want: "2018-04-12 23:11:26"},
		{in: "04/12/2018 11:11:26 PM", want: ""}, // month-first needs a configured layout
		// Excel serials (xlsx only): 43563.359259259261 = 2019-04-08 08:37:20; 60 is 1900-02-29 in Excel's calendar.
		{in: "43563.359259259261", excel: true, want: "2019-04-08 08:37:20"},
		{in: "45357", excel: true, want: "2024-03-06 00:00:00", date: true},
		{in: "45357", want: ""},
		{in: "garbage", excel: true, want: ""},
	}
	for _, c := range cases {
		tv, ok := parseTime(c.in, c.layouts, c.excel)
		got := ""
		if ok {
			got = tv.civil.UTC().Format("2006-01-02 15:04:05.999999999")
		}
		if got != c.want || (ok && (tv.dateOnly != c.date || tv.hasZone != c.zone)) {
			t.Errorf("parseTime(%q) = %q date=%v zone=%v; want %q date=%v zone=%v", c.in, got, tv.dateOnly, tv.hasZone, c.want, c.date, c.zone)
		}
	}
}

func TestZonesDateField(t *testing.T) {
	ny, _ := time.LoadLocation("America/New_York")
	sh, _ := time.LoadLocation("Asia/Shanghai")
	z := newZones(ny, sh)
	tv, _ := parseTime("2024-01-05 20:00:00", nil, false) // 20:00 NY = 09:00 next day Shanghai
	if d := z.date(tv).Format("2006-01-02"); d != "2024-01-06" {
		t.Errorf("datetime in a DATE field: %s", d)
	}
	tv, _ = parseTime("2024-01-05", nil, false) // a calendar date stays that date
	if d := z.date(tv).Format("2006-01-02"); d != "2024-01-05" {
		t.Errorf("date in a DATE field: %s", d)
	}
}

func TestDetectEncoding(t *testing.T) {
	gb := func(s string) []byte {
		b, err := simplifiedchinese.GB18030.NewEncoder().Bytes([]byte(s))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	cases := []struct {
		name, declared string
		data           []byte
		want           string // "" = refused
	}{
		{"BOM", "", []byte("\xEF\xBB\xBFa,b\n"), "utf-8"},
		{"utf-8", "auto", []byte("编号,日期\n"), "utf-8"},
		{"gb18030", "", []byte("\xb1\xe0\xba\xc5,x\n"), "gb18030"}, // "编号" in GB18030
		{"declared", "GBK", []byte("abc"), "gbk"},
		// Issue 10 item 6: one bad byte among valid UTF-8 Chinese stays UTF-8 (the
		// byte becomes a field warning) instead of flipping the file to GB18030.
		{"utf-8 with one bad byte", "", append([]byte("律师执业,律师事务所,公证处\n"), 0xff, '\n'), "utf-8"},
		{"gbk text", "", gb("律师执业,律师事务所,公证处,司法鉴定\n"), "gb18030"},
		// Half valid UTF-8 Chinese, half GBK: no encoding reads it right.
		{"mixed", "", append([]byte("律师执业\n"), gb("律师执业\n")...), ""},
	}
	for _, c := range cases {
		got, err := detectEncoding(c.declared, c.data)
		if got != c.want || (c.want == "") != (err != nil) {
			t.Errorf("%s: got %q, %v; want %q", c.name, got, err, c.want)
		}
		if err != nil && !strings.Contains(err.Error(), "encoding:") {
			t.Errorf("%s: refusal does not say how to declare the encoding: %v", c.name, err)
		}
	}
}

// A --source selection keeps exactly the named sources, in config order, and names the
// unknown ones; this once let every source after the first named one through.
func TestSelectSources(t *testing.T) {
	cfg := config.Default()
	cfg.Sources = []config.Source{{Name: "a"}, {Name: "b"}, {Name: "c", Incremental: true}}
	names := func(opt IngestOptions) string {
		got, err := selectSources(cfg, opt)
		if err != nil {
			return "error: " + err.Error()
		}
		var n []string
		for _, s := range got {
			n = append(n, s.Name)
		}
		return strings.Join(n, ",")
	}
	for _, tc := range []struct {
		opt  IngestOptions
		want string
	}{
		{IngestOptions{}, "a,b,c"},
		{IngestOptions{Sources: []string{"a"}}, "a"},
		{IngestOptions{Sources: []string{"c", "a"}}, "a,c"},
		{IngestOptions{Incremental: true}, "c"},
		{IngestOptions{Sources: []string{"a"}, Incremental: true}, ""},
	} {
		if got := names(tc.opt); got != tc.want {
			t.Errorf("selectSources(%+v) = %q, want %q", tc.opt, got, tc.want)
		}
	}
	if got := names(IngestOptions{Sources: []string{"a", "zz"}}); !strings.Contains(got, "unknown source(s) zz") {
		t.Errorf("unknown source: %q", got)
	}
}
