package report_test

import (
	"database/sql"
	"html"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

var (
	cardRe     = regexp.MustCompile(`(?s)<div class="card[^"]*">\s*<div class="label">(.*?)</div>\s*<div class="value">(.*?)</div>`)
	campLinkRe = regexp.MustCompile(`href="(campaign-[A-Za-z0-9_-]+\.html)"`)
	trRe       = regexp.MustCompile(`(?s)<tr>(.*?)</tr>`)
	tdRe       = regexp.MustCompile(`(?s)<td[^>]*>(.*?)</td>`)
	tagRe      = regexp.MustCompile(`<[^>]+>`)
)

// cards maps each card label of a section to its value (unescaped).
func cards(body string) map[string]string {
	m := map[string]string{}
	for _, c := range cardRe.FindAllStringSubmatch(body, -1) {
		m[html.UnescapeString(c[1])] = html.UnescapeString(c[2])
	}
	return m
}

// bodyRows returns each table body row as its cells' text.
func bodyRows(body string) [][]string {
	var out [][]string
	for _, tb := range rowRe.FindAllStringSubmatch(body, -1) {
		for _, tr := range trRe.FindAllStringSubmatch(tb[1], -1) {
			var cells []string
			for _, td := range tdRe.FindAllStringSubmatch(tr[1], -1) {
				cells = append(cells, html.UnescapeString(tagRe.ReplaceAllString(td[1], "")))
			}
			out = append(out, cells)
		}
	}
	return out
}

// commas formats an integer as the report does (fmtInt: thousands separated by commas).
func commas(n int64) string {
	s := strconv.FormatInt(n, 10)
	var b strings.Builder
	for i, ch := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(ch)
	}
	return b.String()
}

func sectionByTitle(t *testing.T, page, title string) renderedSection {
	t.Helper()
	for _, s := range sections(t, page) {
		if strings.HasPrefix(s.title, title) {
			return s
		}
	}
	t.Fatalf("%s: no section %q", page, title)
	return renderedSection{}
}

