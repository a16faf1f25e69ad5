// Package brief writes the quarterly 情况通报: a DOCX that the petition office can edit
// in Word or WPS and issue, with every figure read from the marts as built for the
// quarter's last day. It only reads marts; building them is the caller's job.
package brief

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/xinfang/xinfang/internal/config"
)

// ErrExists is returned when the quarter's brief is already written and Force is off.
var ErrExists = errors.New("brief already exists")

// Options for Write.
type Options struct {
	OutDir string    // reports folder; default cfg.ReportsDir (the brief goes to OutDir/archive/<Q>/)
	Dir    string    // the exact folder to write into instead (a review's archive folder being built)
	Force  bool      // replace an existing brief
	Date   time.Time // 成文日期; zero = today in the configured time zone
}

// Result says what Write wrote.
type Result struct {
	Path  string
	Bytes int
}

// Path is where the quarter's brief lives: <outDir>/archive/2026-Q3/通报-2026-Q3.docx.
func Path(outDir, quarter string) string {
	return filepath.Join(outDir, "archive", quarter, FileName(quarter))
}

// FileName is the brief's file name in its archive folder: 通报-2026-Q3.docx.
func FileName(quarter string) string { return "通报-" + quarter + ".docx" }

var quarterRE = regexp.MustCompile(`^(\d{4})-Q([1-4])$`)

// ParseQuarter parses "2026-Q3" into its year, number and last day (UTC midnight, as
// mart dates are read).
func ParseQuarter(q string) (year, n int, end time.Time, err error) {
	m := quarterRE.FindStringSubmatch(q)
	if m == nil {
		return 0, 0, time.Time{}, fmt.Errorf("brief: want a quarter such as 2026-Q3, got %q", q)
	}
	year, _ = strconv.Atoi(m[1])
	n, _ = strconv.Atoi(m[2])
	end = time.Date(year, time.Month(3*n+1), 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, -1)
	return year, n, end, nil
}

// Write reads the marts in db (which must be built as of the quarter's last day) and
// writes the quarter's brief, atomically: a half-written file is never left under the
// final name, and an existing brief is kept unless opt.Force.
func Write(ctx context.Context, db *sql.DB, cfg *config.Config, quarter string, opt Options) (*Result, error) {
	year, qn, end, err := ParseQuarter(quarter)
	if err != nil {
		return nil, err
	}
	if opt.OutDir == "" {
		opt.OutDir = cfg.ReportsDir
	}
	path := Path(opt.OutDir, quarter)
	if opt.Dir != "" {
		path = filepath.Join(opt.Dir, FileName(quarter))
	}
	if _, err := os.Stat(path); err == nil && !opt.Force {
		return nil, fmt.Errorf("%w: %s (use --force to replace it)", ErrExists, path)
	}
	f, err := load(ctx, db, cfg, quarter, end)
	if err != nil {
		return nil, err
	}
	if opt.Date.IsZero() {
		opt.Date = time.Now().In(cfg.Location())
	}
	l := lang{en: cfg.Language == "en"}
	b := &builder{l: l, cfg: cfg, f: f, d: &docx{}, year: year, q: qn}
	b.compose(opt.Date)
	var buf bytes.Buffer
	if err := b.d.write(&buf, b.title(), b.issuer(), cfg.Language, opt.Date); err != nil {
		return nil, err
	}
	if err := publish(path, buf.Bytes(), opt.Force); err != nil {
		return nil, err
	}
	slog.Info("quarterly brief written", "quarter", quarter, "path", path, "bytes", buf.Len())
	return &Result{Path: path, Bytes: buf.Len()}, nil
}

