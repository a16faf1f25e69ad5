package config

import (
	"strings"
	"testing"
	"time"
)

func TestParseCronDefaultsAndMalformed(t *testing.T) {
	loc, _ := time.LoadLocation("Asia/Shanghai")
	d := Default()
	s, err := ParseCron(d.Jobs.Nightly)
	if err != nil {
		t.Fatal(err)
	}
	// Nightly "0 0 2 * * *": the next fire after 2026-03-05 10:00 is 2026-03-06 02:00.
	got := s.Next(time.Date(2026, 3, 5, 10, 0, 0, 0, loc))
	if want := time.Date(2026, 3, 6, 2, 0, 0, 0, loc); !got.Equal(want) {
		t.Errorf("nightly next = %v, want %v", got, want)
	}
	q, err := ParseCron(d.Jobs.Quarterly)
	if err != nil {
		t.Fatal(err)
	}
	// Quarterly "0 0 6 1 1,4,7,10 *": after 2026-05-20 the next is 2026-07-01 06:00.
	got = q.Next(time.Date(2026, 5, 20, 0, 0, 0, 0, loc))
	if want := time.Date(2026, 7, 1, 6, 0, 0, 0, loc); !got.Equal(want) {
		t.Errorf("quarterly next = %v, want %v", got, want)
	}
	for _, bad := range []string{"", "* * *", "0 0 25 * * *", "TZ=Asia/Shanghai", "CRON_TZ=UTC 0 0 2 * * *", "0 0 2 * * * *", "*/0 * * * * *", "a b c d e f", "@every x"} {
		if _, err := ParseCron(bad); err == nil {
			t.Errorf("ParseCron(%q) accepted a malformed spec", bad)
		}
	}
}

func TestValidateJobSpecsNamesKeyAndLine(t *testing.T) {
	_, err := Parse("x.yaml", []byte("jobs:\n  nightly: \"0 0 2 * *\"\n  hourly_pull: \"TZ=UTC\"\n"))
	if err == nil {
		t.Fatal("bad cron specs accepted")
	}
	msg := err.Error()
	for _, want := range []string{"jobs.nightly", "x.yaml:2", "jobs.hourly_pull", "x.yaml:3"} {
		if !strings.Contains(msg, want) {
			t.Errorf("error %q does not mention %q", msg, want)
		}
	}
	if _, err := Parse("ok.yaml", []byte("jobs:\n  hourly_pull: \"0 5 * * * *\"\n  backoff: 2s\n")); err != nil {
		t.Errorf("valid jobs config refused: %v", err)
	}
}
