package synthetic

import (
	"math"
	"strconv"
)

const none = math.MinInt32 // a blank date

// expDays draws an exponential number of days with the given mean.
func (g *gen) expDays(mean float64) int {
	return int(g.r.ExpFloat64() * mean)
}

// appendRecord draws the rest of one record and appends its CSV line. Fields
// are written in spec.Fields order. Every event is cut at AsOf:
// what would happen later stays blank.
func (g *gen) appendRecord(b []byte, rec *record, year, seq, bucket int) []byte {
	r := g.r
	u := &g.units[rec.unit]
	be := &g.beh[rec.unit]
	q := be.quality
	recv, asOf := rec.day, g.asOfDay

	// petition_id, received_at, unit_id
	b = append(b, 'X', 'F')
	b = strconv.AppendInt(b, int64(year), 10)
	if seq < 100000 {
		b = append(b, "000000"[:6-digits(seq)]...)
	}
	b = strconv.AppendInt(b, int64(seq), 10)
	b = append(b, ',')
	b = g.appendDate(b, recv)
	b = appendClock(b, rec.sec)
	b = append(b, ',')
	b = append(b, u.ID...)
	b = append(b, ',')
	// petitioner_id, matter_id
	if rec.hasPet {
		b = appendPetitioner(b, rec.region, rec.petSer)
	}
	b = append(b, ',')
	if rec.matter > 0 {
		b = append(b, 'S', 'X')
		b = append(b, "00000000"[:8-digits(rec.matter)]...)
		b = strconv.AppendInt(b, int64(rec.matter), 10)
	}
	b = append(b, ',')

	// channel: online grows over the years; returning petitioners visit more.
	pv := 0.22
	if rec.visitor {
		pv = 0.55
	}
	online := min(0.18+0.05*float64(bucket), 0.45)
	var channel string
	if x := r.Float64(); x < pv || rec.collective {
		channel = "visit"
	} else {
		y := (x - pv) / (1 - pv) * (online + 0.62)
		switch {
		case y < online:
			channel = "online"
		case y < online+0.40:
			channel = "letter"
		case y < online+0.57:
			channel = "phone"
		default:
			channel = "other"
		}
	}
	b = append(b, channel...)
	b = append(b, ',')
	b = append(b, rec.cat...)
	b = append(b, ',')

	// headcount: collective visits (≥5) on a share of visits; blank now and then.
	collective := false
	switch {
	case rec.collective:
		collective = true
		b = strconv.AppendInt(b, int64(5+g.expDays(12)), 10)
	case r.Float64() < 0.04:
		// blank: defaults to 1
	case channel == "visit" && r.Float64() < 0.06:
		collective = true
		b = strconv.AppendInt(b, int64(5+g.expDays(12)), 10)
	case channel == "visit" && r.Float64() < 0.25:
		b = strconv.AppendInt(b, int64(2+r.IntN(3)), 10)
	default:
		b = append(b, '1')
	}
	b = append(b, ',')

	// source_type, feedback_due, feedback_at
	x := r.Float64()
	sup := 0.0
	if u.Sector == "bureau" {
		sup = 0.18 // bureaus receive more from above
	}
	var srcType string
	switch {
	case x < 0.01:
		srcType = ""
	case x < 0.10+sup*0.5:
		srcType = "transferred"
	case x < 0.16+sup*0.8:
		srcType = "assigned"
	case x < 0.19+sup:
		srcType = "supervised"
	default:
		srcType = "self"
	}
	b = append(b, srcType...)
	b = append(b, ',')
	fbDue, fbAt := none, none
	if srcType == "transferred" || srcType == "assigned" || srcType == "supervised" {
		deadline := recv + 60
		if r.Float64() < 0.75 {
			fbDue = recv + [3]int{15, 30, 60}[r.IntN(3)]
			deadline = fbDue
		}
		switch y := r.Float64(); {
		case y < 0.90-0.35*q:
			fbAt = recv + 1 + r.IntN(deadline-recv)
		case y < 0.96:
			fbAt = deadline + 1 + r.IntN(45)
		}
		if fbAt > asOf {
			fbAt = none
		}
	}
	b = g.appendOptDate(b, fbDue)
	b = append(b, ',')
	b = g.appendOptDate(b, fbAt)
	b = append(b, ',')

	// Handling: acceptance, deadline, extension, closure.
	acc := none
	switch y := r.Float64(); {
	case y < 0.03:
	case y < 0.03+0.02+0.12*q:
		acc = recv + 16 + r.IntN(30) // late acceptance
	default:
		acc = recv + min(15, g.expDays(2.5+4*q))
	}
	dueAt := none
	if r.Float64() < 0.05 {
		dueAt = recv + [4]int{30, 45, 60, 90}[r.IntN(4)]
	}
	ext := 0
	switch y := r.Float64(); {
	case y < 0.01:
		ext = -1 // blank
	case y < 0.01+0.08+0.15*q:
		ext = [4]int{15, 30, 10, 1 + r.IntN(30)}[r.IntN(4)]
	}
	closed, closedSec := none, 0
	if r.Float64() >= 0.01 { // 1 % are never closed
		med := be.medianClose + float64(ext)*0.5
		if collective || rec.repeat {
			med *= 1.3
		}
		med = g.driveMedian(rec.unit, recv, med)
		d := int(med * math.Exp(0.65*r.NormFloat64()))
		if d > 720 {
			d = 720
		}
		closed = g.driveBacklog(rec.unit, recv, recv+d)
		closedSec = 9*3600 + r.IntN(8*3600)
		if d == 0 {
			closedSec = rec.sec + r.IntN(86400-rec.sec) // same day, never before receipt
		}
		if closed > asOf {
			closed = none
		}
	}
	if acc != none && closed != none && acc > closed {
		acc = closed
	}
	if acc > asOf {
		acc = none
	}
	b = g.appendOptDate(b, acc)
	b = append(b, ',')
	b = g.appendOptDate(b, dueAt)
	b = append(b, ',')
	if ext >= 0 {
		b = strconv.AppendInt(b, int64(ext), 10)
	}
	b = append(b, ',')
	if closed != none {
		b = g.appendDate(b, closed)
		b = appendClock(b, closedSec)
	}
	b = append(b, ',')

	// justified, satisfaction, followup_at: only for closed records.
	just := ""
	sat := ""
	fu := none
	if closed != none {
		exp := g.unitExp[bucket][rec.unit]
		pj := math.Min(be.lamJust/math.Max(exp, 1), 0.5)
		switch y := r.Float64(); {
		case y < pj*0.55:
			just = "justified"
		case y < pj:
			just = "partly"
		case y < pj+0.06:
			// blank: not determined in the source
		case y < pj+0.22:
			just = "undetermined"
		default:
			just = "unjustified"
		}
		switch y := r.Float64(); {
		case y < 0.58-0.2*q:
			sat = "satisfied"
		case y < 0.82-0.1*q:
			sat = "basically"
		case y < 0.88:
			sat = "unsatisfied"
		case y < 0.95:
			sat = "unrated"
		}
		if r.Float64() < 0.9-0.3*q {
			fu = closed + 1 + g.expDays(5)
			if fu > asOf {
				fu = none
			}
		}
	}
	b = append(b, just...)
	b = append(b, ',')
	b = append(b, sat...)
	b = append(b, ',')
	b = g.appendOptDate(b, fu)
	b = append(b, ',')

	// listed_supervision, leader_owner, handler_id
	pl := 0.02
	if rec.repeat || collective {
		pl = 0.07
	}
	listed := r.Float64() < pl
	b = appendBool(b, listed)
	b = append(b, ',')
	if (listed && r.Float64() < 0.7) || r.Float64() < 0.015 {
		b = append(b, be.leaders[r.IntN(2)]...)
	}
	b = append(b, ',')
	if r.Float64() >= 0.02 {
		// Skewed: the first handler of a unit takes the most matters.
		h := be.handler0 + int(float64(be.handlers)*r.Float64()*r.Float64())
		b = append(b, 'H')
		if h < 1000 {
			b = append(b, "000"[:4-digits(h)]...)
		}
		b = strconv.AppendInt(b, int64(h), 10)
	}
	b = append(b, ',')

	// mass_incident (a few a year, on a few units), traced_fault (rare)
	pm := 0.5 / math.Max(float64(g.p.Records)/float64(g.p.Years), 1) // background: one every two years
	if be.lamMass > 0 {
		pm += be.lamMass / math.Max(g.unitExp[bucket][rec.unit], 1)
	}
	if collective {
		pm *= 3
	}
	b = appendBool(b, r.Float64() < pm)
	b = append(b, ',')
	pt := 0.0005
	if just == "justified" || just == "partly" {
		pt = 0.3
	}
	b = appendBool(b, r.Float64() < pt)
	b = append(b, ',')

	// updated_at: the latest event (never before receipt, never after AsOf).
	ud, us := recv, rec.sec
	if closed != none && (closed > ud || closed == ud && closedSec > us) {
		ud, us = closed, closedSec
	}
	for _, e := range [3]int{acc, fbAt, fu} {
		if e != none && e > ud {
			ud, us = e, 0
		}
	}
	us += r.IntN(86400 - us)
	b = g.appendDate(b, ud)
	b = appendClock(b, us)
	return append(b, '\n')
}

func (g *gen) appendOptDate(b []byte, day int) []byte {
	if day == none {
		return b
	}
	return g.appendDate(b, day)
}

func appendBool(b []byte, v bool) []byte {
	if v {
		return append(b, "true"...)
	}
	return append(b, "false"...)
}

// digits counts the decimal digits of n > 0.
func digits(n int) int {
	d := 1
	for n >= 10 {
		n /= 10
		d++
	}
	return d
}
