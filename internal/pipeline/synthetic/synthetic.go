// Package synthetic is the deterministic generator of canonical petition records
// and of the unit table (SPEC §2): the same Params give byte-identical output.
//
// The data is shaped so that every report has something to say: Spring Festival
// dip and March peak, a declining total with some units rising, heavy-tailed
// repeat petitioners, collective visits, slow and fast units, late feedback,
// justified complaints concentrated on a handful of units (so the default veto
// trips for some units, not most), and rare concentrated mass incidents.
package synthetic

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"time"

	"github.com/xinfang/xinfang/internal/spec"
)

// Params selects what to generate.
type Params struct {
	Records int   // number of petition records (exactly this many)
	Seed    int64 // PRNG seed
	Years   int   // span of data ending on AsOf; default 5
	// AsOf is the last day of data; its calendar date (Year/Month/Day as given) is
	// used. Zero means today in Loc. No event (acceptance, feedback, closure,
	// follow-up, update) falls after it; deadlines may.
	AsOf time.Time
	Loc  *time.Location // zone of the naive datetimes; default Asia/Shanghai
}

// Stats describes what was generated.
type Stats struct {
	Records     int
	Units       int
	First, Last time.Time // received_at of the earliest and latest record, in Loc
}

// UnitsHeader is the header of the units CSV.
var UnitsHeader = []string{"unit_id", "name", "parent_id", "level", "sector", "staff"}

// Generate writes the canonical petitions CSV (header = spec.Fields
// order) and the units CSV (unit_id,name,parent_id,level,sector,staff).
//
// Conventions: UTF-8, comma, RFC 4180 quoting, dates YYYY-MM-DD, datetimes
// "YYYY-MM-DD HH:MM:SS" naive local time, booleans true/false, canonical English
// enum values, blank = empty field. Records are sorted by received_at.
func Generate(p Params, petitions io.Writer, units io.Writer) (Stats, error) {
	var st Stats
	p, err := p.normalise()
	if err != nil {
		return st, err
	}
	g := newGen(p)
	if err := g.writeUnits(units); err != nil {
		return st, fmt.Errorf("synthetic: write units: %w", err)
	}
	st.Units = len(g.units)
	if err := g.writePetitions(petitions, &st); err != nil {
		return st, fmt.Errorf("synthetic: write petitions: %w", err)
	}
	return st, nil
}

// GenerateFiles writes petitions.csv and units.csv into dir (created if needed)
// and returns their paths.
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
	uf, err := os.Create(unitsPath)
	if err != nil {
		pf.Close()
		return "", "", st, fmt.Errorf("synthetic: %w", err)
	}
	st, err = Generate(p, pf, uf)
	if cerr := pf.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("synthetic: close %s: %w", petitionsPath, cerr)
	}
	if cerr := uf.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("synthetic: close %s: %w", unitsPath, cerr)
	}
	if err != nil {
		return "", "", st, err
	}
	return petitionsPath, unitsPath, st, nil
}

func (p Params) normalise() (Params, error) {
	if p.Records < 0 {
		return p, fmt.Errorf("synthetic: records must be >= 0, got %d", p.Records)
	}
	if p.Years < 0 || p.Years > 50 {
		return p, fmt.Errorf("synthetic: years must be 1..50, got %d", p.Years)
	}
	if p.Years == 0 {
		p.Years = 5
	}
	if p.Loc == nil {
		loc, err := time.LoadLocation("Asia/Shanghai")
		if err != nil {
			loc = time.FixedZone("CST", 8*3600) // no tzdata on the machine: Shanghai has no DST
		}
		p.Loc = loc
	}
	if p.AsOf.IsZero() {
		p.AsOf = time.Now().In(p.Loc)
	}
	return p, nil
}

// ---- generator state ----

// behaviour is the per-unit character drawn from the seed.
type behaviour struct {
	weight      float64 // share of new matters
	growth      float64 // yearly log growth of that share, relative
	quality     float64 // 0 good … 1 poor: late acceptance/feedback, unsatisfied petitioners
	medianClose float64 // median handling days
	lamJust     float64 // expected justified+partly closures per year
	lamMass     float64 // expected mass incidents per year
	handler0    int     // first global handler number
	handlers    int     // number of handlers
	leaders     [2]string
	cats        []catWeight
	region      string // 4-digit ID-card region prefix of local petitioners
}

type catWeight struct {
	cat string
	cum float64
}

