package queries_test

import "testing"

// Peer quantiles of the 2024 repeat rate among the city/bureau units, by hand:
//
//	A: one petitioner, four records on the same (unit, blank category) key within 365 days
//	   -> 3 repeats of 4 = 75 %; B: one petitioner twice -> 1 of 2 = 50 %;
//	C: two petitioners once each -> 0 %; D: one record -> 0 %.
//	Sorted [0, 0, 50, 75], linear interpolation at (n−1)·q:
//	p25 at 0.75 -> 0; p50 at 1.5 -> 0 + 0.5·50 = 25; p75 at 2.25 -> 50 + 0.25·25 = 56.25.
//
// E (prison/facility) has no records, so its repeat rate is NULL and its group gets no row.
func TestPeerQuantiles(t *testing.T) {
	f := newFixture(t)
	f.units(U{ID: "A"}, U{ID: "B"}, U{ID: "C"}, U{ID: "D"}, U{ID: "E", Level: "facility", Sector: "prison"})
	f.add(
		P{ID: "a1", Unit: "A", Received: "2024-01-01", Petitioner: "p"},
		P{ID: "a2", Unit: "A", Received: "2024-02-01", Petitioner: "p"},
		P{ID: "a3", Unit: "A", Received: "2024-03-01", Petitioner: "p"},
		P{ID: "a4", Unit: "A", Received: "2024-04-01", Petitioner: "p"},
		P{ID: "b1", Unit: "B", Received: "2024-01-10", Petitioner: "q"},
		P{ID: "b2", Unit: "B", Received: "2024-05-10", Petitioner: "q"},
		P{ID: "c1", Unit: "C", Received: "2024-01-10", Petitioner: "r"},
		P{ID: "c2", Unit: "C", Received: "2024-01-11", Petitioner: "s"},
		P{ID: "d1", Unit: "D", Received: "2024-02-10", Petitioner: "u"},
	)
	f.build("2024-06-30")
	q := func(col string) string {
		return "SELECT " + col + " FROM mart.peer_quantiles WHERE peer_group = 'bureau/city' AND period = '2024' AND metric = 'repeat_rate'"
	}
	f.eqInt(4, q("n"))
	f.eqFloat(0, q("p25"))
	f.eqFloat(25, q("p50"))
	f.eqFloat(56.25, q("p75"))
	f.eqInt(0, "SELECT count(*) FROM mart.peer_quantiles WHERE peer_group = 'prison/facility'")
}
