package queries_test

import (
	"fmt"
	"testing"
)

func vetoRow(scope, subject string, year int, rule string) string {
	return " FROM mart.veto WHERE scope = '" + scope + "' AND subject_id = '" + subject +
		"' AND year = " + fmt.Sprint(year) + " AND rule_id = '" + rule + "'"
}

// One-vote veto with the default rules (SPEC §5): justified_complaints >= 3 per unit and
// per handler, mass_incident >= 1 per unit; as of 2025-06-30, data from 2023.
//
// Unit A, justified + partly by closure year:
//
//	closed 2023-12-20 justified                      → 2023: 1
//	rec 2023-11-05 closed 2024-01-05 partly (H1)     → 2024 (the closure year counts)
//	rec 2023-12-01 closed 2024-02-01 justified (H1)  → 2024
//	unjustified / undetermined closures, and an open justified record: not counted
//	rec 2024-10-01 closed 2025-07-15 partly: closed after as_of, not counted
//	→ A 2023 = 1, 2024 = 2, 2025 = 0: below 3, not triggered.
//
// Unit B: three justified/partly closures in 2024 (Feb 1, Mar 1, Dec 31) → 3 ≥ 3: triggered;
// two carry handler H2, one has no handler → H2 2024 = 2, not triggered.
// Unknown unit X: one justified closure 2024-08-01 by H1 → H1 2024 = 2 (A) + 1 (X) = 3:
// triggered (handlers cross units, known or not); X itself is no unit subject.
// Mass incidents by received date: A rec 2024-12-31 → A 2024 = 1 triggered; B rec
// 2025-01-02 → B 2025 triggered; A rec 2025-07-01 is after as_of (and so is its handler H3).
func TestVeto(t *testing.T) {
	f := newFixture(t)
	f.units(U{ID: "A"}, U{ID: "B"})
	f.add(
		P{ID: "a1", Unit: "A", Received: "2023-11-01", Closed: "2023-12-20", Justified: "justified"},
		P{ID: "a2", Unit: "A", Received: "2023-11-05", Closed: "2024-01-05", Justified: "partly", Handler: "H1"},
		P{ID: "a3", Unit: "A", Received: "2023-12-01", Closed: "2024-02-01", Justified: "justified", Handler: "H1"},
		P{ID: "a4", Unit: "A", Received: "2024-03-01", Closed: "2024-04-01", Justified: "unjustified", Handler: "H1"},
		P{ID: "a5", Unit: "A", Received: "2024-03-01", Closed: "2024-05-01", Justified: "undetermined"},
		P{ID: "a6", Unit: "A", Received: "2024-06-01", Justified: "justified", Handler: "H1"},
		P{ID: "a7", Unit: "A", Received: "2024-10-01", Closed: "2025-07-15", Justified: "partly"},
		P{ID: "a8", Unit: "A", Received: "2024-12-31", Mass: "true"},
		P{ID: "a9", Unit: "A", Received: "2025-07-01", Mass: "true", Handler: "H3"},
		P{ID: "b1", Unit: "B", Received: "2024-01-05", Closed: "2024-02-01", Justified: "justified", Handler: "H2"},
		P{ID: "b2", Unit: "B", Received: "2024-02-01", Closed: "2024-03-01", Justified: "partly", Handler: "H2"},
		P{ID: "b3", Unit: "B", Received: "2024-03-01", Closed: "2024-12-31 23:30:00", Justified: "justified"},
		P{ID: "b4", Unit: "B", Received: "2025-01-02", Mass: "true"},
		P{ID: "x1", Unit: "X", Received: "2024-07-01", Closed: "2024-08-01", Justified: "justified", Handler: "H1"},
	)
	f.build("2025-06-30")
	const ju, jh, mu = "justified_complaints_unit", "justified_complaints_handler", "mass_incident_unit"

	f.eqInt(1, "SELECT value"+vetoRow("unit", "A", 2023, ju))
	f.eqInt(2, "SELECT value"+vetoRow("unit", "A", 2024, ju))
	f.eqInt(0, "SELECT value"+vetoRow("unit", "A", 2025, ju))
	f.eqInt(0, "SELECT count(*)"+vetoRow("unit", "A", 2024, ju)+" AND triggered")
	f.eqInt(3, "SELECT value"+vetoRow("unit", "B", 2024, ju))
	f.eqInt(1, "SELECT count(*)"+vetoRow("unit", "B", 2024, ju)+" AND triggered AND threshold = 3 AND op = '>='")

	f.eqInt(1, "SELECT value"+vetoRow("unit", "A", 2024, mu))
	f.eqInt(1, "SELECT count(*)"+vetoRow("unit", "A", 2024, mu)+" AND triggered")
	f.eqInt(0, "SELECT value"+vetoRow("unit", "A", 2025, mu))
	f.eqInt(1, "SELECT count(*)"+vetoRow("unit", "B", 2025, mu)+" AND triggered")

	f.eqInt(3, "SELECT value"+vetoRow("handler", "H1", 2024, jh))
	f.eqInt(1, "SELECT count(*)"+vetoRow("handler", "H1", 2024, jh)+" AND triggered")
	f.eqInt(2, "SELECT value"+vetoRow("handler", "H2", 2024, jh))
	f.eqInt(0, "SELECT count(*)"+vetoRow("handler", "H2", 2024, jh)+" AND triggered")

	// Rows: units A, B x years 2023–2025 x 2 unit rules = 12; handlers H1, H2 x 3 years x 1
	// handler rule = 6 (no X unit, no H3): 18.
	f.eqInt(18, "SELECT count(*) FROM mart.veto")
	f.eqInt(0, "SELECT count(*) FROM mart.veto WHERE subject_id IN ('X', 'H3')")

	// A threshold of 2 triggers A in 2024 (2 >= 2) but still not in 2023 (1).
	f.cfg.Veto.Rules[0].Threshold = 2
	f.build("2025-06-30")
	f.eqInt(1, "SELECT count(*)"+vetoRow("unit", "A", 2024, ju)+" AND triggered")
	f.eqInt(0, "SELECT count(*)"+vetoRow("unit", "A", 2023, ju)+" AND triggered")

	// As of 2024-12-31 B's third closure (Dec 31, 23:30 local) still counts: 3, triggered;
	// as of 2024-12-30 it has not happened: 2, not triggered.
	f.cfg.Veto.Rules[0].Threshold = 3
	f.build("2024-12-30")
	f.eqInt(2, "SELECT value"+vetoRow("unit", "B", 2024, ju))
	f.eqInt(0, "SELECT count(*)"+vetoRow("unit", "B", 2024, ju)+" AND triggered")
	f.eqInt(0, "SELECT count(*) FROM mart.veto WHERE year = 2025")
}

// justified and handler_id not mapped: the justified rule's value is NULL and not
// triggered, no handler rows; the mass-incident rule still works.
func TestVetoNotTracked(t *testing.T) {
	f := newFixture(t)
	f.units(U{ID: "A"})
	f.sourceExcept("s1", "justified", "handler_id")
	f.add(
		P{ID: "1", Unit: "A", Received: "2024-01-05", Closed: "2024-02-01", Mass: "true"},
	)
	f.build("2024-06-30")
	f.eqNull("SELECT value" + vetoRow("unit", "A", 2024, "justified_complaints_unit"))
	f.eqInt(0, "SELECT count(*)"+vetoRow("unit", "A", 2024, "justified_complaints_unit")+" AND triggered")
	f.eqInt(0, "SELECT count(*) FROM mart.veto WHERE scope = 'handler'")
	f.eqInt(1, "SELECT value"+vetoRow("unit", "A", 2024, "mass_incident_unit"))
	f.eqInt(2, "SELECT count(*) FROM mart.veto")
}
