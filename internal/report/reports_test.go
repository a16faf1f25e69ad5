package report_test

import (
	"encoding/json"
	"fmt"
	"html"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"
)

// chartOptions reads every chart's option from a rendered page, by chart id.
func chartOptions(t *testing.T, page string) map[string]map[string]any {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(testReports, filepath.FromSlash(page)))
	if err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile(`(?s)<script type="application/json" id="([^"]+)-data">(.*?)</script>`)
	out := map[string]map[string]any{}
	for _, m := range re.FindAllStringSubmatch(string(b), -1) {
		var p struct {
			Option map[string]any `json:"option"`
		}
		if err := json.Unmarshal([]byte(m[2]), &p); err != nil {
			t.Fatalf("%s: chart %s: %v", page, m[1], err)
		}
		out[m[1]] = p.Option
	}
	return out
}

func list(v any) []any {
	switch x := v.(type) {
	case []any:
		return x
	case nil:
		return nil
	default:
		return []any{x}
	}
}

func obj(v any) map[string]any { m, _ := v.(map[string]any); return m }

// categories are the x axis categories of a chart option.
func categories(opt map[string]any) []string {
	var out []string
	for _, ax := range list(opt["xAxis"]) {
		for _, v := range list(obj(ax)["data"]) {
			if s, ok := v.(string); ok {
				out = append(out, s)
			}
		}
	}
	return out
}

// The test data are as of 2026-05-20, so May 2026 is partial: every chart over months
// that shows May shades it with a band labelled 本月至今, and the heatmap fades its cells.
func TestPartialMonthMarked(t *testing.T) {
	needSetup(t)
	want := map[string][]string{
		"overview.html":   {"ov-monthly"},
		"trends.html":     {"tr-heatmap"},
		"timeliness.html": nil, "repeat.html": nil, "feedback.html": nil,
		"targets.html": {"tg-cumulative"},
	}
	for page, ids := range want {
		opts := chartOptions(t, page)
		marked := map[string]bool{}
		for id, opt := range opts {
			cat := "2026-05"
			if id == "tg-cumulative" {
				cat = "05"
			}
			has := false
			for _, c := range categories(opt) {
				has = has || c == cat
			}
			if !has {
				continue
			}
			series := list(opt["series"])
			if len(series) == 0 {
				t.Errorf("%s %s: no series", page, id)
				continue
			}
			ma := obj(obj(series[0])["markArea"])
			data := list(ma["data"])
			// a band ending at the partial month (a line chart's starts at the month before)
			if len(data) != 1 || len(list(data[0])) != 2 || obj(list(data[0])[0])["name"] != "本月至今" || obj(list(data[0])[1])["xAxis"] != cat {
				t.Errorf("%s %s: partial month %s not marked: %v", page, id, cat, ma)
				continue
			}
			marked[id] = true
			if obj(series[0])["type"] == "heatmap" {
				faded := 0
				for _, d := range list(obj(series[0])["data"]) {
					if obj(obj(d)["itemStyle"])["opacity"] != nil {
						faded++
					}
				}
				if faded == 0 {
					t.Errorf("%s %s: no faded cell for the partial month", page, id)
				}
			}
		}
		if len(marked) == 0 {
			t.Errorf("%s: no chart marks the partial month", page)
		}
		for _, id := range ids {
			if !marked[id] {
				t.Errorf("%s: chart %s does not mark the partial month", page, id)
			}
		}
	}
}

// The 12-month moving average has no point at the partial month (117 leaves it NULL),
// and its last point is the average of the 12 complete months before it, as the mart says.
func TestMovingAverageCompleteMonths(t *testing.T) {
	needSetup(t)
	opt := chartOptions(t, "overview.html")["ov-monthly"]
	cats := categories(opt)
	var ma []any
	for _, s := range list(opt["series"]) {
		if obj(s)["name"] == "12个月移动平均" {
			ma = list(obj(s)["data"])
		}
	}
	if len(ma) != len(cats) || cats[len(cats)-1] != "2026-05" {
		t.Fatalf("moving average: %d points over %d months ending %v", len(ma), len(cats), cats[len(cats)-1:])
	}
	if v := obj(ma[len(ma)-1])["value"]; v != "-" {
		t.Errorf("moving average at the partial month = %v, want none", v)
	}
	var want float64
	if err := testDB.QueryRow(`SELECT avg(petitions) FROM mart.volume WHERE unit_id = 'ALL' AND rollup AND period_type = 'month'
		AND period BETWEEN '2025-05' AND '2026-04'`).Scan(&want); err != nil {
		t.Fatal(err)
	}
	got, _ := obj(ma[len(ma)-2])["value"].(float64)
	if diff := got - want; diff > 1e-9 || diff < -1e-9 {
		t.Errorf("moving average at 2026-04 = %v, want the mean of 2025-05…2026-04 = %v", got, want)
	}
}