// publish writes data beside path and moves it in: with force by rename, else by a
// hard link, which fails when path exists, so a brief written meanwhile is kept.
func publish(path string, data []byte, force bool) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("brief: create %s: %w", dir, err)
	}
	tmp, err := os.CreateTemp(dir, ".brief-*.docx.tmp")
	if err != nil {
		return fmt.Errorf("brief: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("brief: write %s: %w", tmp.Name(), err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("brief: sync %s: %w", tmp.Name(), err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("brief: close %s: %w", tmp.Name(), err)
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return fmt.Errorf("brief: %w", err)
	}
	if force {
		if err := os.Rename(tmp.Name(), path); err != nil {
			return fmt.Errorf("brief: publish %s: %w", path, err)
		}
		return nil
	}
	if err := os.Link(tmp.Name(), path); err != nil {
		if errors.Is(err, os.ErrExist) {
			return fmt.Errorf("%w: %s", ErrExists, path)
		}
		return fmt.Errorf("brief: publish %s: %w", path, err)
	}
	return nil
}

type builder struct {
	l       lang
	cfg     *config.Config
	f       *facts
	d       *docx
	year, q int
	section int // last 一、 heading number
	tables  int
}

func (b *builder) fill(pattern string) string {
	r := strings.NewReplacer("{year}", strconv.Itoa(b.year), "{q}", strconv.Itoa(b.q),
		"{quarter}", b.f.quarter, "{quarter_zh}", lang{}.quarterName(b.year, b.q))
	return r.Replace(pattern)
}

func (b *builder) issuer() string {
	if b.cfg.Brief.Issuer != "" {
		return b.cfg.Brief.Issuer
	}
	return b.l.s("信访工作领导小组办公室", "Petition Work Office")
}

func (b *builder) title() string {
	if b.cfg.Brief.Title != "" {
		return b.fill(b.cfg.Brief.Title)
	}
	return b.l.s("关于"+b.l.quarterName(b.year, b.q)+"信访工作情况的通报", "Petition work in "+b.l.quarterName(b.year, b.q))
}

func (b *builder) h1(zh, en string) {
	b.section++
	if b.l.en {
		b.d.heading1(strconv.Itoa(b.section) + ". " + en)
		return
	}
	b.d.heading1(zhNum(b.section) + "、" + zh)
}

func (b *builder) caption(zh, en string) string {
	b.tables++
	return b.l.s(fmt.Sprintf("表%d　%s", b.tables, zh), fmt.Sprintf("Table %d. %s", b.tables, en))
}

// compose lays the document out: 版头 (issuer, document number, red rule), title,
// the five sections, the attachment note, the signature, and the attachment.
func (b *builder) compose(date time.Time) {
	l, d := b.l, b.d
	d.para("BriefIssuer", nil, run{text: b.issuer() + l.s("文件", ""), color: "FF0000"})
	d.para("BriefDocNumber", nil, run{text: b.fill(b.cfg.Brief.DocNumber)})
	d.para("Title", nil, run{text: b.title()})
	b.overall()
	b.indicators()
	b.vetoSection()
	b.commendSection()
	b.inspectSection()
	b.extensionSections()
	d.para("Normal", nil, run{text: ""})
	d.text(l.s("附件："+l.quarterName(b.year, b.q)+"各单位考核排名", "Attachment: appraisal ranking, "+l.quarterName(b.year, b.q)))
	d.para("Normal", nil, run{text: ""})
	d.para("Signature", nil, run{text: b.issuer()})
	d.para("Signature", nil, run{text: l.date(date)})
	b.attachment()
}

func ptr(n sql.NullFloat64) *float64 {
	if !n.Valid || math.IsNaN(n.Float64) || math.IsInf(n.Float64, 0) {
		return nil
	}
	return &n.Float64
}

