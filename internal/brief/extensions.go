package brief

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"time"
)

// campaignRow is one campaign's participating row of mart.campaign_groups (SPEC §9)
// with the other units' change beside it.
type campaignRow struct {
	name                     string
	start, end, wEnd         time.Time
	units, days              int64
	w, b, p                  int64
	yoy, prev, did, otherYoy sql.NullFloat64
	backlog, cleared         sql.NullInt64
	clearance                sql.NullFloat64
}

// alertRow is one alert of the quarter's alert week (mart.alerts, SPEC §10).
type alertRow struct {
	unit, kind, level string
	category          sql.NullString
	count             int64
	threshold         sql.NullFloat64
}

// loadExtensions reads the campaigns whose window overlaps the quarter and the alerts
// of the alert week ending in it (the last ISO week on or before the quarter's end).
func (f *facts) loadExtensions(ctx context.Context, db *sql.DB, qStart, qEnd time.Time) error {
	rows, err := db.QueryContext(ctx, `SELECT p.name, p.start_date, p.end_date, p.w_end, p.units, p.days,
			p.petitions_w, p.petitions_b, p.petitions_p, p.change_yoy_pct, p.change_prev_pct, p.did_pct, o.change_yoy_pct,
			p.backlog, p.backlog_cleared, p.backlog_clearance_rate
		FROM mart.campaign_groups p
		JOIN mart.campaign_groups o ON o.campaign_id = p.campaign_id AND o."group" = 'other'
		WHERE p."group" = 'participating' AND p.start_date <= ? AND p.end_date >= ?
		ORDER BY p.start_date, p.campaign_id`, qEnd, qStart)
	if err != nil {
		return wrap("mart.campaign_groups", err)
	}
	if err := scanAll(rows, func() error {
		var c campaignRow
		if err := rows.Scan(&c.name, &c.start, &c.end, &c.wEnd, &c.units, &c.days, &c.w, &c.b, &c.p, &c.yoy, &c.prev, &c.did, &c.otherYoy,
			&c.backlog, &c.cleared, &c.clearance); err != nil {
			return err
		}
		f.campaigns = append(f.campaigns, c)
		return nil
	}); err != nil {
		return wrap("mart.campaign_groups", err)
	}
	rows, err = db.QueryContext(ctx, `SELECT coalesce(u.name, a.unit_id), a.kind, a.level, a.category, a."count", a.threshold, a.week_start
		FROM mart.alerts a LEFT JOIN mart.units_known u USING (unit_id)
		ORDER BY a.level = 'red' DESC, a."count" DESC, a.unit_id, a.kind, a.category`)
	if err != nil {
		return wrap("mart.alerts", err)
	}
	if err := scanAll(rows, func() error {
		var a alertRow
		var week time.Time
		if err := rows.Scan(&a.unit, &a.kind, &a.level, &a.category, &a.count, &a.threshold, &week); err != nil {
			return err
		}
		f.alertWeek = week
		f.alerts = append(f.alerts, a)
		return nil
	}); err != nil {
		return wrap("mart.alerts", err)
	}
	return nil
}

// 六、专项活动 and 七、矛盾纠纷预警 (SPEC §9–§10), after the inspection priorities.
func (b *builder) extensionSections() {
	b.campaignSection()
	b.alertSection()
}