var deltaRe = regexp.MustCompile(`<div class="delta ([^"]*)"><span class="arrow">[^<]*</span> ([^<]*)</div>`)

// The 本月 card (20 days against the same 20 days) shows its change with the counts and
// uncoloured; on a unit whose base is below appraisal.min_n the card shows the counts
// alone, no percentage.
func TestSmallBaseAndPartialChanges(t *testing.T) {
	needSetup(t)
	b, err := os.ReadFile(filepath.Join(testReports, "overview.html"))
	if err != nil {
		t.Fatal(err)
	}
	card := string(b)[strings.Index(string(b), "本月 2026-05"):]
	card = card[:strings.Index(card, "本季度")]
	var cur, base int64
	if err := testDB.QueryRow(`SELECT petitions, pop_base FROM mart.volume WHERE unit_id = 'ALL' AND rollup AND period = '2026-05'`).Scan(&cur, &base); err != nil {
		t.Fatal(err)
	}
	ds := deltaRe.FindAllStringSubmatch(card, -1)
	if len(ds) != 2 {
		t.Fatalf("本月 card: %d changes, want 2: %s", len(ds), card)
	}
	if ds[1][1] != "partial" || !strings.Contains(ds[1][2], "环比") || !strings.Contains(ds[1][2], "件 对") {
		t.Errorf("本月 环比: class %q text %q, want uncoloured with counts (%d vs %d)", ds[1][1], ds[1][2], cur, base)
	}
	// A unit with a month base below min_n (5) but some petitions this month.
	var unit string
	if err := testDB.QueryRow(`SELECT v.unit_id FROM mart.volume v JOIN units u USING (unit_id)
		WHERE NOT v.rollup AND v.period = '2026-05' AND v.pop_base < ? AND v.unit_id NOT LIKE '%<%'
		ORDER BY v.unit_id LIMIT 1`, testCfg.Appraisal.MinN).Scan(&unit); err != nil {
		t.Fatalf("no unit with a small base: %v", err)
	}
	ub, _ := os.ReadFile(filepath.Join(testReports, unitPage(t, unit)))
	ucard := string(ub)[strings.Index(string(ub), "本月 2026-05"):]
	ucard = ucard[:strings.Index(ucard, "本季度")]
	found := false
	for _, d := range deltaRe.FindAllStringSubmatch(ucard, -1) {
		if strings.Contains(d[2], "环比") {
			found = true
			if d[1] != "small-base" || strings.Contains(d[2], "%") || !strings.Contains(d[2], "基数过小") {
				t.Errorf("unit %s 本月 环比 on a small base: class %q text %q", unit, d[1], d[2])
			}
		}
	}
	if !found {
		t.Errorf("unit %s: no 环比 on the 本月 card", unit)
	}
}

