package report_test

import (
	"html"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

var (
	sectionRe = regexp.MustCompile(`(?s)<section[^>]*>(.*?)</section>`)
	titleRe   = regexp.MustCompile(`(?s)<h2>(.*?)</h2>`)
	rowRe     = regexp.MustCompile(`(?s)<tbody>(.*?)</tbody>`)
)

// section is one rendered section: its title and body HTML.
type renderedSection struct{ title, body string }

func sections(t *testing.T, page string) []renderedSection {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(testReports, filepath.FromSlash(page)))
	if err != nil {
		t.Fatal(err)
	}
	var out []renderedSection
	for _, m := range sectionRe.FindAllStringSubmatch(string(b), -1) {
		title := ""
		if tm := titleRe.FindStringSubmatch(m[1]); tm != nil {
			title = html.UnescapeString(tm[1])
		}
		out = append(out, renderedSection{title, m[1]})
	}
	return out
}

// hasContent: a table with at least one row, a chart, cards or links.
func hasContent(body string) bool {
	for _, m := range rowRe.FindAllStringSubmatch(body, -1) {
		if strings.Contains(m[1], "<tr>") {
			return true
		}
	}
	return strings.Contains(body, `class="chart"`) || strings.Contains(body, `class="cards"`) || strings.Contains(body, `class="linkline"`)
}

// tableRows counts the rows of a section's tables.
func tableRows(body string) int {
	n := 0
	for _, m := range rowRe.FindAllStringSubmatch(body, -1) {
		n += strings.Count(m[1], "<tr>")
	}
	return n
}

// Every section of every system page type (live site and quarterly review) shows
// content on the test data, whose marts all have rows; the only sections allowed
// empty are those whose marts legitimately hold nothing here (named below, with
// the reason). No page anywhere says "not computed".
func TestEverySectionHasContent(t *testing.T) {
	needSetup(t)
	for _, p := range sitePages(t) {
		b, err := os.ReadFile(filepath.Join(testReports, filepath.FromSlash(p)))
		if err != nil {
			t.Fatal(err)
		}
		for _, bad := range []string{"尚未计算", "not computed"} {
			if strings.Contains(string(b), bad) {
				t.Errorf("%s says %q", p, bad)
			}
		}
	}
	mayBeEmpty := map[string]bool{
		"季度评议存档":       true, // the live index before the first archive is published
		"拒收与字段警告（按原因）": true, // the synthetic source yields no rejected records or warnings
	}
	for _, p := range []string{"index.html", "overview.html", "trends.html", "repeat.html", "timeliness.html", "feedback.html",
		"veto.html", "appraisal.html", "targets.html", "quality.html", "archive/2026-Q1/index.html", "alerts.html"} {
		for _, s := range sections(t, p) {
			if !hasContent(s.body) && !mayBeEmpty[s.title] {
				t.Errorf("%s: section %q has no content", p, s.title)
			}
		}
	}
}

// On unit pages the open listed-supervision and leader-owned lists hold exactly the
// unit's open matters of each kind (they once said 尚未计算: the query asked
// mart.record_deadlines for columns only mart.records has).
func TestUnitPageSupervisionLists(t *testing.T) {
	needSetup(t)
	for _, tc := range []struct{ title, cond string }{
		{"挂牌督办事项（未办结）", "r.listed_supervision"},
		{"领导包案事项（未办结）", "r.leader_owner IS NOT NULL"},
	} {
		// The known unit with the most such open matters, and how many it has.
		var unit string
		var n int
		err := testDB.QueryRow(`SELECT d.unit_id, count(*) AS n
			FROM mart.record_deadlines d JOIN mart.records r USING (source, petition_id)
			JOIN units u ON u.unit_id = d.unit_id
			WHERE d.t_closed_at AND d.closed_date IS NULL AND `+tc.cond+` AND d.unit_id NOT LIKE '%<%'
			GROUP BY d.unit_id ORDER BY n DESC, d.unit_id LIMIT 1`).Scan(&unit, &n)
		if err != nil {
			t.Fatalf("%s: %v", tc.title, err)
		}
		page := unitPage(t, unit)
		found := false
		for _, s := range sections(t, page) {
			if s.title == tc.title {
				found = true
				if got := tableRows(s.body); got != n {
					t.Errorf("%s on %s (%s): %d rows, want %d", tc.title, page, unit, got, n)
				}
			}
		}
		if !found {
			t.Errorf("%s: no section %q", page, tc.title)
		}
	}
}

// unitPage finds the page of a unit by the id its subtitle starts with.
func unitPage(t *testing.T, id string) string {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(testReports, "unit", "*.html"))
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(b), `<p class="subtitle">`+html.EscapeString(id)+" · ") {
			return "unit/" + filepath.Base(f)
		}
	}
	t.Fatalf("no page for unit %s", id)
	return ""
}

// On the page of the unit with the most records, every section has content, and each
// list holds exactly as many rows as its mart has for the unit (a list may be empty
// only when its mart has no row for the unit).
func TestBusiestUnitPageSections(t *testing.T) {
	needSetup(t)
	var unit string
	if err := testDB.QueryRow(`SELECT r.unit_id FROM mart.records r JOIN units u USING (unit_id)
		WHERE r.unit_id NOT LIKE '%<%' GROUP BY r.unit_id ORDER BY count(*) DESC, r.unit_id LIMIT 1`).Scan(&unit); err != nil {
		t.Fatal(err)
	}
	lists := map[string]string{
		"已超期未办结": `SELECT count(*) FROM mart.open_overdue WHERE unit_id = ?`,
		"即将到期":   `SELECT count(*) FROM mart.due_soon WHERE unit_id = ?`,
		"重复信访人（近12个月，假名）":  `SELECT count(*) FROM mart.recent_repeaters WHERE unit_id = ?`,
		"结案不息诉事项（近12个月结案）": `SELECT count(*) FROM mart.recent_not_ceased WHERE unit_id = ?`,
		"挂牌督办事项（未办结）": `SELECT count(*) FROM mart.record_deadlines d JOIN mart.records r USING (source, petition_id)
			WHERE d.unit_id = ? AND d.t_closed_at AND d.closed_date IS NULL AND r.listed_supervision`,
		"领导包案事项（未办结）": `SELECT count(*) FROM mart.record_deadlines d JOIN mart.records r USING (source, petition_id)
			WHERE d.unit_id = ? AND d.t_closed_at AND d.closed_date IS NULL AND r.leader_owner IS NOT NULL`,
	}
	page := unitPage(t, unit)
	seen := 0
	for _, s := range sections(t, page) {
		q, isList := lists[s.title]
		if !isList {
			if !hasContent(s.body) {
				t.Errorf("%s (%s): section %q has no content", page, unit, s.title)
			}
			continue
		}
		seen++
		var n int
		if err := testDB.QueryRow(q, unit).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if got := tableRows(s.body); got != n {
			t.Errorf("%s (%s): %q has %d rows, its mart %d", page, unit, s.title, got, n)
		}
	}
	if seen != len(lists) {
		t.Errorf("%s: found %d of the %d list sections", page, seen, len(lists))
	}
}
