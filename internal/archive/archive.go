// Package archive knows the layout of the quarterly review archive under the
// reports folder (reports_dir/archive/<quarter>/, its marts/ Parquet snapshot) and
// how quarters are named. It imports nothing of ours, so the report, the
// orchestrator and the scheduler can all ask it without importing one another.
package archive

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"time"
)

// ErrArchived is returned when a quarter already has an archive: archives are
// never overwritten.
var ErrArchived = errors.New("quarter already archived")

// ParseQuarter parses "2026-Q3" and returns the quarter's first and last day (UTC midnight).
func ParseQuarter(q string) (start, end time.Time, err error) {
	var y, n int
	if _, err := fmt.Sscanf(q, "%d-Q%d", &y, &n); err != nil || n < 1 || n > 4 || y < 1900 || y > 9999 || fmt.Sprintf("%d-Q%d", y, n) != q {
		return start, end, fmt.Errorf("quarter %q: want YYYY-Qn, e.g. 2026-Q3", q)
	}
	start = time.Date(y, time.Month(3*(n-1)+1), 1, 0, 0, 0, 0, time.UTC)
	end = start.AddDate(0, 3, -1)
	return start, end, nil
}

// Root is the folder holding every archived quarter.
func Root(reportsDir string) string { return filepath.Join(reportsDir, "archive") }

// Dir is the folder of one archived quarter.
func Dir(reportsDir, quarter string) string { return filepath.Join(Root(reportsDir), quarter) }

// MartsDir is the Parquet snapshot of the marts a review was drawn from, relative
// to the review's folder (so a copied archive stays whole).
const MartsDir = "marts"

// Exists reports whether quarter is archived under reportsDir.
func Exists(reportsDir, quarter string) bool {
	st, err := os.Stat(Dir(reportsDir, quarter))
	return err == nil && st.IsDir()
}

// List returns the quarters archived under reportsDir, newest first.
func List(reportsDir string) []string {
	entries, err := os.ReadDir(Root(reportsDir))
	if err != nil {
		return nil
	}
	var out []string
	for _, e := range entries {
		if _, _, err := ParseQuarter(e.Name()); err == nil && e.IsDir() {
			out = append(out, e.Name())
		}
	}
	sort.Sort(sort.Reverse(sort.StringSlice(out)))
	return out
}
