package report

import (
	"strings"

	"github.com/xinfang/xinfang/internal/spec"
)

// The message catalogue: every label the report shows goes through T. Chinese is
// the default; cfg.Language "en" switches to English. Unknown keys fall back to
// the key itself, so a missing entry is visible but never fatal.
var messages = withRegistryLabels(map[string][2]string{
	// site and navigation
	"site.title":     {"信访工作绩效考核报告", "Petition work performance report"},
	"nav.index":      {"首页", "Home"},
	"nav.overview":   {"总体情况", "Overview"},
	"nav.trends":     {"趋势", "Trends"},
	"nav.repeat":     {"重复信访", "Repeat visits"},
	"nav.timeliness": {"按期办结", "Timeliness"},
	"nav.feedback":   {"上级转交督办反馈", "Feedback to higher levels"},
	"nav.veto":       {"一票否决", "Veto list"},
	"nav.appraisal":  {"绩效考核", "Appraisal"},
	"nav.targets":    {"目标管理", "Targets"},
	"nav.quality":    {"数据质量", "Data quality"},
	"nav.review":     {"季度评议", "Quarterly review"},
	"nav.units":      {"单位一览", "Units"},
	"asof":           {"数据截至", "As of"},
	"generated":      {"生成于", "Generated"},
	"footer":         {"离线报告：所有资源随报告提供，不访问网络。信访人以假名（密钥哈希）显示。", "Offline report: every asset ships with it; no network access. Petitioners appear only as pseudonyms (keyed hashes)."},
	"not_tracked":    {"未跟踪", "not tracked"},
	"none":           {"无", "none"},
	"empty":          {"无记录", "no rows"},
	"xlsx":           {"下载 Excel 工作簿（排名与目标）", "Download Excel workbook (ranking and targets)"},
	"archive.title":  {"季度评议存档", "Quarterly review archives"},
	"archive.none":   {"尚无存档", "no archived quarters yet"},
	"unit.unknown":   {"未知单位", "unknown unit"},
	"all":            {"全系统", "Whole system"},
	"own":            {"本级", "own records"},
	"incl":           {"含下级", "incl. subordinate units"},
	"list_sep":       {"、", ", "},
	"top_n_note":     {"仅列出前 %d 项。", "Top %d only."},
	"rollup_note":    {"单位行为本级记录（不含下级）。", "Unit rows count the unit's own records (not its subordinates)."},
	// index
	"idx.freshness":   {"数据新鲜度", "Data freshness"},
	"idx.asof":        {"统计截至日", "As-of date"},
	"idx.last_batch":  {"最近一次导入", "Last ingest batch"},
	"idx.last_record": {"最新受理日期", "Latest received date"},
	"idx.records":     {"记录数", "Records"},
	"idx.units":       {"单位数", "Units"},
	"idx.pages":       {"报告页面", "Pages"},
	"idx.generated":   {"报告生成时间", "Report generated"},
	// overview
	"ov.kpi":     {"信访总量", "Petition volume"},
	"ov.month":   {"本月", "This month"},
	"ov.quarter": {"本季度", "This quarter"},
	"ov.year":    {"本年", "This year"},
	// period picker (picker.go)
	"pk.label":          {"统计期", "Period"},
	"pk.years":          {"年度", "Years"},
	"pk.quarters":       {"季度", "Quarters"},
	"pk.months":         {"月份", "Months"},
	"pk.partial":        {"（至今，不完整）", " (to date, partial)"},
	"pk.note":           {"卡片、图表与各单位表格随统计期切换；趋势判定、名单与考核结果为截至统计日的数值。", "Cards, charts and unit tables follow the period; trend verdicts, lists and appraisal results stay as of the as-of date."},
	"pk.month":          {"月份", "Month"},
	"pk.quarter":        {"季度", "Quarter"},
	"pk.year":           {"年度", "Year"},
	"pk.rates":          {"主要指标", "Key rates"},
	"pk.channels":       {"按渠道", "By channel"},
	"pk.categories":     {"按类别", "By category"},
	"pk.rp.units":       {"各单位重复信访与结案不息诉", "Repeat visits and not ceased after closure by unit"},
	"pk.tl.units":       {"各单位按期办结与及时受理", "On-time handling and acceptance by unit"},
	"pk.fb.units":       {"各单位上级转送、交办、督办事项按期反馈", "Feedback on matters transferred, assigned or supervised by higher levels, by unit"},
	"pk.fb.supervision": {"挂牌督办与领导包案", "Listed supervision and leader-owned cases"},
	"pk.heatmap":        {"截至所选统计期的24个月", "the 24 months up to the chosen period"},
	"ax.month":          {"月份", "Month"},
	"ax.month_no":       {"月", "Month"},
	"ax.petitions":      {"件", "petitions"},
	"ax.units":          {"单位数", "units"},
	"ax.z":              {"Z 值", "Z"},
	"colon":             {"：", ": "},
	"sep":               {"；", "; "},
	"why.test":          {"季节性检验逐一比较每个日历月与其他年份的同一月份（%s 至 %s，%d 个完整月）", "The seasonal test compares each calendar month only with the same month of other years (%s to %s, %d complete months)"},
	"why.more_up":       {"同月比较中上升比下降多 %d 次", "same-month comparisons rise %d more times than they fall"},
	"why.more_down":     {"同月比较中下降比上升多 %d 次", "same-month comparisons fall %d more times than they rise"},
	"why.beyond":        {"Z = %s，超出 ±%s 的判定界", "Z = %s, beyond the ±%s threshold"},
	"why.within":        {"Z = %s，在 ±%s 的判定界之内，判为无明显趋势", "Z = %s, within the ±%s threshold, so no clear trend"},
	"why.slope":         {"Sen 斜率（同月逐年变化的中位数）%s 件/年", "Sen's slope (the median year-on-year change of a month) %s per year"},
	"why.ttm_differs":   {"近12个月总量变化只比较最近两个12个月，方向可以与此不同。", "The last-12-months change compares only the two latest 12-month totals and can point the other way."},
	"why.insufficient":  {"至少需要 %d 个完整月，现有 %d 个", "needs at least %d complete months, has %d"},
	"partial":           {"本月至今", "partial month"},
	"ov.partial":        {"（截至统计日，同期比较）", "(to date, like-for-like)"},
	"ov.counts":         {"（%s 件 对 %s 件）", "(%s vs %s)"},
	"ov.counts_only":    {"%s 件 对 %s 件（基数过小，不计百分比）", "%s vs %s (base too small for a percentage)"},
	"ov.yoy":            {"同比", "YoY"},
	"ov.pop":            {"环比", "vs prev."},
	"ov.trend":          {"趋势判定（季节性 Mann-Kendall 检验）", "Trend verdict (seasonal Mann-Kendall)"},
	"ov.trend_sub":      {"Z = %s，Sen 斜率 %s 件/年，%d 个完整月", "Z = %s, Sen's slope %s per year, %d complete months"},
	"ov.ttm":            {"近12个月 %s 件，上一12个月 %s 件（%s）", "last 12 months %s, previous 12 %s (%s)"},
	"ov.monthly":        {"月度信访量、12个月移动平均与目标", "Monthly petitions, 12-month moving average and target"},
	"ov.ma12":           {"12个月移动平均", "12-month moving average"},
	"ov.goal":           {"目标", "Target"},
	"ov.target":         {"目标（月均）", "Target (monthly average)"},
	"ov.target_note":    {"目标线 = 上年总量 ×（1 + 目标降幅）÷ 12，与12个月移动平均比较。", "Target line = last year's total × (1 + target change) ÷ 12, to compare with the 12-month moving average."},
	"ov.channels":       {"按渠道（本年）", "By channel (this year)"},
	"ov.categories":     {"按类别（本年）", "By category (this year)"},
	"ov.rates":          {"主要指标（本年）", "Key rates (this year)"},
	"petitions":         {"件次", "petitions"},
	// verdicts
	"declining":    {"持续下降", "declining"},
	"rising":       {"上升", "rising"},
	"flat":         {"无明显趋势", "flat"},
	"insufficient": {"数据不足", "insufficient data"},
	// trends
	"tr.heatmap":   {"单位 × 月 信访量（近24个月，按近12个月总量取前 %d 个单位）", "Petitions by unit and month (last 24 months, top %d units by last-12-month volume)"},
	"tr.risers":    {"上升最明显的单位", "Biggest risers"},
	"tr.decliners": {"下降最明显的单位", "Biggest decliners"},
	"tr.all":       {"全部单位趋势", "Trend of every unit"},
	"tr.note":      {"按季节性 Mann-Kendall Z 值排序；Sen 斜率已年化（×12，件/年）。", "Ordered by the seasonal Mann-Kendall Z; Sen's slope annualised (×12, petitions per year)."},
	// repeat
	"rp.monthly": {"月度重复信访率（全系统）", "Monthly repeat rate (whole system)"},
	"rp.units":   {"各单位重复信访与结案不息诉（本年）", "Repeat visits and not ceased after closure by unit (this year)"},
	"rp.censor":  {"近期结案尚在观察期内（信访人仍可能再访），一次性化解率偏高。", "Recent closures are right-censored (petitioners may still come back), so the first-contact rate is optimistic for them."},
	// timeliness
	"tl.monthly":  {"月度按期办结率（全系统）", "Monthly on-time rate (whole system)"},
	"tl.units":    {"各单位按期办结与及时受理（本年）", "On-time handling and acceptance by unit (this year)"},
	"tl.overdue":  {"已超期未办结", "Open and overdue"},
	"tl.due_soon": {"即将到期（%d 天内）", "Due within %d days"},
	// feedback
	"fb.monthly":     {"月度按期反馈率（全系统）", "Monthly feedback rate (whole system)"},
	"fb.units":       {"各单位上级转送、交办、督办事项按期反馈（本年）", "Feedback on matters transferred, assigned or supervised by higher levels, by unit (this year)"},
	"fb.supervision": {"挂牌督办与领导包案（本年）", "Listed supervision and leader-owned cases (this year)"},
	// veto
	"veto.intro":     {"一票否决：合理投诉多或发生群体性事件的单位和个人，取消评先创优资格。", "One-vote veto: units and people with many justified complaints or a mass incident lose eligibility for awards."},
	"veto.triggered": {"触发一票否决", "Vetoes triggered"},
	"veto.all":       {"全部规则评估结果", "Every rule evaluation"},
	"veto.reason":    {"%s %s %s（实际 %s）", "%s %s %s (actual %s)"},
	// appraisal
	"ap.ranking":   {"同类单位排名（%s）", "Ranking within peer groups (%s)"},
	"ap.grid":      {"单位 × 指标 红黄绿", "Unit × indicator red/amber/green"},
	"ap.grid_note": {"绿：达到目标（未扣分）；黄：扣分未过半；红：扣分过半；灰：不适用（样本不足或未跟踪）。", "Green: target met (no deduction); amber: less than half the weight deducted; red: half or more deducted; grey: not applicable (too few cases or not tracked)."},
	"ap.grades":    {"等次分布", "Grades"},
	// targets
	"tg.table":      {"目标与实际（%s 年）", "Targets and actuals (%s)"},
	"tg.backtest":   {"预测回测误差", "Projection backtest error"},
	"tg.quantiles":  {"同类单位分位数（本年，供设定目标参考）", "Peer-group quantiles (this year, for setting realistic targets)"},
	"tg.projection": {"全系统累计信访量：实际与年末预测", "Whole system cumulative petitions: actual and year-end projection"},
	"tg.cum_actual": {"本年累计", "this year, cumulative"},
	"tg.cum_prev":   {"上年累计", "last year, cumulative"},
	"tg.projected":  {"年末预测", "projected year-end"},
	// quality
	"dq.batches":  {"导入批次（最近 50 个）", "Ingest batches (latest 50)"},
	"dq.rejected": {"拒收与字段警告（按原因）", "Rejected rows and field warnings by reason"},
	"dq.unknown":  {"未知单位（记录保留，只计入全系统）", "Unknown units (records kept, counted in the whole system only)"},
	"dq.sources":  {"数据源", "Sources"},
	// unit page
	"u.trend":       {"月度信访量", "Monthly petitions"},
	"u.indicators":  {"考核指标与同类单位比较（%s）", "Indicators against peers (%s)"},
	"u.peer_median": {"同类中位数", "peer median"},
	"u.overdue":     {"已超期未办结", "Open and overdue"},
	"u.due_soon":    {"即将到期", "Due soon"},
	"u.listed":      {"挂牌督办事项（未办结）", "Listed-supervision matters (open)"},
	"u.leader":      {"领导包案事项（未办结）", "Leader-owned matters (open)"},
	"u.repeaters":   {"重复信访人（近12个月，假名）", "Repeat petitioners (last 12 months, pseudonymous)"},
	"u.not_ceased":  {"结案不息诉事项（近12个月结案）", "Closed but not ceased (closed in the last 12 months)"},
	"u.info":        {"单位信息", "Unit"},
	"u.children":    {"下级单位", "Subordinate units"},
	"u.parent":      {"上级单位", "Parent unit"},
	"u.veto":        {"一票否决", "Veto"},
	// quarterly review
	"qr.title":        {"%s 季度评议", "Quarterly review %s"},
	"qr.intro":        {"本存档按季度末（%s）的数据生成，此后不再改变。", "This archive was rendered as of the quarter's last day (%s) and is never changed afterwards."},
	"qr.verdict":      {"总量趋势判定", "Volume trend verdict"},
	"qr.commend":      {"表彰先进候选（各同类组未被一票否决的最高分单位）", "Commendation candidates (best unvetoed unit of each peer group)"},
	"qr.commend_note": {"候选须达到“%s”及以上等次，且所在同类组至少有 2 个参评单位。", "A candidate must reach the grade %s or better, in a peer group of at least 2 scored units."},
	"qr.commend_any":  {"候选所在同类组至少有 2 个参评单位。", "A candidate's peer group has at least 2 scored units."},
	"qr.inspect":      {"督导优先（总量上升且按期办结率或重复信访率处于最差四分之一）", "Inspection priority (volume rising while on-time rate or repeat rate is in the worst quarter)"},
	"qr.inspect_note": {"最差四分之一阈值：按期办结率 ≤ %s，重复信访率 ≥ %s（本季度，件数 ≥ %d 的单位）。", "Worst-quarter thresholds: on-time rate ≤ %s, repeat rate ≥ %s (this quarter, units with at least %d cases)."},
	"qr.full":         {"本季度完整报告", "Full report for the quarter"},
	// campaigns, early warning, intake cohorts (SPEC §9–§11; page_campaign.go, page_alerts.go, cohort_section.go)
	"nav.alerts":                 {"预警", "Alerts"},
	"cp.list":                    {"专项活动（联合接访等）", "Campaigns (joint-reception drives and others)"},
	"cp.list_quarter":            {"本季度（%s）开展的专项活动", "Campaigns running in %s"},
	"cp.window_note":             {"%s 至 %s（统计至 %s，%d 天）", "%s to %s (counted to %s, %d days)"},
	"cp.none":                    {"未配置已开始的专项活动", "no campaign configured that has started"},
	"cp.subtitle":                {"%s · 活动期 %s 至 %s（%d 天）· 上年同期 %s 至 %s · 活动前 %s 至 %s", "%s · window %s to %s (%d days) · a year earlier %s to %s · before %s to %s"},
	"cp.before_after":            {"活动前后对比（活动期信访量）", "Before and after (petitions in the window)"},
	"cp.before_after_intro":      {"活动期（W）受理件次，与上年同期（B，同比）和活动前同样天数（P，环比）比较。", "Petitions received in the window (W), against the same days a year earlier (B) and the same number of days just before it (P)."},
	"cp.card_sub":                {"上年同期 %s · 活动前 %s", "a year earlier %s · before %s"},
	"cp.vs_b":                    {"较上年同期", "vs a year earlier"},
	"cp.vs_p":                    {"较活动前", "vs before"},
	"cp.all_units":               {"本活动覆盖全部单位（\"*\"）。", "This campaign covers every unit (\"*\")."},
	"cp.backlog":                 {"积案化解", "Backlog cleared"},
	"cp.backlog_intro":           {"积案：活动开始前受理、开始时尚未办结的事项；已化解 = 其中在活动期内办结的。超期积案：其中办理期限早于活动开始的。", "Backlog: matters received before the start and still open at the start; cleared = those closed within the window. Overdue backlog: those whose handling deadline fell before the start."},
	"cp.did":                     {"双重差分（参与单位对比其他单位）", "Difference in differences (participating against the other units)"},
	"cp.did_intro":               {"参与单位本级记录合计的同比变化，减去其他单位的同比变化：为负说明参与单位下降更多（或上升更少）。", "The participating units' change against a year earlier minus the other units' change: negative means the participating units fell more (or rose less)."},
	"cp.did_sub":                 {"参与单位同比 − 其他单位同比", "participating change − other units' change"},
	"cp.points":                  {"个百分点", "points"},
	"cp.group.participating":     {"参与单位", "Participating units"},
	"cp.group.other":             {"其他单位", "Other units"},
	"cp.weekly":                  {"每周信访量：活动前、活动期、活动后", "Weekly petitions before, during and after"},
	"cp.weekly_intro":            {"全系统每周受理件次，按时段着色；绿色为参与单位本级记录。", "The whole system's petitions per week, coloured by window; green: the participating units' own records."},
	"cp.weekly_note":             {"每个时段从其首日起按 7 天分周；带 * 的周不足 7 天（时段的最后一周）。活动后最多显示与活动期同样的天数。", "Each window is cut into 7-day weeks from its first day; a week marked * is shorter (a window's last week). After the window, at most as many days as the window are shown."},
	"cp.win.P":                   {"活动前", "before"},
	"cp.win.W":                   {"活动期", "window"},
	"cp.win.after":               {"活动后", "after"},
	"cp.units":                   {"各参与单位（本级记录）", "Each participating unit (own records)"},
	"col.group":                  {"组别", "Group"},
	"col.units":                  {"单位数", "Units"},
	"col.petitions_w":            {"活动期", "Window"},
	"col.petitions_b":            {"上年同期", "A year earlier"},
	"col.petitions_p":            {"活动前", "Before"},
	"col.change_yoy_pct":         {"较上年同期", "vs a year earlier"},
	"col.change_prev_pct":        {"较活动前", "vs before"},
	"col.backlog":                {"积案", "Backlog"},
	"col.backlog_cleared":        {"积案已化解", "Backlog cleared"},
	"col.backlog_clearance_rate": {"积案化解率", "Backlog clearance rate"},
	"col.overdue_backlog":        {"超期积案", "Overdue backlog"},
	"col.overdue_cleared":        {"超期积案已化解", "Overdue cleared"},
	"col.overdue_clearance_rate": {"超期积案化解率", "Overdue clearance rate"},
	"col.repeat_rate_w":          {"重复率（活动期）", "Repeat rate (window)"},
	"col.repeat_rate_b":          {"重复率（上年同期）", "Repeat rate (a year earlier)"},
	"col.did_pct":                {"双重差分", "Difference in differences"},
	"al.title":                   {"预警（矛盾纠纷早发现）", "Early warning"},
	"al.red":                     {"红色预警", "Red alerts"},
	"al.amber":                   {"黄色预警", "Amber alerts"},
	"al.open_page":               {"查看预警页", "Open the alert page"},
	"al.rule":                    {"预警周为截至统计日的最后一个完整自然周（周一至周日）。与此前 %d 周比较：件数不少于 %d 且超过均值 + 3σ 为黄色预警，超过均值 + 5σ 为红色预警；一周内集体访达到 %d 次即为红色预警。", "The alert week is the last full ISO week (Monday to Sunday) up to the as-of date. Against the %d weeks before it: at least %d petitions and above mean + 3σ is amber, above mean + 5σ red; %d or more collective visits in the week is red."},
	"al.week":                    {"本周预警", "This week's alerts"},
	"al.none":                    {"本周无预警", "no alerts this week"},
	"al.level.red":               {"红色", "red"},
	"al.level.amber":             {"黄色", "amber"},
	"al.kind.total":              {"总量", "total"},
	"al.kind.category":           {"类别", "category"},
	"al.kind.collective":         {"集体访", "collective visits"},
	"al.series":                  {"各预警的每周走势", "Each alert's weekly series"},
	"al.series_intro":            {"预警周及此前的基线周；虚线为预警阈值。", "The alert week and the baseline weeks before it; the dashed line is the alert threshold."},
	"al.weekly_count":            {"每周件数", "per week"},
	"col.alert_level":            {"预警等级", "Level"},
	"col.week_count":             {"本周件数", "This week"},
	"col.baseline_mean":          {"基线均值", "Baseline mean"},
	"col.baseline_sd":            {"基线标准差", "Baseline SD"},
	"col.baseline_weeks":         {"基线周数", "Baseline weeks"},
	"co.title":                   {"按受理月跟踪（近 %d 个月）", "Intake cohorts (last %d months)"},
	"co.intro":                   {"每月受理的事项截至统计日的办理情况：已办结多少、按期多少、仍未办结多少。", "Each month's intake as of the as-of date: how much is closed, closed on time and still open."},
	"co.note":                    {"办结占比格按五档着色（红 < 20% … 绿 ≥ 80%），数字始终显示。天数为办结日期 − 受理日期；P90 为九成事项在此天数内办结。", "The closed-share cell is coloured in five bands (red < 20% … green ≥ 80%); the number is always shown. Days = closed date − received date; P90: nine in ten closed matters closed within it."},
	"co.month":                   {"受理月", "Month received"},
	"col.received":               {"受理", "Received"},
	"col.closed_share":           {"办结占比", "Closed share"},
	"col.on_time_share":          {"按期办结占比", "On-time share"},
	"col.open_overdue":           {"未结·已超期", "Open, overdue"},
	"col.open_within_deadline":   {"未结·未到期", "Open, within deadline"},
	"col.median_days_to_close":   {"办结天数中位数", "Median days to close"},
	"col.p90_days_to_close":      {"办结天数 P90", "P90 days to close"},
	// column labels
	"col.unit":                 {"单位", "Unit"},
	"col.unit_id":              {"单位代码", "Unit id"},
	"col.sector":               {"系统", "Sector"},
	"col.level":                {"层级", "Level"},
	"col.peer_group":           {"同类组", "Peer group"},
	"col.period":               {"期间", "Period"},
	"col.petitions":            {"件次", "Petitions"},
	"col.petitioners":          {"人数", "Petitioners"},
	"col.persons":              {"人次", "Persons"},
	"col.collective_visits":    {"集体访", "Collective visits"},
	"col.pop_pct":              {"环比", "vs prev."},
	"col.label":                {"趋势", "Trend"},
	"col.mk_z":                 {"Z 值", "Z"},
	"col.sens_slope_annual":    {"Sen 斜率（件/年）", "Sen's slope (per year)"},
	"col.ttm":                  {"近12个月", "Last 12 months"},
	"col.prev_ttm":             {"上一12个月", "Previous 12"},
	"col.ttm_change_pct":       {"变化", "Change"},
	"col.repeat_petitions":     {"重复件次", "Repeat petitions"},
	"col.repeat_petitioners":   {"重复信访人", "Repeat petitioners"},
	"col.closed":               {"办结", "Closed"},
	"col.not_ceased":           {"不息诉", "Not ceased"},
	"col.justified":            {"合理", "Justified"},
	"col.partly":               {"部分合理", "Partly justified"},
	"col.due":                  {"应办结", "Due"},
	"col.on_time":              {"按期", "On time"},
	"col.late_closed":          {"超期办结", "Closed late"},
	"col.overdue_open":         {"超期未结", "Overdue, open"},
	"col.median_handling_days": {"办理天数中位数", "Median handling days"},
	"col.accept_due":           {"应受理告知", "Acceptance due"},
	"col.feedback_due":         {"应反馈", "Feedback due"},
	"col.feedback_on_time":     {"按期反馈", "On time"},
	"col.listed":               {"挂牌督办", "Listed"},
	"col.listed_closed":        {"挂牌已结", "Listed, closed"},
	"col.listed_overdue":       {"挂牌超期", "Listed, overdue"},
	"col.leader_owned":         {"领导包案", "Leader-owned"},
	"col.leader_owned_closed":  {"包案已结", "Leader-owned, closed"},
	"col.leader_owned_overdue": {"包案超期", "Leader-owned, overdue"},
	"col.mass_incidents":       {"群体性事件", "Mass incidents"},
	"col.traced_faults":        {"责任倒查", "Traced faults"},
	"col.scope":                {"对象类型", "Scope"},
	"col.subject":              {"对象", "Subject"},
	"col.year":                 {"年度", "Year"},
	"col.rule":                 {"规则", "Rule"},
	"col.handler_unit":         {"所在单位", "Unit(s)"},
	"col.reason":               {"原因", "Reason"},
	"col.value":                {"实际值", "Value"},
	"col.threshold":            {"阈值", "Threshold"},
	"col.triggered":            {"触发", "Triggered"},
	"col.score":                {"得分", "Score"},
	"col.grade":                {"等次", "Grade"},
	"col.final_grade":          {"最终等次", "Final grade"},
	"col.veto":                 {"一票否决", "Veto"},
	"col.eligible":             {"可评先", "Award-eligible"},
	"col.rank":                 {"排名", "Rank"},
	"col.peer_size":            {"同类数", "Peers"},
	"col.metric":               {"指标", "Metric"},
	"col.target":               {"目标", "Target"},
	"col.actual_ytd":           {"本年实际", "Actual YTD"},
	"col.projected":            {"年末预测", "Projected"},
	"col.status":               {"状态", "Status"},
	"col.backtest_error_pct":   {"回测误差", "Backtest error"},
	"col.error_pct":            {"误差", "Error"},
	"col.actual":               {"实际", "Actual"},
	"col.ytd":                  {"同期累计", "Year to date"},
	"col.p25":                  {"25%分位", "25th pct"},
	"col.p50":                  {"中位数", "Median"},
	"col.p75":                  {"75%分位", "75th pct"},
	"col.n":                    {"单位数", "Units"},
	"col.petition_id":          {"件号", "Petition id"},
	"col.source":               {"数据源", "Source"},
	"col.received_date":        {"受理日期", "Received"},
	"col.handle_deadline":      {"办理期限", "Deadline"},
	"col.days_overdue":         {"超期天数", "Days overdue"},
	"col.days_left":            {"剩余天数", "Days left"},
	"col.listed_supervision":   {"挂牌", "Listed"},
	"col.leader_owner":         {"包案领导", "Leader"},
	"col.petitioner":           {"信访人（假名）", "Petitioner (pseudonym)"},
	"col.repeats":              {"重复次数", "Repeats"},
	"col.last_received":        {"最近来访", "Last received"},
	"col.closed_date":          {"办结日期", "Closed"},
	"col.back_date":            {"再访日期", "Came back"},
	"col.batch":                {"批次", "Batch"},
	"col.file":                 {"文件", "File"},
	"col.started_at":           {"开始", "Started"},
	"col.batch_status":         {"结果", "Status"},
	"col.rows_read":            {"读入", "Read"},
	"col.inserted":             {"新增", "Inserted"},
	"col.updated":              {"更新", "Updated"},
	"col.rejected":             {"拒收", "Rejected"},
	"col.warnings":             {"警告", "Warnings"},
	"col.field":                {"字段", "Field"},
	"col.severity":             {"类型", "Severity"},
	"col.count":                {"条数", "Rows"},
	"col.first_received":       {"最早", "First"},
	"col.channel":              {"渠道", "Channel"},
	"col.category":             {"类别", "Category"},
	"col.kind":                 {"类型", "Kind"},
	"col.watermark":            {"增量水位", "Watermark"},
	"col.indicator":            {"指标", "Indicator"},
	"col.points":               {"得分", "Points"},
	"col.weight":               {"权重", "Weight"},
	"col.denominator":          {"分母", "Denominator"},
	"col.why":                  {"依据", "Why"},
	"col.staff":                {"编制", "Staff"},
	// enum values
	"v.blank":     {"（空白）", "(blank)"},
	"v.unit":      {"单位", "unit"},
	"v.handler":   {"个人", "person"},
	"v.yes":       {"是", "yes"},
	"v.no":        {"否", "no"},
	"v.met":       {"已达成", "met"},
	"v.on track":  {"进度正常", "on track"},
	"v.at risk":   {"有风险", "at risk"},
	"v.off track": {"偏离", "off track"},
	"v.ok":        {"成功", "ok"},
	"v.failed":    {"失败", "failed"},
	"v.skipped":   {"跳过（未变化）", "skipped (unchanged)"},
	"v.reject":    {"拒收", "rejected"},
	"v.warning":   {"字段警告", "field warning"},
	"v.ministry":  {"部", "ministry"}, "v.province": {"省", "province"}, "v.city": {"市", "city"}, "v.county": {"县", "county"}, "v.facility": {"机构", "facility"},
	"v.bureau": {"司法行政机关", "bureau"}, "v.prison": {"监狱", "prison"}, "v.rehab": {"戒毒所", "rehab centre"},
	"v.community_correction": {"社区矫正", "community correction"}, "v.lawyer": {"律师", "lawyers"}, "v.notary": {"公证", "notary"},
	"v.forensic": {"司法鉴定", "forensic"}, "v.legal_aid": {"法律援助", "legal aid"}, "v.mediation": {"人民调解", "mediation"},

	// workbook branch: contents bar and workbook sheet names (XLSX allows 31 characters, no : \ / ? * [ ])
	"toc":             {"本页内容", "On this page"},
	"xlsx.ranking":    {"排名", "Ranking"},
	"xlsx.indicators": {"指标红黄绿", "Indicators"},
	"xlsx.targets":    {"目标", "Targets"},
	"xlsx.quantiles":  {"同类分位数", "Peer quantiles"},
})

