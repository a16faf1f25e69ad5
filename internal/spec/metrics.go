package spec

// Unit is how a metric's stored value reads.
type Unit string

// Metric units.
const (
	Rate    Unit = "rate"    // a fraction in [0, 1] in its mart, shown as a percentage
	Percent Unit = "percent" // already a percentage (a change), shown signed
	Count   Unit = "count"   // a whole number
)

// Metric is one metric, appraisal indicator, target metric or veto metric of SPEC
// §4–§7, defined once: where its value lives, how it reads and what it may be used for.
type Metric struct {
	ID          string
	Table       string // mart table holding the value
	Column      string // column of Table (for veto metrics: mart.veto.value of rows with this metric)
	ZH, EN      string // labels
	Unit        Unit
	Format      string // display format: "0.0%" for rates, "+0.0%" for changes, "#,##0" for counts
	Direction   string // "higher" or "lower": which way is better
	Indicator   bool   // may be an appraisal.indicators id (SPEC §6)
	Target      bool   // may be a targets metric (SPEC §7)
	Veto        bool   // may be a veto.rules metric (SPEC §5)
	Description string
}

// Metrics is the registry, in the order indicators are listed.
var Metrics = []Metric{
	{ID: "on_time_rate", Table: "mart.timeliness", Column: "on_time_rate", ZH: "按期办结率", EN: "On-time rate", Unit: Rate, Direction: "higher", Indicator: true, Target: true, Description: "closed by the handling deadline ÷ due in the period"},
	{ID: "acceptance_rate", Table: "mart.acceptance", Column: "acceptance_rate", ZH: "及时受理率", EN: "Acceptance rate", Unit: Rate, Direction: "higher", Indicator: true, Target: true, Description: "acceptance decided by the acceptance deadline ÷ acceptance due"},
	{ID: "repeat_rate", Table: "mart.repeat", Column: "repeat_rate", ZH: "重复信访率", EN: "Repeat rate", Unit: Rate, Direction: "lower", Indicator: true, Target: true, Description: "repeat petitions (same petitioner and matter within the window) ÷ petitions"},
	{ID: "repeat_petitioner_rate", Table: "mart.repeat", Column: "repeat_petitioner_rate", ZH: "重复信访人占比", EN: "Repeat petitioner rate", Unit: Rate, Direction: "lower", Indicator: true, Target: true, Description: "petitioners with a repeat ÷ petitioners"},
	{ID: "first_contact_rate", Table: "mart.closure", Column: "first_contact_rate", ZH: "一次性化解率", EN: "First-contact rate", Unit: Rate, Direction: "higher", Indicator: true, Target: true, Description: "first-time records closed that did not come back (not \"not ceased\") ÷ first-time records closed"},
	{ID: "feedback_rate", Table: "mart.feedback", Column: "feedback_rate", ZH: "按期反馈率", EN: "Feedback rate", Unit: Rate, Direction: "higher", Indicator: true, Target: true, Description: "feedback to the higher level by its deadline ÷ feedback due"},
	{ID: "followup_rate", Table: "mart.closure", Column: "followup_rate", ZH: "回访率", EN: "Follow-up rate", Unit: Rate, Direction: "higher", Indicator: true, Target: true, Description: "closures followed up ÷ closures"},
	{ID: "satisfaction_rate", Table: "mart.closure", Column: "satisfaction_rate", ZH: "满意率", EN: "Satisfaction rate", Unit: Rate, Direction: "higher", Indicator: true, Target: true, Description: "satisfied or basically satisfied ÷ rated closures"},
	{ID: "participation_rate", Table: "mart.closure", Column: "participation_rate", ZH: "参评率", EN: "Participation rate", Unit: Rate, Direction: "higher", Target: true, Description: "rated closures ÷ closures"},
	{ID: "not_ceased_rate", Table: "mart.closure", Column: "not_ceased_rate", ZH: "结案不息诉率", EN: "Not-ceased rate", Unit: Rate, Direction: "lower", Indicator: true, Target: true, Description: "closures the petitioner came back on within the ceased window ÷ closures"},
	{ID: "yoy_pct", Table: "mart.volume", Column: "yoy_pct", ZH: "同比", EN: "YoY", Unit: Percent, Direction: "lower", Indicator: true, Description: "petitions against the same period a year earlier, percent change"},
	{ID: "volume_change_pct", Table: "mart.targets", Column: "projected_change_pct", ZH: "总量变化", EN: "Volume change", Unit: Percent, Direction: "lower", Target: true, Description: "projected year-end petitions against last year's total, percent change"},
	{ID: "justified_complaints", Table: "mart.veto", Column: "value", ZH: "合理投诉", EN: "Justified complaints", Unit: Count, Direction: "lower", Veto: true, Description: "closures found justified or partly justified in the year"},
	{ID: "mass_incident", Table: "mart.veto", Column: "value", ZH: "群体性事件", EN: "Mass incidents", Unit: Count, Direction: "lower", Veto: true, Description: "records from which a mass incident arose in the year"},
	{ID: "traced_fault", Table: "mart.veto", Column: "value", ZH: "责任倒查", EN: "Traced faults", Unit: Count, Direction: "lower", Veto: true, Description: "records whose responsibility trace-back found a fault in the year"},
}

func init() {
	// Formats follow from units; set here so that no entry can disagree with its unit.
	for i := range Metrics {
		switch Metrics[i].Unit {
		case Rate:
			Metrics[i].Format = "0.0%"
		case Percent:
			Metrics[i].Format = "+0.0%"
		case Count:
			Metrics[i].Format = "#,##0"
		}
	}
}

// MetricByID returns a registered metric.
func MetricByID(id string) (Metric, bool) {
	for _, m := range Metrics {
		if m.ID == id {
			return m, true
		}
	}
	return Metric{}, false
}

func ids(keep func(Metric) bool) []string {
	var out []string
	for _, m := range Metrics {
		if keep(m) {
			out = append(out, m.ID)
		}
	}
	return out
}

// IndicatorIDs lists the metrics an appraisal may score, in registry order.
func IndicatorIDs() []string { return ids(func(m Metric) bool { return m.Indicator }) }

// TargetMetrics lists the metrics a target may set, in registry order.
func TargetMetrics() []string { return ids(func(m Metric) bool { return m.Target }) }

// VetoMetrics lists the metrics a veto rule may test, in registry order.
func VetoMetrics() []string { return ids(func(m Metric) bool { return m.Veto }) }
