package synthetic

import (
	"strings"
	"testing"
	"time"

	"github.com/xinfang/xinfang/internal/config"
)

// The drive (drive.go) shows in the data: the drive units' share of receptions is higher in
// the window than in the same window a year earlier, their matters close faster there, and
// every surge week holds the injected matters.
func TestDriveAndSurges(t *testing.T) {
	s := getSample(t)
	c := DriveCampaign(testParams(120000))
	start, _ := time.Parse("2006-01-02", c.Start)
	end, _ := time.Parse("2006-01-02", c.End)
	if c.Units[0] != driveProvince || end.Sub(start) < 85*24*time.Hour || !start.Before(testAsOf) {
		t.Fatalf("campaign %+v", c)
	}
	inDrive := map[string]bool{}
	for _, u := range s.units {
		for id := u[0]; id != ""; {
			if id == driveProvince {
				inDrive[u[0]] = true
				break
			}
			parent := ""
			for _, v := range s.units {
				if v[0] == id {
					parent = v[2]
				}
			}
			id = parent
		}
	}
	type acc struct{ all, drive, closedDays, closedN int }
	var w, b acc
	bStart, bEnd := start.AddDate(-1, 0, 0), end.AddDate(-1, 0, 0)
	weekCount := map[string]int{} // unit|monday -> records
	for _, r := range s.rows {
		recv, err := time.Parse("2006-01-02", s.get(r, "received_at")[:10])
		if err != nil {
			t.Fatal(err)
		}
		unit := s.get(r, "unit_id")
		var a *acc
		switch {
		case !recv.Before(start) && !recv.After(end):
			a = &w
		case !recv.Before(bStart) && !recv.After(bEnd):
			a = &b
		}
		if a != nil {
			a.all++
			if inDrive[unit] {
				a.drive++
				if cl := s.get(r, "closed_at"); cl != "" {
					cd, _ := time.Parse("2006-01-02", cl[:10])
					a.closedDays += int(cd.Sub(recv).Hours() / 24)
					a.closedN++
				}
			}
		}
		monday := recv.AddDate(0, 0, -int(recv.Weekday()+6)%7)
		weekCount[unit+"|"+monday.Format("2006-01-02")]++
	}
	shareW, shareB := float64(w.drive)/float64(w.all), float64(b.drive)/float64(b.all)
	if shareW < 1.3*shareB {
		t.Errorf("drive units' share %.3f in the window vs %.3f a year before: want clearly more", shareW, shareB)
	}
	meanW, meanB := float64(w.closedDays)/float64(w.closedN), float64(b.closedDays)/float64(b.closedN)
	if meanW > 0.8*meanB {
		t.Errorf("drive units close in %.1f days in the window vs %.1f a year before: want faster", meanW, meanB)
	}
	g := newGen(testParams(120000))
	if len(g.drive.surges) != 5 {
		t.Fatalf("surges %+v", g.drive.surges)
	}
	for _, sg := range g.drive.surges {
		key := g.units[sg.unit].ID + "|" + civil(sg.monday).Format("2006-01-02")
		want := 21
		if sg.collective {
			want = 3
		}
		if weekCount[key] < want {
			t.Errorf("surge %s: %d records, want at least %d", key, weekCount[key], want)
		}
	}
	if !strings.HasPrefix(c.Name, "联合接访") {
		t.Errorf("name %q", c.Name)
	}
}

// The default config's campaign (config.SyntheticDriveCampaign) is the generator's drive, for
// as-of dates across a year boundary and at a month's end.
func TestDriveCampaignMatchesConfig(t *testing.T) {
	for _, d := range []string{"2026-03-31", "2026-01-15", "2025-12-01", "2024-02-29"} {
		asOf, _ := time.Parse("2006-01-02", d)
		p := testParams(10)
		p.AsOf = asOf
		if got, want := config.SyntheticDriveCampaign(asOf), DriveCampaign(p); got.Start != want.Start || got.End != want.End ||
			got.ID != want.ID || got.Name != want.Name || len(got.Units) != 1 || got.Units[0] != want.Units[0] {
			t.Errorf("as of %s: config %+v, generator %+v", d, got, want)
		}
	}
}