// Charts name their axes with units: petitions in 件, rates in %, and the heatmap's
// colour scale says what it counts.
func TestChartAxesNamed(t *testing.T) {
	needSetup(t)
	axisName := func(opt map[string]any, key string) string {
		for _, ax := range list(opt[key]) {
			if n, ok := obj(ax)["name"].(string); ok {
				return n
			}
		}
		return ""
	}
	for _, c := range []struct{ page, id, key, want string }{
		{"overview.html", "ov-monthly", "yAxis", "件"},
		{"overview.html", "ov-monthly", "xAxis", "月份"},
		{"overview.html", "ov-channel", "xAxis", "件"},
		{"timeliness.html", "", "yAxis", "%"},
		{"repeat.html", "", "yAxis", "%"},
		{"targets.html", "tg-cumulative", "yAxis", "件"},
		{"appraisal.html", "ap-grades", "yAxis", "单位数"},
	} {
		opts := chartOptions(t, c.page)
		for id, opt := range opts {
			if c.id != "" && id != c.id {
				continue
			}
			if got := axisName(opt, c.key); got != c.want {
				t.Errorf("%s %s: %s name %q, want %q", c.page, id, c.key, got, c.want)
			}
		}
		if c.id != "" && opts[c.id] == nil {
			t.Errorf("%s: no chart %s", c.page, c.id)
		}
	}
	hm := chartOptions(t, "trends.html")["tr-heatmap"]
	vm := list(hm["visualMap"])
	if len(vm) == 0 || len(list(obj(vm[0])["text"])) != 2 || !strings.HasSuffix(list(obj(vm[0])["text"])[1].(string), "件") {
		t.Errorf("heatmap scale unlabelled: %v", vm)
	}
}

var tdAttrRe = regexp.MustCompile(`(?s)<td([^>]*)>(.*?)</td>`)

// tableCells returns the rows of the first table of the section titled title, as cell
// texts and classes.
func tableCells(t *testing.T, page, title string) (texts, classes [][]string) {
	t.Helper()
	for _, s := range sections(t, page) {
		if s.title != title {
			continue
		}
		m := rowRe.FindStringSubmatch(s.body)
		if m == nil {
			return nil, nil
		}
		for _, tr := range strings.Split(m[1], "<tr>")[1:] {
			var tx, cl []string
			for _, td := range tdAttrRe.FindAllStringSubmatch(tr, -1) {
				text := regexp.MustCompile(`<[^>]+>`).ReplaceAllString(td[2], "")
				tx = append(tx, text)
				cm := regexp.MustCompile(`class="([^"]*)"`).FindStringSubmatch(td[1])
				c := ""
				if cm != nil {
					c = cm[1]
				}
				cl = append(cl, c)
			}
			texts = append(texts, tx)
			classes = append(classes, cl)
		}
		return texts, classes
	}
	t.Fatalf("%s: no section %q", page, title)
	return nil, nil
}

// Indicator values, peer medians and targets on a unit page carry their % sign.
func TestUnitIndicatorPercentSigns(t *testing.T) {
	needSetup(t)
	var unit string
	if err := testDB.QueryRow(`SELECT r.unit_id FROM mart.records r JOIN units u USING (unit_id)
		WHERE r.unit_id NOT LIKE '%<%' GROUP BY r.unit_id ORDER BY count(*) DESC, r.unit_id LIMIT 1`).Scan(&unit); err != nil {
		t.Fatal(err)
	}
	page := unitPage(t, unit)
	for _, s := range sections(t, page) {
		if !strings.HasPrefix(s.title, "考核指标与同类单位比较") {
			continue
		}
		texts, _ := tableCells(t, page, s.title)
		if len(texts) == 0 {
			t.Fatalf("%s: no indicator rows", page)
		}
		for _, r := range texts {
			for _, i := range []int{1, 3, 4} { // value, peer median, target
				if r[i] != "N/A" && r[i] != "-" && !strings.HasSuffix(r[i], "%") {
					t.Errorf("%s: indicator %s column %d reads %q, want a percentage", page, r[0], i, r[i])
				}
			}
		}
		return
	}
	t.Fatalf("%s: no indicator section", page)
}

// The targets page shows the volume row as changes against last year beside its
// percentage target, and colours no backtest error as good or bad news.
func TestTargetsVolumeRowAndErrors(t *testing.T) {
	needSetup(t)
	texts, classes := tableCells(t, "targets.html", "目标与实际（2026 年）")
	var actual, prior float64
	if err := testDB.QueryRow(`SELECT actual_change_pct, prior_ytd FROM mart.targets WHERE unit_id = 'ALL' AND year = 2026 AND metric = 'volume_change_pct'`).Scan(&actual, &prior); err != nil {
		t.Fatal(err)
	}
	found := false
	for i, r := range texts {
		if r[0] != "全系统" || r[1] != "总量变化" {
			continue
		}
		found = true
		want := fmt.Sprintf("%+.1f%%", actual)
		if !strings.HasPrefix(r[3], want) || !strings.Contains(r[3], "件 对") || !strings.HasSuffix(r[4], "件）") || !strings.Contains(r[4], "%") {
			t.Errorf("volume row reads actual %q projected %q, want %s with counts", r[3], r[4], want)
		}
		if strings.Contains(classes[i][6], "bad") || strings.Contains(classes[i][6], "good") {
			t.Errorf("backtest error coloured: %q", classes[i][6])
		}
	}
	if !found {
		t.Fatal("no whole-system volume row on the targets page")
	}
	_, bc := tableCells(t, "targets.html", "预测回测误差")
	for _, r := range bc {
		if c := r[len(r)-1]; strings.Contains(c, "bad") || strings.Contains(c, "good") {
			t.Errorf("backtest error coloured: %q", c)
		}
	}
}