// 一、总体情况
func (b *builder) overall() {
	l, f, minN := b.l, b.f, b.cfg.Appraisal.MinN
	b.h1("总体情况", "Overview")
	v := f.vol
	qn := l.quarterName(b.year, b.q)
	s := l.s(qn+"，全系统共登记信访"+count(v.petitions)+"件次、"+count(v.persons)+"人次。",
		"In "+qn+" the system registered "+count(v.petitions)+" petitions ("+count(v.persons)+" persons).")
	yoy := l.versusNote(v.petitions, v.yoyBase.Int64, ptr(v.yoyPct), minN, l.s("上年同期"+count(v.yoyBase.Int64)+"件次", "same quarter last year: "+count(v.yoyBase.Int64)))
	pop := l.versusNote(v.petitions, v.popBase.Int64, ptr(v.popPct), minN, l.s("上季度"+count(v.popBase.Int64)+"件次", "previous quarter: "+count(v.popBase.Int64)))
	s += l.s("同比"+yoy+"，环比"+pop+"。", " Year on year: "+yoy+"; quarter on quarter: "+pop+".")
	b.d.text(s)
	b.d.text(b.trendSentence())
	if t := b.targetSentences(); t != "" {
		b.d.text(t)
	}
}

// trendSentence states the verdict and the seasonal test in plain words.
func (b *builder) trendSentence() string {
	l, t, m := b.l, b.f.trend, b.cfg.Metrics
	if !b.f.trendOK {
		return l.s("暂无趋势判定数据。", "No trend verdict is available.")
	}
	if t.label == "insufficient" {
		return l.s(fmt.Sprintf("完整月份数据仅%d个月，不足%d个月，暂不作趋势判定（数据不足）。", t.months, m.TrendMinMonths),
			fmt.Sprintf("Only %d complete months of data (at least %d are needed): no trend verdict (insufficient data).", t.months, m.TrendMinMonths))
	}
	win := l.month(t.windowStart.Time) + l.s("至", " to ") + l.month(t.windowEnd.Time)
	z := "-"
	if p := ptr(t.z); p != nil {
		z = strings.Replace(strconv.FormatFloat(*p, 'f', 2, 64), "-", "−", 1)
	}
	crit := strconv.FormatFloat(m.TrendZ, 'f', 3, 64)
	crit = strings.TrimRight(strings.TrimRight(crit, "0"), ".")
	s := l.s(fmt.Sprintf("为排除信访量季节性波动的影响，采用季节性肯德尔检验，将%s共%d个月中各月份的信访量分别与历年同月相比较，检验统计量Z值为%s（|Z|达到%s即判定为有趋势）。据此判定，全系统信访量",
		win, t.months, z, crit),
		fmt.Sprintf("Petition counts are seasonal, so the trend is judged by the seasonal Kendall test, which compares each calendar month with the same month of other years over the %d months %s: Z = %s (a trend needs |Z| of at least %s). Verdict: ",
			t.months, win, z, crit))
	slope := ptr(t.slopeAnnual)
	switch t.label {
	case "declining":
		s += l.s("呈持续下降趋势", "declining")
		if slope != nil {
			s += l.s("，按森氏季节斜率估算年均减少约"+countF(-*slope)+"件次", ", by about "+countF(-*slope)+" petitions a year (Sen's seasonal slope)")
		}
	case "rising":
		s += l.s("呈上升趋势", "rising")
		if slope != nil {
			s += l.s("，按森氏季节斜率估算年均增加约"+countF(*slope)+"件次", ", by about "+countF(*slope)+" petitions a year (Sen's seasonal slope)")
		}
	default:
		s += l.s("无明显趋势", "no clear trend")
	}
	s += l.s("。", ".")
	if t.ttm.Valid && t.prevTTM.Valid {
		s += l.s("近12个月共"+count(t.ttm.Int64)+"件次，较此前12个月（"+count(t.prevTTM.Int64)+"件次）"+
			l.versus(t.ttm.Int64, t.prevTTM.Int64, ptr(t.ttmChange), b.cfg.Appraisal.MinN)+"。",
			" The last 12 months: "+count(t.ttm.Int64)+" petitions, "+
				l.versus(t.ttm.Int64, t.prevTTM.Int64, ptr(t.ttmChange), b.cfg.Appraisal.MinN)+" on the 12 months before ("+count(t.prevTTM.Int64)+").")
	}
	return s
}