type catalogue struct {
	idx int
	// all names the site's whole in place of 全系统 (an audience's site: its root).
	all string
}

func newCatalogue(lang string) catalogue {
	if lang == "en" {
		return catalogue{idx: 1}
	}
	return catalogue{idx: 0}
}

// T returns the label for key in the report language.
func (c catalogue) T(key string) string {
	if m, ok := messages[key]; ok {
		if c.all != "" {
			return strings.ReplaceAll(m[c.idx], messages["all"][c.idx], c.all)
		}
		return m[c.idx]
	}
	return key
}

// V translates an enum value (channel, sector, status...); unknown values show as
// they are, since they come from data.
func (c catalogue) V(v string) string {
	if v == "" {
		return c.T("v.blank")
	}
	if m, ok := messages["v."+v]; ok {
		return m[c.idx]
	}
	if m, ok := messages["col."+v]; ok {
		return m[c.idx]
	}
	return v
}

// gradeLabel shows a configured grade name in the report language: the default grades
// have English names; a grade of the operator's own shows as configured. The stored
// value (mart.appraisal.grade) never changes.
func (s *site) gradeLabel(g string) string {
	if m, ok := gradeNames[g]; ok {
		return m[s.c.idx]
	}
	return g
}

var gradeNames = map[string][2]string{
	"优秀": {"优秀", "Excellent"}, "良好": {"良好", "Good"}, "合格": {"合格", "Pass"}, "不合格": {"不合格", "Fail"},
}

// lang is the html lang attribute.
func (c catalogue) lang() string {
	if c.idx == 1 {
		return "en"
	}
	return "zh-CN"
}

// withRegistryLabels adds every registered metric's label as col.<id> and every
// canonical enum value's label as v.<value>: the labels live in the spec registry
// once, beside the metric's unit and direction and the value's SPEC alias.
func withRegistryLabels(m map[string][2]string) map[string][2]string {
	for _, x := range spec.Metrics {
		m["col."+x.ID] = [2]string{x.ZH, x.EN}
	}
	for _, f := range spec.Fields {
		for _, v := range f.Values {
			m["v."+v.Value] = [2]string{v.ZH, v.EN}
		}
	}
	return m
}
