package pipeline

import (
	"strings"
	"testing"
	"time"

	"github.com/xinfang/xinfang/config"
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
	if e := detectEncoding("", []byte("\xEF\xBB\xBFa,b\n")); e != "utf-8" {
		t.Error("BOM:", e)
	}
	if e := detectEncoding("auto", []byte("编号,日期\n")); e != "utf-8" {
		t.Error("utf-8:", e)
	}
	// "编号" in GB18030 is not valid UTF-8.
	if e := detectEncoding("", []byte("\xb1\xe0\xba\xc5,x\n")); e != "gb18030" {
		t.Error("gb18030:", e)
	}
	// A UTF-8 sample cut inside a rune is still UTF-8.
	if e := detectEncoding("", []byte("编号")[:5]); e != "utf-8" {
		t.Error("cut rune:", e)
	}
	if e := detectEncoding("GBK", []byte("abc")); e != "gbk" {
		t.Error("declared:", e)
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