func readPage(t *testing.T, page string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(testReports, filepath.FromSlash(page)))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// Every campaign of mart.campaign has a page linked from the index; on it every section has
// content, the whole-system card and the difference in differences are the mart's numbers,
// and the unit table lists exactly the participating known units. The 2026-Q1 review lists
// only the campaign whose window overlaps the quarter.
func TestCampaignPages(t *testing.T) {
	needSetup(t)
	links := campLinkRe.FindAllStringSubmatch(readPage(t, "index.html"), -1)
	var n int
	if err := testDB.QueryRow(`SELECT count(DISTINCT campaign_id) FROM mart.campaign`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 3 || len(links) != n {
		t.Fatalf("index links %d campaign pages, mart.campaign has %d campaigns (want 3)", len(links), n)
	}
	byName := map[string]string{}
	for _, l := range links {
		b := readPage(t, l[1])
		m := regexp.MustCompile(`<h1>(.*?)</h1>`).FindStringSubmatch(b)
		byName[html.UnescapeString(m[1])] = l[1]
	}
	for _, id := range []string{"drive-q1", "autumn", "all-may"} {
		var name string
		var w, units int64
		var did sql.NullFloat64
		if err := testDB.QueryRow(`SELECT name, petitions_w FROM mart.campaign WHERE campaign_id = ? AND unit_id = 'ALL'`, id).Scan(&name, &w); err != nil {
			t.Fatal(err)
		}
		if err := testDB.QueryRow(`SELECT did_pct FROM mart.campaign_groups WHERE campaign_id = ? AND "group" = 'participating'`, id).Scan(&did); err != nil {
			t.Fatal(err)
		}
		if err := testDB.QueryRow(`SELECT count(*) FROM mart.campaign c JOIN units u USING (unit_id)
			WHERE campaign_id = ? AND NOT rollup AND participating`, id).Scan(&units); err != nil {
			t.Fatal(err)
		}
		page, ok := byName[name]
		if !ok {
			t.Fatalf("no page titled %q", name)
		}
		for _, s := range sections(t, page) {
			if !hasContent(s.body) {
				t.Errorf("%s: section %q has no content", page, s.title)
			}
		}
		if got := cards(sectionByTitle(t, page, "活动前后对比").body)["全系统"]; got != commas(w) {
			t.Errorf("%s: whole-system card %q, mart petitions_w %d", page, got, w)
		}
		want := "-"
		if did.Valid {
			want = strconv.FormatFloat(did.Float64, 'f', 1, 64)
			if did.Float64 > 0 {
				want = "+" + want
			}
			want += " 个百分点"
		}
		if got := cards(sectionByTitle(t, page, "双重差分").body)["双重差分"]; got != want {
			t.Errorf("%s: did card %q, want %q", page, got, want)
		}
		if got := tableRows(sectionByTitle(t, page, "各参与单位").body); int64(got) != units {
			t.Errorf("%s: %d unit rows, %d participating known units", page, got, units)
		}
		if !strings.Contains(sectionByTitle(t, page, "每周信访量").body, `class="chart"`) {
			t.Errorf("%s: no weekly chart", page)
		}
	}
	review := campLinkRe.FindAllStringSubmatch(readPage(t, "archive/2026-Q1/index.html"), -1)
	if len(review) != 1 || review[0][1] != byName["联合接访（测试）"] {
		t.Errorf("2026-Q1 review links %v, want only the 2026-Q1 campaign's page %s", review, byName["联合接访（测试）"])
	}
	if _, err := os.Stat(filepath.Join(testReports, "archive", "2026-Q1", review[0][1])); err != nil {
		t.Errorf("the review's campaign page: %v", err)
	}
}

// The alert page lists every row of mart.alerts, red first, each unit linked to its page and
// with its count and threshold as the mart has them, and one chart per alert; the index
// shows the open alerts by level.
func TestAlertPage(t *testing.T) {
	needSetup(t)
	rows, err := testDB.Query(`SELECT level, unit_id, "count", threshold FROM mart.alerts
		ORDER BY CASE level WHEN 'red' THEN 0 ELSE 1 END, unit_id,
		         CASE kind WHEN 'collective' THEN 0 WHEN 'total' THEN 1 ELSE 2 END, category NULLS FIRST`)
	if err != nil {
		t.Fatal(err)
	}
	type al struct {
		level, unit string
		count       int64
		threshold   float64
	}
	var want []al
	var red, amber int
	for rows.Next() {
		var a al
		if err := rows.Scan(&a.level, &a.unit, &a.count, &a.threshold); err != nil {
			t.Fatal(err)
		}
		want = append(want, a)
		if a.level == "red" {
			red++
		} else {
			amber++
		}
	}
	rows.Close()
	if red == 0 {
		t.Fatal("the planted surge raised no red alert")
	}
	sec := sectionByTitle(t, "alerts.html", "本周预警")
	got := bodyRows(sec.body)
	if len(got) != len(want) {
		t.Fatalf("alert table %d rows, mart.alerts %d", len(got), len(want))
	}
	for i, a := range want {
		lv := map[string]string{"red": "红色", "amber": "黄色"}[a.level]
		if got[i][0] != lv || got[i][3] != commas(a.count) || got[i][6] != strconv.FormatFloat(a.threshold, 'f', 2, 64) {
			t.Errorf("alert row %d: %v, want level %s count %d threshold %.2f", i, got[i], lv, a.count, a.threshold)
		}
	}
	if strings.Count(sec.body, `href="unit/`) != len(want) {
		t.Errorf("alert table: %d unit links for %d alerts", strings.Count(sec.body, `href="unit/`), len(want))
	}
	charts := sectionByTitle(t, "alerts.html", "各预警的每周走势")
	if n := strings.Count(charts.body, `class="chart"`); n != min(len(want), 40) {
		t.Errorf("alert charts: %d, want %d", n, min(len(want), 40))
	}
	idx := cards(sectionByTitle(t, "index.html", "预警").body)
	if idx["红色预警"] != strconv.Itoa(red) || idx["黄色预警"] != strconv.Itoa(amber) {
		t.Errorf("index alert cards %v, want red %d amber %d", idx, red, amber)
	}
}

// The cohort heat table on the timeliness page holds mart.cohort's last 24 months of the whole
// system, newest first, with the mart's received count and closed share in each row and a
// heat class on every closed-share cell with a value; the busiest unit's page holds its own.
func TestCohortSections(t *testing.T) {
	needSetup(t)
	check := func(page, unit string, rollupCond string) {
		t.Helper()
		rows, err := testDB.Query(`SELECT period, received, closed_share FROM mart.cohort
			WHERE period_type = 'month' AND unit_id = ? AND `+rollupCond+` AND period_start >= DATE '2024-06-01'
			ORDER BY period_start DESC`, unit)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		sec := sectionByTitle(t, page, "按受理月跟踪")
		got := bodyRows(sec.body)
		i := 0
		for ; rows.Next(); i++ {
			var period string
			var received int64
			var share sql.NullFloat64
			if err := rows.Scan(&period, &received, &share); err != nil {
				t.Fatal(err)
			}
			if i >= len(got) {
				continue
			}
			wantShare := "-"
			if share.Valid {
				wantShare = strconv.FormatFloat(share.Float64*100, 'f', 1, 64) + "%"
			}
			if got[i][0] != period || got[i][1] != commas(received) || got[i][3] != wantShare {
				t.Errorf("%s row %d: %v, want %s received %d closed share %s", page, i, got[i], period, received, wantShare)
			}
		}
		if i != 24 || len(got) != i {
			t.Errorf("%s: %d cohort rows, mart %d (want 24 months)", page, len(got), i)
		}
		if strings.Count(sec.body, " heat heat-") == 0 {
			t.Errorf("%s: no heat cell", page)
		}
	}
	check("timeliness.html", "ALL", "rollup")
	var unit string
	if err := testDB.QueryRow(`SELECT r.unit_id FROM mart.records r JOIN units u USING (unit_id)
		WHERE r.unit_id NOT LIKE '%<%' GROUP BY r.unit_id ORDER BY count(*) DESC, r.unit_id LIMIT 1`).Scan(&unit); err != nil {
		t.Fatal(err)
	}
	check(unitPage(t, unit), unit, "NOT rollup")
}