var thRe = regexp.MustCompile(`(?s)<th(\s[^>]*)?>(.*?)</th>`)

// headers returns the header labels and whether each is right-aligned, for the first
// table of the section titled title.
func headers(t *testing.T, page, title string) (labels []string, num []bool) {
	t.Helper()
	for _, s := range sections(t, page) {
		if s.title == title {
			for _, m := range thRe.FindAllStringSubmatch(s.body, -1) {
				labels = append(labels, m[2])
				num = append(num, strings.Contains(m[1], `class="num"`))
			}
			return labels, num
		}
	}
	t.Fatalf("%s: no section %q", page, title)
	return nil, nil
}

// The veto page names rules by metric and scope (never the config id), gives the reason
// without repeating the rule, lists vetoes without an always-是 触发 column, keeps the
// state where triggered and untriggered evaluations both appear, and ties each handler
// to the unit of their records.
func TestVetoPage(t *testing.T) {
	needSetup(t)
	b, err := os.ReadFile(filepath.Join(testReports, "veto.html"))
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range testCfg.Veto.Rules {
		if strings.Contains(string(b), r.ID) {
			t.Errorf("veto.html shows the rule id %q", r.ID)
		}
	}
	labels, _ := headers(t, "veto.html", "触发一票否决")
	for _, l := range labels {
		if l == "触发" {
			t.Error("the list of vetoes has a 触发 column")
		}
	}
	texts, _ := tableCells(t, "veto.html", "触发一票否决")
	if len(texts) == 0 {
		t.Fatal("no vetoes on the test data")
	}
	col := map[string]int{}
	for i, l := range labels {
		col[l] = i
	}
	handlers := 0
	for _, r := range texts {
		if !strings.HasPrefix(r[col["规则"]], "合理投诉") && !strings.HasPrefix(r[col["规则"]], "群体性事件") {
			t.Errorf("rule label %q", r[col["规则"]])
		}
		if strings.Contains(r[col["原因"]], r[col["规则"]]) {
			t.Errorf("reason %q repeats the rule %q", r[col["原因"]], r[col["规则"]])
		}
		if r[col["对象类型"]] != "个人" {
			continue
		}
		handlers++
		// The unit with most of this handler's records (by pseudonymised id prefix).
		subj := strings.TrimSuffix(r[col["对象"]], "…")
		var unit string
		if err := testDB.QueryRow(`SELECT coalesce(u.name, h.unit_id) FROM mart.veto_handler_units h LEFT JOIN units u USING (unit_id)
			WHERE starts_with(h.handler_id, ?) ORDER BY h.records DESC, h.unit_id LIMIT 1`, subj).Scan(&unit); err != nil {
			t.Fatalf("handler %s: %v", subj, err)
		}
		if !strings.HasPrefix(html.UnescapeString(r[col["所在单位"]]), unit) && !strings.HasPrefix(html.UnescapeString(r[col["所在单位"]]), unit+" (") {
			t.Errorf("handler %s: unit %q, want it to start with %q", subj, r[col["所在单位"]], unit)
		}
	}
	var wantHandlers int
	if err := testDB.QueryRow(`SELECT count(*) FROM mart.veto WHERE triggered AND scope = 'handler'`).Scan(&wantHandlers); err != nil {
		t.Fatal(err)
	}
	if handlers != wantHandlers {
		t.Errorf("%d handler vetoes listed, mart.veto has %d", handlers, wantHandlers)
	}
	all, _ := headers(t, "veto.html", "全部规则评估结果 2026")
	if all[len(all)-1] != "触发" {
		t.Errorf("every-evaluation table lacks the 触发 state: %v", all)
	}
}