type gen struct {
	p     Params
	r     *rand.Rand
	units []Unit
	beh   []behaviour

	startDay, asOfDay int // days since 1970-01-01 (civil)
	dates             [][10]byte
	dayYear           []int
	dayCount          []int       // records per day, index d-startDay
	unitCum           [][]float64 // per 365-day bucket: cumulative unit weights
	unitExp           [][]float64 // per bucket: expected new records per unit per year

	drive *drive     // the campaign-like drive and surges (drive.go)
	r2    *rand.Rand // their PRNG stream, apart from r
}

const (
	pRepeat    = 0.16 // a record continues an earlier thread (same petitioner, same matter)
	pNewThread = 0.12 // a new record opens a thread later records may repeat
	tableSlack = 800  // deadlines are formatted from the table up to this many days after AsOf
)

func civilDay(y int, m time.Month, d int) int {
	return int(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400)
}

func newGen(p Params) *gen {
	g := &gen{p: p, r: rand.New(rand.NewPCG(uint64(p.Seed), 0x9e3779b97f4a7c15)), units: buildUnits()}
	y, m, d := p.AsOf.Date()
	g.asOfDay = civilDay(y, m, d)
	// Start on the first day of a month so that the first month of data is whole.
	g.startDay = civilDay(y-p.Years, m+1, 1)
	n := g.asOfDay + tableSlack - g.startDay + 1
	g.dates = make([][10]byte, n)
	g.dayYear = make([]int, n)
	for i := range n {
		t := time.Unix(int64(g.startDay+i)*86400, 0).UTC()
		copy(g.dates[i][:], t.Format("2006-01-02"))
		g.dayYear[i] = t.Year()
	}
	g.initBehaviour()
	g.allocateDays()
	g.initUnitWeights()
	g.r2 = rand.New(rand.NewPCG(uint64(p.Seed), 0xd71fe))
	g.initDrive()
	return g
}

var sectorBase = map[string]float64{
	"bureau": 4, "prison": 7, "rehab": 3, "community_correction": 3.5, "lawyer": 2.5,
	"notary": 1.8, "forensic": 1.5, "legal_aid": 1.2, "mediation": 1, "other": 0.4,
}

var levelBureau = map[string]float64{"ministry": 2.5, "province": 2.2, "city": 1.3, "county": 0.7, "facility": 1}

var sectorCats = map[string][]string{
	"prison":               {"监狱管理", "0.55", "减刑假释保外就医", "0.40", "其他", "0.05"},
	"rehab":                {"戒毒", "0.92", "其他", "0.08"},
	"community_correction": {"社区矫正", "0.92", "其他", "0.08"},
	"lawyer":               {"律师执业", "0.93", "其他", "0.07"},
	"notary":               {"公证", "0.93", "其他", "0.07"},
	"forensic":             {"司法鉴定", "0.93", "其他", "0.07"},
	"legal_aid":            {"法律援助", "0.93", "其他", "0.07"},
	"mediation":            {"人民调解", "0.90", "其他", "0.10"},
	"other":                {"其他", "1"},
	"bureau": {"监狱管理", "0.12", "减刑假释保外就医", "0.10", "律师执业", "0.14", "公证", "0.10", "司法鉴定", "0.10",
		"法律援助", "0.10", "社区矫正", "0.12", "戒毒", "0.06", "人民调解", "0.08", "其他", "0.08"},
}

// Categories lists every category the generator writes.
var Categories = []string{"监狱管理", "减刑假释保外就医", "律师执业", "公证", "司法鉴定", "法律援助", "社区矫正", "戒毒", "人民调解", "其他"}

var (
	surnames   = []rune("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘")
	givenNames = []string{"建国", "志强", "海燕", "卫东", "丽华", "晓明", "国庆", "秀英", "文斌", "红梅", "振华", "春生", "玉兰", "立新", "德胜", "静", "伟", "敏", "军", "磊"}
)

func (g *gen) leaderName() string {
	return string(surnames[g.r.IntN(len(surnames))]) + givenNames[g.r.IntN(len(givenNames))]
}

