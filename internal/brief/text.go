package brief

// Numbers and words the Chinese way (or the English way with language: en): thousands
// separators, one decimal for percentages, 下降/上升 instead of signs, and no change
// stated as a percentage on a base below appraisal.min_n.

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

type lang struct{ en bool }

func (l lang) s(zh, en string) string {
	if l.en {
		return en
	}
	return zh
}

// count formats an integer with thousands separators: 12,345.
func count(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// countF rounds a (projected or slope) figure to a whole count.
func countF(v float64) string { return count(int64(math.Round(v))) }

// pct formats a percentage value (already ×100) with one decimal: 95.3%.
func pct(v float64) string { return strconv.FormatFloat(v, 'f', 1, 64) + "%" }

// rate formats a mart rate (a fraction) as a percentage: 0.953 → 95.3%.
func rate(v float64) string { return pct(v * 100) }

// change words a percentage change: 下降3.2% / 上升3.2% / 持平 (when it rounds to 0.0).
func (l lang) change(p float64) string {
	r := math.Round(math.Abs(p)*10) / 10
	switch {
	case r == 0:
		return l.s("持平", "unchanged")
	case p < 0:
		return l.s("下降", "down ") + pct(r)
	default:
		return l.s("上升", "up ") + pct(r)
	}
}

// countChange words a change in counts: 增加3件次 / 减少3件次 / 持平.
func (l lang) countChange(cur, base int64) string {
	d := cur - base
	switch {
	case d == 0:
		return l.s("持平", "unchanged")
	case d < 0:
		return l.s("减少", "down by ") + count(-d) + l.s("件次", "")
	default:
		return l.s("增加", "up by ") + count(d) + l.s("件次", "")
	}
}

// versus words cur against base: a percentage when the base has at least minN cases
// and the mart gives one, else the difference in counts (callers state the base).
func (l lang) versus(cur int64, base int64, p *float64, minN int) string {
	if p != nil && base > 0 && base >= int64(minN) {
		return l.change(*p)
	}
	return l.countChange(cur, base) + l.s("（基数较小，不计变化率）", " (base too small for a percentage)")
}

// versusNote is versus with the base named in one parenthesis: 下降5.3%（上年同期1,203件次）
// or 增加5件次（上年同期0件次，基数较小，不计变化率）.
func (l lang) versusNote(cur, base int64, p *float64, minN int, note string) string {
	if p != nil && base > 0 && base >= int64(minN) {
		return l.change(*p) + l.s("（"+note+"）", " ("+note+")")
	}
	return l.countChange(cur, base) + l.s("（"+note+"，基数较小，不计变化率）", " ("+note+"; base too small for a percentage)")
}

var zhQ = []string{"", "一", "二", "三", "四"}

// quarterName: 2026年第三季度 / Q3 2026.
func (l lang) quarterName(year, q int) string {
	return l.s(fmt.Sprintf("%d年第%s季度", year, zhQ[q]), fmt.Sprintf("Q%d %d", q, year))
}

// date: 2026年10月8日 (GB/T 9704-2012 uses Arabic numerals) / 8 October 2026.
func (l lang) date(t time.Time) string {
	return l.s(fmt.Sprintf("%d年%d月%d日", t.Year(), t.Month(), t.Day()), t.Format("2 January 2006"))
}

func (l lang) month(t time.Time) string {
	return l.s(fmt.Sprintf("%d年%d月", t.Year(), t.Month()), t.Format("January 2006"))
}

// zhNum is the Chinese numeral of a section (1..10): 一 … 十.
func zhNum(n int) string {
	ds := []string{"", "一", "二", "三", "四", "五", "六", "七", "八", "九", "十"}
	if n >= 1 && n <= 10 {
		return ds[n]
	}
	return strconv.Itoa(n)
}

var labels = map[string][2]string{
	"on_time_rate":           {"按期办结率", "On-time rate"},
	"acceptance_rate":        {"及时受理率", "Acceptance rate"},
	"repeat_rate":            {"重复信访率", "Repeat rate"},
	"repeat_petitioner_rate": {"重复信访人占比", "Repeat petitioner rate"},
	"first_contact_rate":     {"一次性化解率", "First-contact rate"},
	"feedback_rate":          {"按期反馈率", "Feedback rate"},
	"followup_rate":          {"回访率", "Follow-up rate"},
	"satisfaction_rate":      {"满意率", "Satisfaction rate"},
	"not_ceased_rate":        {"结案不息诉率", "Not-ceased rate"},
	"participation_rate":     {"参评率", "Participation rate"},
	"yoy_pct":                {"信访量同比", "Volume year on year"},
	"volume_change_pct":      {"信访总量", "Petition volume"},
	"justified_complaints":   {"经核查属实（含部分属实）的投诉", "justified complaints"},
	"mass_incident":          {"群体性事件", "mass incidents"},
	"traced_fault":           {"责任倒查问题", "traced faults"},
	"declining":              {"持续下降", "declining"},
	"rising":                 {"上升", "rising"},
	"flat":                   {"无明显趋势", "no clear trend"},
	"insufficient":           {"数据不足", "insufficient data"},
	"met":                    {"已达成目标", "target met"},
	"on track":               {"预计可达成目标", "on track"},
	"at risk":                {"存在未达成目标的风险", "at risk"},
	"off track":              {"预计难以达成目标", "off track"},
	// peer groups: sector and level
	"bureau": {"司法行政机关", "Bureaux"}, "prison": {"监狱", "Prisons"}, "rehab": {"戒毒所", "Rehab centres"},
	"community_correction": {"社区矫正机构", "Community correction"}, "lawyer": {"律师工作机构", "Lawyers"},
	"notary": {"公证机构", "Notaries"}, "forensic": {"司法鉴定机构", "Forensic"}, "legal_aid": {"法律援助机构", "Legal aid"},
	"mediation": {"人民调解组织", "Mediation"}, "other": {"其他", "Other"},
	"ministry": {"部级", "ministry"}, "province": {"省级", "province"}, "city": {"市级", "city"}, "county": {"县级", "county"},
	"facility": {"直属机构", "facility"},
}

// label is the display name of an id, or the id itself when none is known.
func (l lang) label(id string) string {
	if v, ok := labels[id]; ok {
		return l.s(v[0], v[1])
	}
	return id
}

// peerGroup: "bureau/city" → 司法行政机关（市级）; "prison/facility" → 监狱 (every
// facility sector is a level of its own, so the level adds nothing).
func (l lang) peerGroup(g string) string {
	sector, level, ok := strings.Cut(g, "/")
	if !ok {
		return l.label(g)
	}
	if level == "facility" {
		return l.label(sector)
	}
	return l.label(sector) + l.s("（"+l.label(level)+"）", " ("+l.label(level)+")")
}

// opWords: >= 不低于 …
func (l lang) opWords(op string) string {
	switch op {
	case ">=":
		return l.s("不低于", "at least ")
	case ">":
		return l.s("高于", "above ")
	case "<=":
		return l.s("不高于", "at most ")
	case "<":
		return l.s("低于", "below ")
	}
	return l.s("等于", "equal to ")
}

// volumeTarget words a volume target: <= -3 → 同比下降3.0%以上.
func (l lang) volumeTarget(op string, v float64) string {
	a := pct(math.Abs(v))
	low := op == "<=" || op == "<"
	switch {
	case v == 0 && low:
		return l.s("同比不上升", "no rise")
	case v == 0:
		return l.s("同比不下降", "no fall")
	case low && v < 0:
		return l.s("同比下降"+a+"以上", "a fall of at least "+a)
	case low:
		return l.s("同比上升不超过"+a, "a rise of at most "+a)
	case v < 0:
		return l.s("同比下降不超过"+a, "a fall of at most "+a)
	default:
		return l.s("同比上升"+a+"以上", "a rise of at least "+a)
	}
}