// The trend card says why: the seasonal test's window, the balance of same-month rises
// and falls (mart.trend.mk_s), Z against the threshold and Sen's slope.
func TestTrendVerdictExplained(t *testing.T) {
	needSetup(t)
	var label string
	var s int64
	var z float64
	if err := testDB.QueryRow(`SELECT label, mk_s, mk_z FROM mart.trend WHERE unit_id = 'ALL' AND rollup`).Scan(&label, &s, &z); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(testReports, "overview.html"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`<div class="why">([^<]*)</div>`).FindStringSubmatch(string(b))
	if m == nil {
		t.Fatal("overview: the trend card does not say why")
	}
	why := html.UnescapeString(m[1])
	for _, want := range []string{"季节性检验逐一比较每个日历月与其他年份的同一月份", fmt.Sprintf("Z = %.2f", z)} {
		if !strings.Contains(why, want) {
			t.Errorf("why %q lacks %q", why, want)
		}
	}
	if label == "rising" || label == "declining" {
		n := s
		if n < 0 {
			n = -n
		}
		if !strings.Contains(why, fmt.Sprintf("多 %d 次", n)) || !strings.Contains(why, "Sen 斜率") {
			t.Errorf("why %q lacks S = %d or Sen's slope", why, s)
		}
	} else if label == "flat" && !strings.Contains(why, "之内") {
		t.Errorf("flat verdict: why %q does not say Z is within the threshold", why)
	}
}