func (b *builder) campaignSection() {
	l, f := b.l, b.f
	if len(f.campaigns) == 0 {
		return // no drive overlaps the quarter: no section
	}
	b.h1("专项活动", "Campaigns")
	minN := b.cfg.Appraisal.MinN
	var rows [][]string
	for _, c := range f.campaigns {
		win := l.date(c.start) + l.s("至", " to ") + l.date(c.end)
		s := l.s(fmt.Sprintf("%s（%s），参与单位%d个，截至%s共%d天：受理信访%s件次，同比%s，较活动前%d天%s。",
			c.name, win, c.units, l.date(c.wEnd), c.days, count(c.w),
			l.versusNote(c.w, c.b, ptr(c.yoy), minN, "上年同期"+count(c.b)+"件次"), c.days,
			l.versusNote(c.w, c.p, ptr(c.prev), minN, "活动前"+count(c.p)+"件次")),
			fmt.Sprintf("%s (%s), %d participating units, %d days to %s: %s petitions, %s on a year earlier and %s on the %d days before.",
				c.name, win, c.units, c.days, l.date(c.wEnd), count(c.w),
				l.versusNote(c.w, c.b, ptr(c.yoy), minN, "a year earlier "+count(c.b)),
				l.versusNote(c.w, c.p, ptr(c.prev), minN, "before "+count(c.p)), c.days))
		if c.backlog.Valid && c.backlog.Int64 > 0 {
			s += l.s(fmt.Sprintf("活动开始时积案%s件，已化解%s件（%s）。", count(c.backlog.Int64), count(c.cleared.Int64), rate(c.clearance.Float64)),
				fmt.Sprintf(" Of the %s matters open at the start, %s were closed (%s).", count(c.backlog.Int64), count(c.cleared.Int64), rate(c.clearance.Float64)))
		}
		if d := ptr(c.did); d != nil && c.b >= int64(minN) {
			s += l.s(fmt.Sprintf("与未参与单位相比，同比变化相差%s个百分点（双重差分）。", strconv.FormatFloat(*d, 'f', 1, 64)),
				fmt.Sprintf(" Against the other units the change differs by %s points (difference in differences).", strconv.FormatFloat(*d, 'f', 1, 64)))
		}
		b.d.text(s)
		did := "—"
		if d := ptr(c.did); d != nil {
			did = strconv.FormatFloat(*d, 'f', 1, 64)
		}
		rows = append(rows, []string{c.name, count(c.w), count(c.b), count(c.p), did})
	}
	b.d.table(b.caption("专项活动前后对比", "Campaigns before and after"),
		[]string{l.s("活动", "Campaign"), l.s("活动期间（件次）", "During"), l.s("上年同期", "A year earlier"), l.s("活动前同期", "Before"), l.s("双重差分（百分点）", "Diff. in diff. (points)")},
		rows, []int{6, 3, 3, 3, 3}, map[int]bool{0: true})
}

func (b *builder) alertSection() {
	l, f := b.l, b.f
	b.h1("矛盾纠纷预警", "Early warning")
	if len(f.alerts) == 0 {
		b.d.text(l.s("本季度最后一个完整周未发现信访量异常升高或集体访苗头的单位。", "In the last complete week of the quarter no unit showed an unusual rise in petitions or signs of collective visits."))
		return
	}
	red := 0
	for _, a := range f.alerts {
		if a.level == "red" {
			red++
		}
	}
	b.d.text(l.s(fmt.Sprintf("%s起的一周内，共发出预警%d条，其中红色%d条、黄色%d条（信访量超过此前8周均值3个标准差为黄色，超过5个标准差或出现集体访为红色），请有关单位早发现、早调处：",
		l.date(f.alertWeek), len(f.alerts), red, len(f.alerts)-red),
		fmt.Sprintf("In the week from %s, %d alerts were raised, %d red and %d amber (more than 3 standard deviations above the previous weeks' mean is amber; 5, or collective visits, red):",
			l.date(f.alertWeek), len(f.alerts), red, len(f.alerts)-red)))
	var rows [][]string
	for _, a := range f.alerts {
		kind := map[string]string{"total": l.s("信访总量", "All petitions"), "category": l.s("类别：", "Category: ") + nullStr(a.category), "collective": l.s("集体访", "Collective visits")}[a.kind]
		level := map[string]string{"red": l.s("红色", "red"), "amber": l.s("黄色", "amber")}[a.level]
		th := "—"
		if a.threshold.Valid {
			th = strconv.FormatFloat(a.threshold.Float64, 'f', 1, 64)
		}
		rows = append(rows, []string{a.unit, kind, count(a.count), th, level})
	}
	b.d.table(b.caption("预警清单", "Alerts"),
		[]string{l.s("单位", "Unit"), l.s("预警内容", "What"), l.s("本周（件次）", "This week"), l.s("预警阈值", "Threshold"), l.s("级别", "Level")},
		rows, []int{6, 5, 2, 2, 2}, map[int]bool{0: true, 1: true})
}
