package config

import "fmt"

// duckdb.memory_limit is the budget of the whole process, but DuckDB's limit covers only
// its buffer manager: the process also holds the binary, the Go heap (an ingest's records
// in flight) and DuckDB's own untracked allocations, which a 10M-record build measured at
// 12–17 % over the limit. So ingest and compute give DuckDB the limit minus a reserve for
// the rest, and ingest caps the Go heap at half of that reserve (a soft limit: the GC works
// harder as it nears it).

// MemoryBudget is how a writing step splits duckdb.memory_limit, in bytes.
type MemoryBudget struct {
	Limit, DuckDB, GoHeap int64
}

// Budget splits the configured limit: the reserve outside DuckDB is a fifth of it, at least
// 256 MB and at most 1 GiB, and never more than half the limit. ok is false without a
// (readable) limit.
func (d DuckDB) Budget() (MemoryBudget, bool) {
	n, ok := ParseSize(d.MemoryLimit)
	if !ok || n <= 0 {
		return MemoryBudget{}, false
	}
	reserve := min(max(n/5, 256<<20), 1<<30)
	if reserve > n/2 {
		reserve = n / 2
	}
	return MemoryBudget{Limit: n, DuckDB: n - reserve, GoHeap: reserve / 2}, true
}

// DuckDBSetting is the SET statement giving DuckDB its share.
func (b MemoryBudget) DuckDBSetting() string {
	return fmt.Sprintf("SET memory_limit = '%dB'", b.DuckDB)
}

// RestoreSetting is the SET statement giving DuckDB the configured limit again.
func (d DuckDB) RestoreSetting() string {
	return "SET memory_limit = '" + sqlQuoteless(d.MemoryLimit) + "'"
}

// sqlQuoteless drops quotes: a validated size never has any, and the value goes into a
// SET statement as a literal.
func sqlQuoteless(s string) string {
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] != '\'' {
			out = append(out, s[i])
		}
	}
	return string(out)
}