// targetSentences: the year's targets for the whole system, year to date at the
// quarter's end, as mart.targets has them.
func (b *builder) targetSentences() string {
	l, minN := b.l, b.cfg.Appraisal.MinN
	var parts []string
	for _, t := range b.f.targets {
		status := l.s("暂无数据", "no data")
		if t.status.Valid {
			status = l.label(t.status.String)
		}
		if t.metric == "volume_change_pct" {
			if !t.actual.Valid {
				continue
			}
			cur := int64(math.Round(t.actual.Float64))
			s := l.s("信访总量年度目标为"+l.volumeTarget(t.op, t.target)+"，本年累计"+count(cur)+"件次，较上年同期（"+count(t.priorYTD.Int64)+"件次）"+
				l.versus(cur, t.priorYTD.Int64, ptr(t.actualChange), minN),
				"Volume target: "+l.volumeTarget(t.op, t.target)+"; year to date "+count(cur)+" petitions, "+
					l.versus(cur, t.priorYTD.Int64, ptr(t.actualChange), minN)+" on the same period last year ("+count(t.priorYTD.Int64)+")")
			if p := ptr(t.projected); p != nil && t.priorTotal.Valid {
				proj := int64(math.Round(*p))
				s += l.s("，预计全年"+count(proj)+"件次，较上年全年（"+count(t.priorTotal.Int64)+"件次）"+l.versus(proj, t.priorTotal.Int64, ptr(t.projChange), minN),
					"; projected for the year "+count(proj)+", "+l.versus(proj, t.priorTotal.Int64, ptr(t.projChange), minN)+" on last year ("+count(t.priorTotal.Int64)+")")
			}
			parts = append(parts, s+l.s("，"+status, ": "+status))
			continue
		}
		val := l.s("暂无数据", "no data")
		if p := ptr(t.actual); p != nil {
			val = rate(*p)
		}
		parts = append(parts, l.s(l.label(t.metric)+"本年累计"+val+"（目标"+l.opWords(t.op)+rate(t.target)+"），"+status,
			l.label(t.metric)+" year to date "+val+" (target "+l.opWords(t.op)+rate(t.target)+"): "+status))
	}
	if len(parts) == 0 {
		return ""
	}
	return l.s("对照年度目标，截至"+l.date(b.f.asOf)+"：", "Against this year's targets, as of "+l.date(b.f.asOf)+": ") +
		strings.Join(parts, l.s("；", "; ")) + l.s("。", ".")
}

// indicatorValue formats an appraisal indicator (percent) for a table cell; yoy_pct
// is a change, worded as one, and not given as a percentage on a base below min_n.
// bare leaves out the % sign (the column header carries it).
func (b *builder) indicatorValue(id string, v sql.NullFloat64, den sql.NullInt64, bare bool) string {
	p := ptr(v)
	if p == nil {
		return "—"
	}
	out := pct(*p)
	if id == "yoy_pct" {
		if den.Valid && den.Int64 < int64(b.cfg.Appraisal.MinN) {
			return b.l.s("基数"+count(den.Int64)+"件次", "base "+count(den.Int64))
		}
		out = b.l.change(*p)
	}
	if bare {
		out = strings.TrimSuffix(out, "%")
	}
	return out
}

