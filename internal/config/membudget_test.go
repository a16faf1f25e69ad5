package config

import "testing"

// The reserve outside DuckDB is a fifth of the limit within [256 MiB, 1 GiB], and the
// Go heap gets half of it, and the reserve never exceeds half the limit: 2GB → reserve
// 400 MB (DuckDB 1.6 GB, heap 200 MB); 8GB → 1.6 GB capped at 1 GiB; 512MB → 102.4 MB
// raised to 256 MiB, then held to half of 512 MB (DuckDB 256 MB, heap 128 MB).
func TestMemoryBudget(t *testing.T) {
	for _, c := range []struct {
		limit        string
		duck, goHeap int64
	}{
		{"2GB", 1_600_000_000, 200_000_000},
		{"8GB", 8_000_000_000 - 1<<30, 1 << 29},
		{"512MB", 256_000_000, 128_000_000},
	} {
		b, ok := DuckDB{MemoryLimit: c.limit}.Budget()
		if !ok || b.DuckDB != c.duck || b.GoHeap != c.goHeap {
			t.Errorf("Budget(%q) = %+v, %v; want duck %d, heap %d", c.limit, b, ok, c.duck, c.goHeap)
		}
	}
	if _, ok := (DuckDB{}).Budget(); ok {
		t.Error("no limit gave a budget")
	}
	if got := (DuckDB{MemoryLimit: "2GB"}).RestoreSetting(); got != "SET memory_limit = '2GB'" {
		t.Errorf("restore = %q", got)
	}
}
