package synthetic

import (
	"bytes"
	"encoding/csv"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/xinfang/xinfang/internal/spec"
)

var shanghai = func() *time.Location {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		return time.FixedZone("CST", 8*3600)
	}
	return loc
}()

var testAsOf = time.Date(2026, 3, 31, 0, 0, 0, 0, shanghai)

func testParams(n int) Params {
	return Params{Records: n, Seed: 42, Years: 5, AsOf: testAsOf, Loc: shanghai}
}

// sample is one generated data set shared by the property tests.
type sample struct {
	st     Stats
	header []string
	rows   [][]string
	uhead  []string
	units  [][]string
	col    map[string]int
}

var (
	sampleOnce sync.Once
	shared     sample
	sampleErr  error
)

func getSample(t *testing.T) *sample {
	t.Helper()
	sampleOnce.Do(func() {
		var pb, ub bytes.Buffer
		shared.st, sampleErr = Generate(testParams(120000), &pb, &ub)
		if sampleErr != nil {
			return
		}
		all, err := csv.NewReader(&pb).ReadAll()
		if err != nil {
			sampleErr = err
			return
		}
		shared.header, shared.rows = all[0], all[1:]
		uall, err := csv.NewReader(&ub).ReadAll()
		if err != nil {
			sampleErr = err
			return
		}
		shared.uhead, shared.units = uall[0], uall[1:]
		shared.col = map[string]int{}
		for i, h := range shared.header {
			shared.col[h] = i
		}
	})
	if sampleErr != nil {
		t.Fatalf("generate: %v", sampleErr)
	}
	return &shared
}

func (s *sample) get(row []string, field string) string { return row[s.col[field]] }

func TestDeterministic(t *testing.T) {
	gen := func(p Params) ([]byte, []byte) {
		var pb, ub bytes.Buffer
		if _, err := Generate(p, &pb, &ub); err != nil {
			t.Fatal(err)
		}
		return pb.Bytes(), ub.Bytes()
	}
	p1, u1 := gen(testParams(30000))
	p2, u2 := gen(testParams(30000))
	if !bytes.Equal(p1, p2) || !bytes.Equal(u1, u2) {
		t.Fatal("same Params gave different output")
	}
	other := testParams(30000)
	other.Seed = 43
	p3, _ := gen(other)
	if bytes.Equal(p1, p3) {
		t.Fatal("a different seed gave the same petitions")
	}
}

func TestHeader(t *testing.T) {
	s := getSample(t)
	if len(s.header) != len(spec.Fields) {
		t.Fatalf("header has %d fields, want %d", len(s.header), len(spec.Fields))
	}
	for i, f := range spec.Fields {
		if s.header[i] != f.Name {
			t.Errorf("header[%d] = %q, want %q", i, s.header[i], f.Name)
		}
	}
	for i, h := range UnitsHeader {
		if s.uhead[i] != h {
			t.Errorf("units header[%d] = %q, want %q", i, s.uhead[i], h)
		}
	}
	if s.st.Records != len(s.rows) || s.st.Records != 120000 {
		t.Errorf("Stats.Records = %d, rows = %d, want 120000", s.st.Records, len(s.rows))
	}
	if s.st.Units != len(s.units) {
		t.Errorf("Stats.Units = %d, units rows = %d", s.st.Units, len(s.units))
	}
}

var enums = map[string]map[string]bool{
	"channel":            {"": true, "letter": true, "visit": true, "online": true, "phone": true, "other": true},
	"source_type":        {"": true, "self": true, "transferred": true, "assigned": true, "supervised": true},
	"justified":          {"": true, "justified": true, "partly": true, "unjustified": true, "undetermined": true},
	"satisfaction":       {"": true, "satisfied": true, "basically": true, "unsatisfied": true, "unrated": true},
	"listed_supervision": {"": true, "true": true, "false": true},
	"mass_incident":      {"": true, "true": true, "false": true},
	"traced_fault":       {"": true, "true": true, "false": true},
}