func (g *gen) initBehaviour() {
	r := g.r
	g.beh = make([]behaviour, len(g.units))
	handler := 1
	for i, u := range g.units {
		b := &g.beh[i]
		b.weight = sectorBase[u.Sector] * math.Exp(0.5*r.NormFloat64())
		if u.Sector == "bureau" {
			b.weight *= levelBureau[u.Level]
		}
		b.growth = 0.03 * r.NormFloat64()
		if r.Float64() < 0.12 {
			b.growth = 0.06 + 0.08*r.Float64() // rising against the overall decline
		}
		q := r.Float64()
		b.quality = q * q
		b.medianClose = 10 + 45*b.quality + 6*r.Float64()
		b.lamJust = 0.1 + 0.7*r.Float64()
		if r.Float64() < 0.06 {
			b.lamJust = 3.5 + 4*r.Float64() // the handful the veto is meant for
		}
		b.handlers = 1 + u.Staff/40
		if b.handlers > 12 {
			b.handlers = 12
		}
		b.handler0 = handler
		handler += b.handlers
		b.leaders = [2]string{g.leaderName(), g.leaderName()}
		spec := sectorCats[u.Sector]
		cum := 0.0
		for k := 0; k < len(spec); k += 2 {
			w, _ := strconv.ParseFloat(spec[k+1], 64)
			cum += w
			b.cats = append(b.cats, catWeight{spec[k], cum})
		}
		b.region = "1101" // Beijing for ministry-level units
		if u.prov >= 0 {
			b.region = provinceDefs[u.prov].code
		}
	}
	// Mass incidents: about four a year, on a few units.
	hot := 6
	if hot > len(g.units) {
		hot = len(g.units)
	}
	for k := 0; k < hot; k++ {
		i := 1 + r.IntN(len(g.units)-1)
		g.beh[i].lamMass += 4.0 / float64(hot) * (0.5 + r.Float64())
	}
}

// springFestival gives approximate 春节 dates; other years fall back to 5 February.
var springFestival = map[int][2]int{
	2015: {2, 19}, 2016: {2, 8}, 2017: {1, 28}, 2018: {2, 16}, 2019: {2, 5}, 2020: {1, 25}, 2021: {2, 12},
	2022: {2, 1}, 2023: {1, 22}, 2024: {2, 10}, 2025: {1, 29}, 2026: {2, 17}, 2027: {2, 6}, 2028: {1, 26},
	2029: {2, 13}, 2030: {2, 3}, 2031: {1, 23}, 2032: {2, 11}, 2033: {1, 31}, 2034: {2, 19}, 2035: {2, 8},
}

var monthFactor = [13]float64{0, 1.0, 0.95, 1.30, 1.12, 1.02, 1.06, 1.0, 0.94, 1.02, 0.9, 1.06, 1.02}

// allocateDays fixes how many records arrive each day: day weight (season,
// weekday, holidays, decline) turned into exact counts by cumulative rounding,
// so that the totals are deterministic and sum to Records.
func (g *gen) allocateDays() {
	n := g.asOfDay - g.startDay + 1
	w := make([]float64, n)
	sfDay := map[int]int{}
	total := 0.0
	for i := range n {
		t := time.Unix(int64(g.startDay+i)*86400, 0).UTC()
		y := t.Year()
		sf, ok := sfDay[y]
		if !ok {
			md, known := springFestival[y]
			if !known {
				md = [2]int{2, 5}
			}
			sf = civilDay(y, time.Month(md[0]), md[1])
			sfDay[y] = sf
		}
		x := monthFactor[t.Month()]
		switch off := g.startDay + i - sf; {
		case off >= -3 && off <= 6:
			x *= 0.3
		case off >= -12 && off < -3:
			x *= 0.8
		case off > 6 && off <= 16:
			x *= 1.1
		}
		if t.Month() == time.October && t.Day() <= 7 {
			x *= 0.4 // National Day holiday
		}
		if wd := t.Weekday(); wd == time.Saturday || wd == time.Sunday {
			x *= 0.35
		}
		x *= math.Exp(-0.055 * float64(i) / 365.25) // overall decline, ≈5 % a year
		w[i] = x
		total += x
	}
	g.dayCount = make([]int, n)
	cum, prev := 0.0, 0
	for i := range n {
		cum += w[i]
		c := int(math.Floor(float64(g.p.Records)*cum/total + 0.5))
		if i == n-1 {
			c = g.p.Records
		}
		g.dayCount[i] = c - prev
		prev = c
	}
}

// initUnitWeights builds, per 365-day bucket, the cumulative distribution of new
// records over units and each unit's expected yearly records (to scale the
// justified-complaint and mass-incident probabilities to the data size).
func (g *gen) initUnitWeights() {
	n := g.asOfDay - g.startDay + 1
	buckets := (n-1)/365 + 1
	perBucket := make([]int, buckets)
	daysIn := make([]int, buckets)
	for i := range n {
		perBucket[i/365] += g.dayCount[i]
		daysIn[i/365]++
	}
	g.unitCum = make([][]float64, buckets)
	g.unitExp = make([][]float64, buckets)
	for b := range buckets {
		cum := make([]float64, len(g.units))
		exp := make([]float64, len(g.units))
		s := 0.0
		for i := range g.units {
			w := g.beh[i].weight * math.Exp(g.beh[i].growth*float64(b))
			s += w
			cum[i] = s
			exp[i] = w
		}
		perYear := float64(perBucket[b]) * 365 / float64(daysIn[b])
		for i := range g.units {
			cum[i] /= s
			exp[i] = exp[i] / s * perYear
		}
		g.unitCum[b] = cum
		g.unitExp[b] = exp
	}
}

