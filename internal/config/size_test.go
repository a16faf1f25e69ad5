package config

import "testing"

// ParseSize follows DuckDB's units: KB/MB/GB are powers of 1000, KiB/MiB/GiB of 1024.
func TestParseSize(t *testing.T) {
	for _, c := range []struct {
		in   string
		want int64
		ok   bool
	}{
		{"2GB", 2_000_000_000, true}, {"2GiB", 2 << 30, true}, {"1.5MB", 1_500_000, true},
		{"512 mb", 512_000_000, true}, {"2XB", 0, false}, {"GB", 0, false}, {"", 0, false},
	} {
		got, ok := ParseSize(c.in)
		if got != c.want || ok != c.ok {
			t.Errorf("ParseSize(%q) = %d, %v; want %d, %v", c.in, got, ok, c.want, c.ok)
		}
	}
}