// 二、主要指标
func (b *builder) indicators() {
	l, d := b.l, b.d
	b.h1("主要指标", "Key indicators")
	d.heading2(l.s("（一）全系统", "(1) The whole system"))
	var rows [][]string
	for i, ind := range b.cfg.Appraisal.Indicators {
		x := b.f.system[i]
		op := map[string]string{"higher": ">=", "lower": "<="}[ind.Direction]
		tgt := l.opWords(op) + pct(ind.Target)
		if ind.ID == "yoy_pct" {
			tgt = l.volumeTarget(op, ind.Target)
		}
		met := "—"
		if p := ptr(x.value); p != nil {
			ok := *p >= ind.Target
			if ind.Direction == "lower" {
				ok = *p <= ind.Target
			}
			met = map[bool]string{true: l.s("达到", "yes"), false: l.s("未达到", "no")}[ok]
		}
		den := "—"
		if x.den.Valid {
			den = count(x.den.Int64)
		}
		rows = append(rows, []string{l.label(ind.ID), tgt, b.indicatorValue(ind.ID, x.value, x.den, false), den, met})
	}
	d.table(b.caption(b.l.quarterName(b.year, b.q)+"全系统考核指标", "System indicators, "+l.quarterName(b.year, b.q)),
		[]string{l.s("指标", "Indicator"), l.s("考核目标", "Target"), l.s("本季度", "This quarter"), l.s("计算基数（件）", "Base (cases)"), l.s("是否达到目标", "Target reached")},
		rows, []int{5, 4, 3, 3, 3}, map[int]bool{0: true})
	d.heading2(l.s("（二）按同类单位", "(2) By peer group"))
	d.text(l.s(fmt.Sprintf("下表为各同类单位（同一系统、同一层级）本季度考核得分及各项指标的中位数；单位某项指标的计算基数不足%d件的，不计入该项中位数。", b.cfg.Appraisal.MinN),
		fmt.Sprintf("Medians over the units of each peer group (same sector and level) this quarter; a unit's indicator with a base below %d cases is left out of that median.", b.cfg.Appraisal.MinN)))
	head := []string{l.s("同类单位", "Peer group"), l.s("参评单位数", "Units scored"), l.s("得分中位数", "Median score")}
	widths := []int{4, 2, 2}
	for _, ind := range b.cfg.Appraisal.Indicators {
		head = append(head, l.label(ind.ID)+"（%）")
		w := 2
		if ind.ID == "yoy_pct" {
			w = 3 // worded 下降6.7: a little wider
		}
		widths = append(widths, w)
	}
	rows = nil
	for _, p := range b.f.peers {
		score := "—"
		if s := ptr(p.score); s != nil {
			score = strconv.FormatFloat(*s, 'f', 2, 64)
		}
		r := []string{l.peerGroup(p.group), count(p.units), score}
		for _, ind := range b.cfg.Appraisal.Indicators {
			r = append(r, b.indicatorValue(ind.ID, p.medians[ind.ID], sql.NullInt64{}, true))
		}
		rows = append(rows, r)
	}
	d.table(b.caption("各同类单位考核得分及指标中位数", "Peer-group medians"), head, rows, widths, map[int]bool{0: true})
}

// vetoReason: 经核查属实（含部分属实）的投诉3件，达到否决标准（≥3）.
func (b *builder) vetoReason(v vetoRow) string {
	val := "—"
	if v.value.Valid {
		val = count(v.value.Int64)
	}
	th := strconv.FormatFloat(v.threshold, 'f', -1, 64)
	op := map[string]string{">=": "≥", "<=": "≤"}[v.op]
	if op == "" {
		op = v.op
	}
	return b.l.s(b.l.label(v.metric)+val+"（否决标准："+op+th+"）", b.l.label(v.metric)+": "+val+" (rule: "+op+" "+th+")")
}

// 三、一票否决
func (b *builder) vetoSection() {
	l := b.l
	b.h1("一票否决", "One-vote veto")
	units, people := 0, 0
	for _, v := range b.f.veto {
		if v.scope == "unit" {
			units++
		} else {
			people++
		}
	}
	if len(b.f.veto) == 0 {
		b.d.text(l.s("截至"+l.date(b.f.asOf)+"，本年度未发现触发一票否决情形的单位和个人。", "As of "+l.date(b.f.asOf)+" no unit or person has triggered a veto rule this year."))
		return
	}
	b.d.text(l.s(fmt.Sprintf("截至%s，本年度触发一票否决情形共%d项，涉及单位%d项、个人%d项，当年考核等次不得高于“%s”，不得参加评先评优。具体如下：",
		l.date(b.f.asOf), len(b.f.veto), units, people, b.cfg.Veto.GradeCap),
		fmt.Sprintf("As of %s, %d veto rules have been triggered this year (%d for units, %d for persons); their grade is capped at %q and they are not eligible for awards:",
			l.date(b.f.asOf), len(b.f.veto), units, people, b.cfg.Veto.GradeCap)))
	var rows [][]string
	for i, v := range b.f.veto {
		kind, name := l.s("单位", "Unit"), v.name
		if v.scope != "unit" {
			kind, name = l.s("个人", "Person"), l.s("承办人", "handler ")+v.subject
		}
		rows = append(rows, []string{strconv.Itoa(i + 1), name, kind, b.vetoReason(v)})
	}
	b.d.table(b.caption("触发一票否决情形名单", "Veto list"),
		[]string{l.s("序号", "No."), l.s("单位或个人", "Unit or person"), l.s("类型", "Kind"), l.s("否决事项", "Reason")},
		rows, []int{1, 6, 2, 8}, map[int]bool{1: true, 3: true})
}