// The unit directory starts with the whole system, then lists the unit tree: every unit
// after its parent, and siblings in pinyin order of their names (not code-point order).
func TestUnitDirectoryTree(t *testing.T) {
	needSetup(t)
	b, err := os.ReadFile(filepath.Join(testReports, "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?s)<table class="data" data-csv="units">.*?<tbody>(.*?)</tbody>`).FindStringSubmatch(string(b))
	if m == nil {
		t.Fatal("no unit directory")
	}
	var ids []string
	for _, tr := range strings.Split(m[1], "<tr>")[1:] {
		tds := tdAttrRe.FindAllStringSubmatch(tr, -1)
		ids = append(ids, html.UnescapeString(tds[1][2]))
	}
	if len(ids) == 0 || ids[0] != "ALL" {
		t.Fatalf("directory does not start with the whole system: %v", ids[:min(3, len(ids))])
	}
	parent, name := map[string]string{}, map[string]string{}
	rows, err := testDB.Query(`SELECT unit_id, name, coalesce(parent_id, '') FROM units`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id, n, p string
		if err := rows.Scan(&id, &n, &p); err != nil {
			t.Fatal(err)
		}
		parent[id], name[id] = p, n
	}
	rows.Close()
	if len(ids)-1 != len(parent) {
		t.Errorf("directory lists %d units, the unit table has %d", len(ids)-1, len(parent))
	}
	pos := map[string]int{}
	col := collate.New(language.Chinese)
	lastChild := map[string]string{} // parent -> the previous sibling listed
	for i, id := range ids[1:] {
		pos[id] = i
		p := parent[id]
		if _, known := parent[p]; known {
			if _, seen := pos[p]; !seen {
				t.Errorf("%s listed before its parent %s", id, p)
			}
		} else {
			p = ""
		}
		if prev, ok := lastChild[p]; ok && col.CompareString(name[prev], name[id]) > 0 {
			t.Errorf("siblings out of pinyin order: %q before %q", name[prev], name[id])
		}
		lastChild[p] = id
	}
}

// Every monthly rate chart whose indicator has a configured target (mart.targets, the
// whole system) draws it as a labelled dashed goal line across the target's year.
func TestGoalLines(t *testing.T) {
	needSetup(t)
	type goal struct {
		metric string
		value  float64
	}
	var goals []goal
	rows, err := testDB.Query(`SELECT metric, target FROM mart.targets WHERE unit_id = 'ALL' AND rollup AND year = 2026 AND metric <> 'volume_change_pct'`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var g goal
		if err := rows.Scan(&g.metric, &g.value); err != nil {
			t.Fatal(err)
		}
		goals = append(goals, g)
	}
	rows.Close()
	if len(goals) == 0 {
		t.Fatal("no rate targets in the test config")
	}
	labels := map[string]string{"on_time_rate": "按期办结率", "repeat_rate": "重复信访率", "feedback_rate": "按期反馈率", "acceptance_rate": "及时受理率"}
	charts := map[string]map[string]any{}
	for _, p := range []string{"timeliness.html", "repeat.html", "feedback.html"} {
		for id, o := range chartOptions(t, p) {
			charts[id] = o
		}
	}
	for _, g := range goals {
		found := false
		for id, o := range charts {
			for _, se := range list(o["series"]) {
				if obj(se)["name"] != labels[g.metric] {
					continue
				}
				found = true
				data := list(obj(obj(se)["markLine"])["data"])
				if len(data) != 1 {
					t.Errorf("%s %s: %d goal segments, want 1 (2026)", id, g.metric, len(data))
					continue
				}
				start := obj(list(data[0])[0])
				if v, _ := start["yAxis"].(float64); v-g.value*100 > 1e-9 || g.value*100-v > 1e-9 || start["xAxis"] != "2026-01" ||
					!strings.HasPrefix(start["name"].(string), "目标 ") || !strings.HasSuffix(start["name"].(string), "%") {
					t.Errorf("%s %s: goal %v, want %v%% from 2026-01, labelled", id, g.metric, start, g.value*100)
				}
			}
		}
		if !found && labels[g.metric] != "" {
			t.Errorf("no monthly chart draws %s", g.metric)
		}
	}
}

// In every table of every page, a column's header and its cells agree on alignment: the
// header is right-aligned exactly when the column's cells are.
func TestHeaderCellAlignment(t *testing.T) {
	needSetup(t)
	tableRe := regexp.MustCompile(`(?s)<table class="data"[^>]*>(.*?)</table>`)
	for _, p := range sitePages(t) {
		b, err := os.ReadFile(filepath.Join(testReports, filepath.FromSlash(p)))
		if err != nil {
			t.Fatal(err)
		}
		for _, tm := range tableRe.FindAllStringSubmatch(string(b), -1) {
			var num []bool
			for _, th := range thRe.FindAllStringSubmatch(tm[1], -1) {
				num = append(num, strings.Contains(th[1], `class="num"`))
			}
			body := rowRe.FindStringSubmatch(tm[1])
			if body == nil {
				continue
			}
			for _, tr := range strings.Split(body[1], "<tr>")[1:] {
				for j, td := range tdAttrRe.FindAllStringSubmatch(tr, -1) {
					if j >= len(num) {
						t.Errorf("%s: a row has more cells than headers", p)
						break
					}
					cm := regexp.MustCompile(`class="([^"]*)"`).FindStringSubmatch(td[1])
					isNum := cm != nil && strings.Contains(" "+cm[1]+" ", " num ")
					if isNum != num[j] && td[2] != "" && td[2] != "-" {
						t.Errorf("%s: column %d header right-aligned %v, cell %q %v", p, j, num[j], td[2], isNum)
						break
					}
				}
			}
		}
	}
}

// In the every-unit trend table, a 12-month change on a previous-12-month base below
// appraisal.min_n is uncoloured (neither a riser nor a faller in red or green).
func TestTrendTableSmallBase(t *testing.T) {
	needSetup(t)
	texts, classes := tableCells(t, "trends.html", "全部单位趋势")
	small, checked := 0, 0
	for i, r := range texts {
		prev := strings.ReplaceAll(r[5], ",", "")
		var n int
		if _, err := fmt.Sscan(prev, &n); err != nil || r[6] == "-" {
			continue
		}
		checked++
		c := classes[i][6]
		if n < testCfg.Appraisal.MinN {
			small++
			if strings.Contains(c, "good") || strings.Contains(c, "bad") || !strings.Contains(c, "small-base") {
				t.Errorf("%s: change %s on a base of %d has class %q", r[0], r[6], n, c)
			}
		} else if strings.Contains(c, "small-base") {
			t.Errorf("%s: change %s on a base of %d marked small", r[0], r[6], n)
		}
	}
	if checked == 0 {
		t.Fatal("no trend rows with a change")
	}
	t.Logf("%d of %d changes on a small base", small, checked)
}
