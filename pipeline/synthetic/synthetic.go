// Package synthetic is the deterministic generator of canonical petition records
// and the unit table (SPEC §2): same Params, byte-identical output.
package synthetic

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/xinfang/xinfang/config"
)

// Params selects what to generate.
type Params struct {
	Records int
	Seed    int64
	Years   int       // span of data ending on AsOf; default 5
	AsOf    time.Time // last day of data: its calendar date (Year/Month/Day as given)
	Loc     *time.Location
}

// Stats describes what was generated.
type Stats struct {
	Records     int
	Units       int
	First, Last time.Time // received_at of the earliest and latest record
}

// Generate writes the canonical petitions CSV and the units CSV.
// PRELIMINARY: the full generator replaces this body; the API is final.
func Generate(p Params, petitions io.Writer, units io.Writer) (Stats, error) {
	var st Stats
	if p.Records < 0 {
		return st, fmt.Errorf("synthetic: records must be >= 0, got %d", p.Records)
	}
	if p.Loc == nil {
		p.Loc = time.UTC
	}
	uw := bufio.NewWriter(units)
	uw.WriteString("unit_id,name,parent_id,level,sector,staff\nMOJ,司法部,,ministry,bureau,300\n")
	if err := uw.Flush(); err != nil {
		return st, fmt.Errorf("synthetic: write units: %w", err)
	}
	st.Units = 1
	w := bufio.NewWriter(petitions)
	for i, f := range config.CanonicalFields {
		if i > 0 {
			w.WriteByte(',')
		}
		w.WriteString(f.Name)
	}
	w.WriteByte('\n')
	y, m, d := p.AsOf.Date()
	day := time.Date(y, m, d, 9, 0, 0, 0, p.Loc)
	for i := 0; i < p.Records; i++ {
		w.WriteString("XF" + strconv.Itoa(i) + "," + day.Format("2006-01-02 15:04:05") + ",MOJ,,,,,,,,,,,,,,,,,,,,,\n")
	}
	if p.Records > 0 {
		st.First, st.Last = day, day
	}
	st.Records = p.Records
	if err := w.Flush(); err != nil {
		return st, fmt.Errorf("synthetic: write petitions: %w", err)
	}
	return st, nil
}

// GenerateFiles writes petitions.csv and units.csv into dir (created if needed).
func GenerateFiles(p Params, dir string) (petitionsPath, unitsPath string, st Stats, err error) {
	if err = os.MkdirAll(dir, 0o755); err != nil {
		return "", "", st, fmt.Errorf("synthetic: create %s: %w", dir, err)
	}
	petitionsPath = filepath.Join(dir, "petitions.csv")
	unitsPath = filepath.Join(dir, "units.csv")
	pf, err := os.Create(petitionsPath)
	if err != nil {
		return "", "", st, fmt.Errorf("synthetic: %w", err)
	}
	defer pf.Close()
	uf, err := os.Create(unitsPath)
	if err != nil {
		return "", "", st, fmt.Errorf("synthetic: %w", err)
	}
	defer uf.Close()
	if st, err = Generate(p, pf, uf); err != nil {
		return "", "", st, err
	}
	if err = pf.Close(); err != nil {
		return "", "", st, fmt.Errorf("synthetic: close %s: %w", petitionsPath, err)
	}
	if err = uf.Close(); err != nil {
		return "", "", st, fmt.Errorf("synthetic: close %s: %w", unitsPath, err)
	}
	return petitionsPath, unitsPath, st, nil
}