func (b *builder) score(s sql.NullFloat64) string {
	if p := ptr(s); p != nil {
		return strconv.FormatFloat(*p, 'f', 2, 64)
	}
	return "—"
}

func nullStr(s sql.NullString) string {
	if s.Valid && s.String != "" {
		return s.String
	}
	return "—"
}

// 四、先进候选
func (b *builder) commendSection() {
	l := b.l
	b.h1("先进候选", "Commendation candidates")
	if len(b.f.commend) == 0 {
		b.d.text(l.s("本季度无符合条件的评先候选单位。", "No unit qualifies this quarter."))
		return
	}
	floorZH, floorEN := "", ""
	if g := b.cfg.Appraisal.CommendMinGrade; g != "" {
		floorZH, floorEN = "、等次不低于“"+g+"”", fmt.Sprintf(", graded at least %q", g)
	}
	b.d.text(l.s(fmt.Sprintf("按本季度考核得分，各同类单位（2个以上）中得分最高%s且未触发一票否决的单位（得分并列的均列入）共%d个，建议作为评先评优候选：", floorZH, len(b.f.commend)),
		fmt.Sprintf("The highest-scoring unit of each peer group of two or more%s and untouched by a veto (ties all listed), %d in all, are proposed for commendation:", floorEN, len(b.f.commend))))
	var rows [][]string
	for _, a := range b.f.commend {
		rank := "—"
		if a.rank.Valid {
			rank = count(a.rank.Int64) + "/" + count(a.peerSize.Int64)
		}
		rows = append(rows, []string{l.peerGroup(a.group), a.name, b.score(a.score), nullStr(a.finalGrade), rank})
	}
	b.d.table(b.caption("评先评优候选单位", "Commendation candidates"),
		[]string{l.s("同类单位", "Peer group"), l.s("单位", "Unit"), l.s("得分", "Score"), l.s("等次", "Grade"), l.s("组内排名", "Rank in group")},
		rows, []int{5, 7, 2, 2, 2}, map[int]bool{0: true, 1: true})
}

// 五、督导重点
func (b *builder) inspectSection() {
	l, f := b.l, b.f
	b.h1("督导重点", "Inspection priorities")
	cut := func(p sql.NullFloat64) string {
		if x := ptr(p); x != nil {
			return rate(*x)
		}
		return "—"
	}
	intro := l.s(fmt.Sprintf("信访量呈上升态势（趋势判定为上升，或近12个月较此前12个月增加），且本季度按期办结率处于各单位后25%%（不高于%s）或重复信访率处于各单位前25%%（不低于%s）的单位（参与比较的单位须有%d件以上），",
		cut(f.otCut), cut(f.rrCut), b.cfg.Appraisal.MinN),
		fmt.Sprintf("Units whose volume rises (trend rising, or more petitions in the last 12 months than the 12 before) while this quarter's on-time rate is in the lowest quarter of units (at most %s) or the repeat rate in the highest (at least %s); only units with %d cases or more are compared. ",
			cut(f.otCut), cut(f.rrCut), b.cfg.Appraisal.MinN))
	if len(f.inspect) == 0 {
		b.d.text(intro + l.s("本季度没有。", "There are none this quarter."))
		return
	}
	b.d.text(intro + l.s(fmt.Sprintf("共%d个，建议列为督导重点：", len(f.inspect)), fmt.Sprintf("%d are proposed for inspection:", len(f.inspect))))
	var rows [][]string
	for _, x := range f.inspect {
		ttm, chg := "—", "—"
		if x.ttm.Valid {
			ttm = count(x.ttm.Int64)
		}
		if x.ttm.Valid && x.prevTTM.Valid {
			chg = l.versus(x.ttm.Int64, x.prevTTM.Int64, ptr(x.ttmChange), b.cfg.Appraisal.MinN)
		}
		var why []string
		if x.lowOnTime {
			why = append(why, l.label("on_time_rate")+l.s("偏低", " low"))
		}
		if x.hiRepeat {
			why = append(why, l.label("repeat_rate")+l.s("偏高", " high"))
		}
		rows = append(rows, []string{x.name, l.label(x.label), ttm, chg, cut(x.onTime), cut(x.repeat), strings.Join(why, l.s("；", "; "))})
	}
	b.d.table(b.caption("督导重点单位", "Units proposed for inspection"),
		[]string{l.s("单位", "Unit"), l.s("趋势", "Trend"), l.s("近12个月（件次）", "Last 12 months"), l.s("较此前12个月", "vs the 12 before"),
			l.s("按期办结率", "On-time rate"), l.s("重复信访率", "Repeat rate"), l.s("原因", "Why")},
		rows, []int{6, 3, 3, 4, 3, 3, 4}, map[int]bool{0: true})
}

// 附件: the appraisal ranking of the quarter, one table per peer group, by rank.
func (b *builder) attachment() {
	l := b.l
	b.d.pageBreak()
	b.d.para("Heading1", []string{`<w:ind w:firstLineChars="0" w:firstLine="0"/>`}, run{text: l.s("附件", "Attachment")})
	b.d.para("Title", nil, run{text: l.s(l.quarterName(b.year, b.q)+"各单位考核排名", "Appraisal ranking, "+l.quarterName(b.year, b.q))})
	head := []string{l.s("排名", "Rank"), l.s("单位", "Unit"), l.s("得分", "Score"), l.s("等次", "Grade"), l.s("一票否决", "Veto"), l.s("最终等次", "Final grade")}
	var rows [][]string
	flush := func(group string) {
		if len(rows) > 0 {
			b.d.table(l.s(fmt.Sprintf("%s　共%d个单位", l.peerGroup(group), len(rows)), fmt.Sprintf("%s (%d units)", l.peerGroup(group), len(rows))),
				head, rows, []int{2, 8, 2, 2, 2, 2}, map[int]bool{1: true})
		}
		rows = nil
	}
	for i, a := range b.f.ranking {
		if i > 0 && a.group != b.f.ranking[i-1].group {
			flush(b.f.ranking[i-1].group)
		}
		rank := "—"
		if a.rank.Valid {
			rank = count(a.rank.Int64)
		}
		veto := l.s("否", "no")
		if a.veto {
			veto = l.s("是", "yes")
		}
		rows = append(rows, []string{rank, a.name, b.score(a.score), nullStr(a.grade), veto, nullStr(a.finalGrade)})
	}
	if n := len(b.f.ranking); n > 0 {
		flush(b.f.ranking[n-1].group)
	}
}

// WriteForQuarterlyReview is the quarterly job's hook: called with the review's own
// database (marts built as of the quarter's end) right after the review is archived,
// it writes the quarter's brief beside it, and keeps an existing one.
func WriteForQuarterlyReview(ctx context.Context, reviewDB *sql.DB, cfg *config.Config, quarter string) error {
	_, err := Write(ctx, reviewDB, cfg, quarter, Options{})
	if errors.Is(err, ErrExists) {
		slog.Info("quarterly brief kept", "quarter", quarter, "reason", err.Error())
		return nil
	}
	return err
}