func (g *gen) writeUnits(w io.Writer) error {
	bw := bufio.NewWriter(w)
	var line []byte
	line = appendHeader(line, UnitsHeader)
	for _, u := range g.units {
		line = appendField(line, u.ID)
		line = append(line, ',')
		line = appendField(line, u.Name)
		line = append(line, ',')
		line = appendField(line, u.ParentID)
		line = append(line, ',')
		line = appendField(line, u.Level)
		line = append(line, ',')
		line = appendField(line, u.Sector)
		line = append(line, ',')
		line = strconv.AppendInt(line, int64(u.Staff), 10)
		line = append(line, '\n')
	}
	if _, err := bw.Write(line); err != nil {
		return err
	}
	return bw.Flush()
}

func appendHeader(b []byte, names []string) []byte {
	for i, n := range names {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, n...)
	}
	return append(b, '\n')
}

// appendField writes one CSV field, quoting it (RFC 4180) only when needed.
func appendField(b []byte, s string) []byte {
	need := false
	for i := 0; i < len(s); i++ {
		if c := s[i]; c == ',' || c == '"' || c == '\n' || c == '\r' {
			need = true
			break
		}
	}
	if !need {
		return append(b, s...)
	}
	b = append(b, '"')
	for i := 0; i < len(s); i++ {
		if s[i] == '"' {
			b = append(b, '"')
		}
		b = append(b, s[i])
	}
	return append(b, '"')
}

func (g *gen) appendDate(b []byte, day int) []byte {
	if i := day - g.startDay; i >= 0 && i < len(g.dates) {
		return append(b, g.dates[i][:]...)
	}
	return time.Unix(int64(day)*86400, 0).UTC().AppendFormat(b, "2006-01-02")
}

func appendClock(b []byte, sec int) []byte {
	h, m, s := sec/3600, sec/60%60, sec%60
	return append(b, ' ', byte('0'+h/10), byte('0'+h%10), ':', byte('0'+m/10), byte('0'+m%10), ':', byte('0'+s/10), byte('0'+s%10))
}