// idCardValid checks the ISO 7064 MOD 11-2 check character of an 18-character ID number.
func idCardValid(s string) bool {
	if len(s) != 18 {
		return false
	}
	w := [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i := range 17 {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
		sum += int(s[i]-'0') * w[i]
	}
	return s[17] == "10X98765432"[sum%11]
}

func TestRecordsValid(t *testing.T) {
	s := getSample(t)
	known := map[string]bool{}
	for _, u := range s.units {
		known[u[0]] = true
	}
	cats := map[string]bool{"": true}
	for _, c := range Categories {
		cats[c] = true
	}
	asOfEnd := time.Date(2026, 3, 31, 23, 59, 59, 0, shanghai)
	first := time.Date(2021, 4, 1, 0, 0, 0, 0, shanghai)
	ids := map[string]bool{}
	parseDT := func(row int, f, v string) time.Time {
		tm, err := time.ParseInLocation("2006-01-02 15:04:05", v, shanghai)
		if err != nil {
			t.Fatalf("row %d %s: %v", row, f, err)
		}
		return tm
	}
	parseD := func(row int, f, v string) time.Time {
		tm, err := time.ParseInLocation("2006-01-02", v, shanghai)
		if err != nil {
			t.Fatalf("row %d %s: %v", row, f, err)
		}
		return tm
	}
	errs := 0
	fail := func(row int, format string, args ...any) {
		errs++
		if errs < 20 {
			t.Errorf("row %d: "+format, append([]any{row}, args...)...)
		}
	}
	var prev time.Time
	for i, r := range s.rows {
		if len(r) != len(s.header) {
			t.Fatalf("row %d has %d fields", i, len(r))
		}
		id := s.get(r, "petition_id")
		if id == "" || ids[id] {
			fail(i, "petition_id %q blank or duplicate", id)
		}
		ids[id] = true
		recv := parseDT(i, "received_at", s.get(r, "received_at"))
		if recv.Before(first) || recv.After(asOfEnd) {
			fail(i, "received_at %v outside the data span", recv)
		}
		if recv.Before(prev) {
			fail(i, "not sorted by received_at")
		}
		prev = recv
		recvDay := parseD(i, "received_at", s.get(r, "received_at")[:10])
		if !known[s.get(r, "unit_id")] {
			fail(i, "unknown unit %q", s.get(r, "unit_id"))
		}
		if p := s.get(r, "petitioner_id"); p != "" && !idCardValid(p) {
			fail(i, "petitioner_id %q is not ID-card-like", p)
		}
		for f, set := range enums {
			if !set[s.get(r, f)] {
				fail(i, "%s = %q not canonical", f, s.get(r, f))
			}
		}
		if !cats[s.get(r, "category")] {
			fail(i, "category %q", s.get(r, "category"))
		}
		if h := s.get(r, "headcount"); h != "" {
			if n, err := strconv.Atoi(h); err != nil || n < 1 {
				fail(i, "headcount %q", h)
			}
		}
		if e := s.get(r, "extension_days"); e != "" {
			if n, err := strconv.Atoi(e); err != nil || n < 0 || n > 30 {
				fail(i, "extension_days %q", e)
			}
		}
		if h := s.get(r, "handler_id"); h != "" && (len(h) < 5 || h[0] != 'H') {
			fail(i, "handler_id %q", h)
		}
		// Events: never after AsOf, never before receipt.
		var closed time.Time
		if c := s.get(r, "closed_at"); c != "" {
			closed = parseDT(i, "closed_at", c)
			if closed.Before(recv) || closed.After(asOfEnd) {
				fail(i, "closed_at %v vs received %v / AsOf", closed, recv)
			}
		}
		for _, f := range []string{"accepted_at", "feedback_at", "followup_at"} {
			if v := s.get(r, f); v != "" {
				d := parseD(i, f, v)
				if d.Before(recvDay) || d.After(asOfEnd) {
					fail(i, "%s %v vs received %v / AsOf", f, d, recvDay)
				}
				if f == "followup_at" && (closed.IsZero() || v < s.get(r, "closed_at")[:10]) {
					fail(i, "followup_at %v without or before closure %v", d, closed)
				}
			}
		}
		for _, f := range []string{"feedback_due", "due_at"} {
			if v := s.get(r, f); v != "" && parseD(i, f, v).Before(recvDay) {
				fail(i, "%s before receipt", f)
			}
		}
		if s.get(r, "feedback_due") != "" && s.get(r, "source_type") == "self" {
			fail(i, "feedback_due on a self-accepted record")
		}
		up := parseDT(i, "updated_at", s.get(r, "updated_at"))
		if up.Before(recv) || up.After(asOfEnd) || (!closed.IsZero() && up.Before(closed)) {
			fail(i, "updated_at %v before receipt/closure or after AsOf", up)
		}
		if closed.IsZero() && (s.get(r, "justified") != "" || s.get(r, "satisfaction") != "") {
			fail(i, "open record with justified/satisfaction")
		}
	}
	if !s.st.First.Equal(parseDT(0, "received_at", s.get(s.rows[0], "received_at"))) ||
		!s.st.Last.Equal(parseDT(0, "received_at", s.get(s.rows[len(s.rows)-1], "received_at"))) {
		t.Errorf("Stats First/Last %v %v do not match the data", s.st.First, s.st.Last)
	}
}

func TestUnitTree(t *testing.T) {
	s := getSample(t)
	byID := map[string][]string{}
	levels := map[string]int{}
	sectors := map[string]int{}
	validLevel := map[string]bool{"ministry": true, "province": true, "city": true, "county": true, "facility": true}
	validSector := map[string]bool{}
	for _, sec := range Sectors {
		validSector[sec] = true
	}
	roots := 0
	for _, u := range s.units {
		if byID[u[0]] != nil {
			t.Errorf("duplicate unit %s", u[0])
		}
		byID[u[0]] = u
		if u[1] == "" {
			t.Errorf("unit %s has no name", u[0])
		}
		if !validLevel[u[3]] || !validSector[u[4]] {
			t.Errorf("unit %s: level %q sector %q", u[0], u[3], u[4])
		}
		if n, err := strconv.Atoi(u[5]); err != nil || n < 1 {
			t.Errorf("unit %s staff %q", u[0], u[5])
		}
		levels[u[3]]++
		sectors[u[4]]++
		if u[2] == "" {
			roots++
			if u[3] != "ministry" {
				t.Errorf("root %s is %s, want ministry", u[0], u[3])
			}
		}
	}
	if roots != 1 || levels["ministry"] != 1 {
		t.Errorf("%d roots, %d ministries; want exactly one", roots, levels["ministry"])
	}
	// Every unit reaches the root by parents, without cycles.
	for id := range byID {
		seen := map[string]bool{}
		for cur := id; byID[cur][2] != ""; cur = byID[cur][2] {
			if seen[cur] {
				t.Fatalf("cycle through %s", cur)
			}
			seen[cur] = true
			if byID[byID[cur][2]] == nil {
				t.Fatalf("unit %s: parent %s missing", cur, byID[cur][2])
			}
		}
	}
	if levels["province"] < 6 || levels["province"] > 10 {
		t.Errorf("%d provinces, want about 8", levels["province"])
	}
	if len(s.units) < 200 || len(s.units) > 700 {
		t.Errorf("%d units, want a few hundred", len(s.units))
	}
	for _, sec := range Sectors {
		if sectors[sec] == 0 {
			t.Errorf("no unit of sector %s", sec)
		}
	}
	if levels["city"] == 0 || levels["county"] == 0 || levels["facility"] == 0 {
		t.Errorf("levels %v: want cities, counties and facilities", levels)
	}
}

// monthTotals sums records by calendar month over all years, and by year.
func totals(s *sample) (byMonth [13]int, byYear map[int]int) {
	byYear = map[int]int{}
	for _, r := range s.rows {
		v := s.get(r, "received_at")
		y, _ := strconv.Atoi(v[:4])
		m, _ := strconv.Atoi(v[5:7])
		byMonth[m]++
		byYear[y]++
	}
	return
}

func TestSeasonality(t *testing.T) {
	byMonth, _ := totals(getSample(t))
	if byMonth[3] <= byMonth[2] {
		t.Errorf("March %d not above February %d", byMonth[3], byMonth[2])
	}
	// March is the peak month of the year.
	for m := 1; m <= 12; m++ {
		if m != 3 && byMonth[m] >= byMonth[3] {
			t.Errorf("month %d (%d) not below March (%d)", m, byMonth[m], byMonth[3])
		}
	}
}

func TestDecliningYears(t *testing.T) {
	_, byYear := totals(getSample(t))
	// Complete calendar years inside 2021-04-01 … 2026-03-31: 2022 … 2025.
	complete := []int{2022, 2023, 2024, 2025}
	for i := 1; i < len(complete); i++ {
		a, b := byYear[complete[i-1]], byYear[complete[i]]
		if b >= a {
			t.Errorf("year %d total %d not below %d's %d", complete[i], b, complete[i-1], a)
		}
		// The generator declines by e^-0.055 ≈ 0.946 a year (allocateDays); day counts
		// are exact (cumulative rounding), so the year ratio moves only with the unit
		// mix and the holiday calendar, by a point or two. 0.85 is that expectation
		// less ten points: a fall that steep means the decline term changed.
		if float64(b) < 0.85*float64(a) {
			t.Errorf("year %d fell %d -> %d: more than a few percent", complete[i], a, b)
		}
	}
}

func TestUnitsRiseAndFall(t *testing.T) {
	s := getSample(t)
	uy := map[string][2]int{}
	for _, r := range s.rows {
		y := s.get(r, "received_at")[:4]
		c := uy[s.get(r, "unit_id")]
		switch y {
		case "2022":
			c[0]++
		case "2025":
			c[1]++
		}
		uy[s.get(r, "unit_id")] = c
	}
	rising, falling, considered := 0, 0, 0
	for _, c := range uy {
		if c[0] < 100 {
			continue // too small to say
		}
		considered++
		if float64(c[1]) > 1.1*float64(c[0]) {
			rising++
		}
		if float64(c[1]) < 0.9*float64(c[0]) {
			falling++
		}
	}
	t.Logf("of %d units with >= 100 records in 2022: %d rising, %d falling", considered, rising, falling)
	// Expected share of rising units, from the generator's parameters: 12 % of units
	// grow their share by g ~ U(0.06, 0.14) a year against the overall e^-0.055, so
	// over 2022 → 2025 they change by e^(3(g − 0.055)); more than +10 % needs
	// g > 0.055 + ln(1.1)/3 ≈ 0.087, which is (0.14 − 0.087)/0.08 ≈ 66 % of them:
	// ≈ 8 % of units. The other units' shares drift by N(0, 0.03) a year, and a unit
	// with ~100 records a year has ±14 % counting noise, which moves units both ways;
	// 3 % is the 8 % less that slack, and most units must still fall.
	if rising*100 < 3*considered || falling <= rising {
		t.Errorf("rising %d, falling %d units: want some rising, most falling", rising, falling)
	}
}

func TestVetoConcentration(t *testing.T) {
	s := getSample(t)
	type key struct {
		unit string
		year string
	}
	n := map[key]int{}
	for _, r := range s.rows {
		if j := s.get(r, "justified"); j == "justified" || j == "partly" {
			n[key{s.get(r, "unit_id"), s.get(r, "closed_at")[:4]}]++
		}
	}
	vetoed := map[string]bool{}
	years := map[string]int{} // complete years (2022 … 2025) in which the unit trips
	for k, v := range n {
		if v >= 3 {
			vetoed[k.unit] = true
			if k.year >= "2022" && k.year <= "2025" {
				years[k.unit]++
			}
		}
	}
	persistent := 0
	for _, c := range years {
		if c >= 3 {
			persistent++
		}
	}
	t.Logf("%d of %d units vetoed in some year, %d in at least 3 of the 4 complete years", len(vetoed), len(s.units), persistent)
	if len(vetoed) == 0 {
		t.Fatal("no unit reaches 3 justified+partly complaints in any year")
	}
	// Concentrated: a handful of units trip year after year (chance alone rarely does that).
	if persistent < 3 {
		t.Errorf("only %d units trip the veto in 3 or more complete years: want a concentrated handful", persistent)
	}
	if len(vetoed)*4 > len(s.units) {
		t.Errorf("%d of %d units vetoed in some year: want a handful, not most", len(vetoed), len(s.units))
	}
}

func TestShapes(t *testing.T) {
	s := getSample(t)
	asOf := "2026-03-31"
	threads := map[string]int{}
	collective, mass, transferredLate, open, withMatter, blankMatter := 0, 0, 0, 0, 0, 0
	massYear := map[string]int{}
	for _, r := range s.rows {
		if p, m := s.get(r, "petitioner_id"), s.get(r, "matter_id"); p != "" && m != "" {
			threads[p+"|"+m]++
		}
		if s.get(r, "matter_id") == "" {
			blankMatter++
		} else {
			withMatter++
		}
		if h, _ := strconv.Atoi(s.get(r, "headcount")); s.get(r, "channel") == "visit" && h >= 5 {
			collective++
		}
		if s.get(r, "mass_incident") == "true" {
			mass++
			massYear[s.get(r, "received_at")[:4]]++
		}
		if fd, fa := s.get(r, "feedback_due"), s.get(r, "feedback_at"); fd != "" && fa > fd {
			transferredLate++
		}
		if s.get(r, "closed_at") == "" && s.get(r, "received_at")[:10] < asOf {
			open++
		}
	}
	maxThread := 0
	for _, v := range threads {
		maxThread = max(maxThread, v)
	}
	if maxThread < 10 {
		t.Errorf("largest same-petitioner same-matter thread has %d records: want a heavy tail", maxThread)
	}
	if withMatter == 0 || blankMatter == 0 {
		t.Errorf("matter_id set on %d, blank on %d: want both", withMatter, blankMatter)
	}
	if collective == 0 || transferredLate == 0 || open == 0 {
		t.Errorf("collective %d, late feedback %d, open %d: want all present", collective, transferredLate, open)
	}
	for y := 2022; y <= 2025; y++ {
		if c := massYear[strconv.Itoa(y)]; c < 1 || c > 15 {
			t.Errorf("%d mass incidents in %d: want a few", c, y)
		}
	}
}

func TestEdges(t *testing.T) {
	var pb, ub bytes.Buffer
	st, err := Generate(testParams(0), &pb, &ub)
	if err != nil || st.Records != 0 || bytes.Count(pb.Bytes(), []byte("\n")) != 1 {
		t.Errorf("0 records: %v, %+v, %q", err, st, pb.String())
	}
	if _, err := Generate(testParams(-1), &pb, &ub); err == nil {
		t.Error("negative records accepted")
	}
	pb.Reset()
	ub.Reset()
	st, err = Generate(testParams(7), &pb, &ub)
	if err != nil || st.Records != 7 {
		t.Fatalf("7 records: %v %+v", err, st)
	}
	rows, err := csv.NewReader(&pb).ReadAll()
	if err != nil || len(rows) != 8 {
		t.Errorf("7 records gave %d rows, %v", len(rows), err)
	}
}

func TestGenerateFiles(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	pp, up, st, err := GenerateFiles(testParams(1000), dir)
	if err != nil {
		t.Fatal(err)
	}
	var pb, ub bytes.Buffer
	if _, err := Generate(testParams(1000), &pb, &ub); err != nil {
		t.Fatal(err)
	}
	pf, _ := os.ReadFile(pp)
	uf, _ := os.ReadFile(up)
	if !bytes.Equal(pf, pb.Bytes()) || !bytes.Equal(uf, ub.Bytes()) || st.Records != 1000 {
		t.Error("GenerateFiles wrote something other than Generate")
	}
}

// BenchmarkGenerate1M generates one million records into io.Discard.
func BenchmarkGenerate1M(b *testing.B) {
	for b.Loop() {
		if _, err := Generate(Params{Records: 1_000_000, Seed: 1, AsOf: testAsOf, Loc: shanghai}, discard{}, discard{}); err != nil {
			b.Fatal(err)
		}
	}
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }
