package synthetic

import (
	"math/rand/v2"
	"time"

	"github.com/xinfang/xinfang/internal/config"
)

// A campaign-like drive (SPEC §9) and injected surges (SPEC §10), so that the campaign and
// early-warning marts have something real to show on the default data:
//
//   - the drive: the three calendar months starting four months before AsOf's month, in
//     province P02 (浙江) and all its descendants. While it runs, 10 % of new matters that
//     would go elsewhere go to a drive unit instead (more receptions there, the total per day
//     unchanged), matters received there close in half the usual time, and 60 % of the
//     drive units' matters received in the year before it that would still be open at its
//     end are closed during it (the backlog cleared);
//   - four surges: in the alert week (the last ISO week ending on or before AsOf) and 5, 11
//     and 20 weeks before it, one unit each receives the first 3 new matters of every day of
//     that week; in the alert week another unit also gets 3 collective visits (Monday to
//     Wednesday).
//
// Every choice comes from a second PRNG stream of the seed, so the output stays a function
// of Params alone.

// driveProvince is the province bureau whose subtree runs the drive.
const driveProvince = "P02"

type surge struct {
	unit       int
	monday     int // civil day
	collective bool
}

type drive struct {
	start, end int    // civil days, inclusive
	unit       []bool // per unit: in the drive
	cum        []float64
	idx        []int
	surges     []surge
	used       map[[2]int]int // (surge, day) -> matters redirected so far
}

// DriveCampaign is the campaign config matching the generator's drive for p (the unit list
// names the province; its descendants follow).
func DriveCampaign(p Params) config.Campaign {
	p, _ = p.normalise()
	s, e := driveWindow(p)
	return config.Campaign{ID: "synthetic-drive", Name: "联合接访（合成数据）",
		Start: civil(s).Format("2006-01-02"), End: civil(e).Format("2006-01-02"), Units: config.CampaignUnits{driveProvince}}
}

func civil(day int) time.Time { return time.Unix(int64(day)*86400, 0).UTC() }

func driveWindow(p Params) (int, int) {
	y, m, _ := p.AsOf.Date()
	start := civilDay(y, m-4, 1)
	t := civil(start)
	return start, civilDay(t.Year(), t.Month()+3, 1) - 1
}

func (g *gen) initDrive() {
	r := rand.New(rand.NewPCG(uint64(g.p.Seed), 0x5eed0d71fe))
	d := &drive{unit: make([]bool, len(g.units)), used: map[[2]int]int{}}
	d.start, d.end = driveWindow(g.p)
	root := -1
	for i, u := range g.units {
		if u.ID == driveProvince {
			root = i
		}
	}
	s := 0.0
	for i := range g.units {
		for a := i; a >= 0; a = g.units[a].parent {
			if a == root {
				d.unit[i] = true
				s += g.beh[i].weight
				d.cum = append(d.cum, s)
				d.idx = append(d.idx, i)
				break
			}
		}
	}
	for k := range d.cum {
		d.cum[k] /= s
	}
	// the alert week: Monday of the last ISO week ending on or before AsOf
	dow := int(civil(g.asOfDay).Weekday()+6) % 7 // Monday 0 .. Sunday 6
	lastSunday := g.asOfDay - (dow+1)%7
	monday := lastSunday - 6
	if len(g.units) > 2 {
		for _, back := range []int{0, 5, 11, 20} {
			d.surges = append(d.surges, surge{unit: 1 + r.IntN(len(g.units)-1), monday: monday - 7*back})
		}
		d.surges = append(d.surges, surge{unit: 1 + r.IntN(len(g.units)-1), monday: monday, collective: true})
	}
	g.drive = d
}

// redirect returns the unit a new matter received on day goes to instead of u, and whether
// it is a forced collective visit.
func (g *gen) redirect(day, u int) (int, bool) {
	d := g.drive
	for k, s := range d.surges {
		if day < s.monday || day > s.monday+6 {
			continue
		}
		key := [2]int{k, day}
		if s.collective {
			if day <= s.monday+2 && d.used[key] < 1 {
				d.used[key]++
				return s.unit, true
			}
			continue
		}
		if d.used[key] < 3 {
			d.used[key]++
			return s.unit, false
		}
	}
	if day >= d.start && day <= d.end && !d.unit[u] && len(d.idx) > 0 && g.r2.Float64() < 0.1 {
		return d.idx[searchCum(d.cum, g.r2.Float64())], false
	}
	return u, false
}

// driveMedian halves the median handling time of matters received in a drive unit during it.
func (g *gen) driveMedian(unit, recv int, med float64) float64 {
	d := g.drive
	if d.unit[unit] && recv >= d.start && recv <= d.end {
		return med * 0.5
	}
	return med
}

// driveBacklog moves to a day inside the drive the closure of 60 % of a drive unit's matters
// received in the year before it that would otherwise still be open at its end.
func (g *gen) driveBacklog(unit, recv, closed int) int {
	d := g.drive
	if !d.unit[unit] || recv >= d.start || recv < d.start-365 || closed <= d.end {
		return closed
	}
	if g.r2.Float64() < 0.6 {
		return d.start + g.r2.IntN(d.end-d.start+1)
	}
	return closed
}