// appendPetitioner writes an 18-character ID-card-like number: region, birth
// date, sequence and the ISO 7064 MOD 11-2 check character. serial -> (birth
// day, sequence) is a bijection (multiplier coprime to the space), so distinct
// petitioners get distinct numbers up to 21.9 million of them.
func appendPetitioner(b []byte, region string, serial int) []byte {
	const days, seqs = 21915, 1000 // birth dates 1940-01-01 … 1999-12-31
	const space = days * seqs
	idx := (uint64(serial)*1000003 + 7777) % space
	birth := time.Unix((int64(idx/seqs)-10957)*86400, 0).UTC() // 1940-01-01 is day -10957
	var d [18]byte
	copy(d[:4], region)
	d[4] = '0'
	d[5] = byte('1' + serial%7)
	y, m, dd := birth.Date()
	put := func(at, v, width int) {
		for k := width - 1; k >= 0; k-- {
			d[at+k] = byte('0' + v%10)
			v /= 10
		}
	}
	put(6, y, 4)
	put(10, int(m), 2)
	put(12, dd, 2)
	put(14, int(idx%seqs), 3)
	weights := [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for k := range 17 {
		sum += int(d[k]-'0') * weights[k]
	}
	d[17] = "10X98765432"[sum%11]
	return append(b, d[:]...)
}

// thread is a petitioner's matter that later records may come back to.
type thread struct {
	unit    int32
	cat     int8 // index into behaviour.cats of the unit, -1 = blank category
	petSer  int32
	matter  int32 // 0 = blank matter_id
	visitor bool  // prefers visiting in person
	until   int32 // last day the petitioner keeps coming back (bounds the tail)
}

func (g *gen) writePetitions(out io.Writer, st *Stats) error {
	bw := bufio.NewWriterSize(out, 1<<20)
	names := make([]string, len(spec.Fields))
	for i, f := range spec.Fields {
		names[i] = f.Name
	}
	if _, err := bw.Write(appendHeader(nil, names)); err != nil {
		return err
	}
	r := g.r
	nDays := g.asOfDay - g.startDay + 1
	perDay := float64(g.p.Records) / float64(nDays)
	ringCap := int(perDay * 60)
	if ringCap < 256 {
		ringCap = 256
	}
	ring := make([]int32, 0, ringCap)
	ringPos := 0
	var threads []thread
	push := func(t int32) {
		if len(ring) < ringCap {
			ring = append(ring, t)
			return
		}
		ring[ringPos] = t
		ringPos = (ringPos + 1) % ringCap
	}
	petSerial, matterSerial := 0, 0
	seqYear, seq := 0, 0
	var secs []int
	line := make([]byte, 0, 512)
	written, lastDay, lastSec := 0, 0, 0
	for di := range nDays {
		k := g.dayCount[di]
		if k == 0 {
			continue
		}
		day := g.startDay + di
		year := g.dayYear[di]
		if year != seqYear {
			seqYear, seq = year, 0
		}
		bucket := di / 365
		secs = secs[:0]
		for range k {
			var s int
			if r.Float64() < 0.85 {
				s = 8*3600 + 30*60 + r.IntN(9*3600) // office hours
			} else {
				s = r.IntN(86400) // online and phone around the clock
			}
			secs = append(secs, s)
		}
		slices.Sort(secs)
		for _, sec := range secs {
			seq++ // XF + year + at least 6 digits: unique without a width limit
			var rec record
			rec.day, rec.sec = day, sec
			// Continue a thread (repeat petitioner) or start something new.
			var t *thread
			var ti int32
			if len(ring) > 0 && r.Float64() < pRepeat {
				ti = ring[(ringPos+r.IntN(len(ring)))%len(ring)]
				if t = &threads[ti]; int(t.until) < day {
					t = nil // the petitioner has given up: something new instead
				}
			}
			if t != nil {
				rec.unit = int(t.unit)
				if r.Float64() < 0.08 && g.units[rec.unit].parent >= 0 {
					rec.unit = g.units[rec.unit].parent // going over the head of the unit (越级)
				}
				rec.cat = g.beh[t.unit].catName(t.cat)
				rec.petSer, rec.hasPet = int(t.petSer), true
				rec.region = g.beh[t.unit].region
				rec.matter = int(t.matter)
				rec.repeat, rec.visitor = true, t.visitor
				if r.Float64() < 0.7 {
					push(ti) // a return makes the thread likelier to return again: a heavy tail
				}
			} else {
				u := searchCum(g.unitCum[bucket], r.Float64())
				u, rec.collective = g.redirect(day, u)
				rec.unit = u
				ci := g.beh[u].pickCat(r)
				rec.cat = g.beh[u].catName(int8(ci))
				rec.region = g.beh[u].region
				if r.Float64() >= 0.03 { // 3 % anonymous letters and calls
					petSerial++
					rec.petSer, rec.hasPet = petSerial, true
				}
				if r.Float64() < 0.45 {
					matterSerial++
					rec.matter = matterSerial
				}
				if rec.hasPet && r.Float64() < pNewThread {
					threads = append(threads, thread{unit: int32(u), cat: int8(ci), petSer: int32(rec.petSer), matter: int32(rec.matter), visitor: r.Float64() < 0.4, until: int32(day + 30 + min(g.expDays(300), 900))})
					push(int32(len(threads) - 1))
				}
			}
			line = g.appendRecord(line[:0], &rec, year, seq, bucket)
			if _, err := bw.Write(line); err != nil {
				return err
			}
			if written == 0 {
				st.First = g.localTime(day, sec)
			}
			lastDay, lastSec = day, sec
			written++
		}
	}
	st.Records = written
	if written > 0 {
		st.Last = g.localTime(lastDay, lastSec)
	}
	return bw.Flush()
}

func (g *gen) localTime(day, sec int) time.Time {
	t := time.Unix(int64(day)*86400, 0).UTC()
	return time.Date(t.Year(), t.Month(), t.Day(), sec/3600, sec/60%60, sec%60, 0, g.p.Loc)
}

func searchCum(cum []float64, x float64) int {
	i, _ := slices.BinarySearch(cum, x)
	if i >= len(cum) {
		i = len(cum) - 1
	}
	return i
}

func (b *behaviour) pickCat(r *rand.Rand) int {
	if r.Float64() < 0.02 {
		return -1 // blank category
	}
	x := r.Float64() * b.cats[len(b.cats)-1].cum
	for i, c := range b.cats {
		if x < c.cum {
			return i
		}
	}
	return len(b.cats) - 1
}

func (b *behaviour) catName(i int8) string {
	if i < 0 {
		return ""
	}
	return b.cats[i].cat
}

type record struct {
	day, sec int
	unit     int
	cat      string
	petSer   int
	hasPet   bool
	region   string
	matter   int
	repeat   bool
	visitor  bool
	// collective forces a collective visit (an injected surge, drive.go)
	collective bool
}
