// Package spec is the registry of what SPEC.md defines once for the whole product:
// the canonical input fields (§2) and the metrics and indicators (§4–§7). Config
// validation, ingest mapping, report labels and docs/REFERENCE.md are derived from
// it; tests in queries and store fail when the SQL or the migration drifts from it.
package spec

import "sort"

// Kind is how a canonical field is parsed and stored.
type Kind uint8

// The field kinds of SPEC §2.
const (
	String Kind = iota
	DateTime
	Date
	Enum
	Int
	Bool
)

func (k Kind) String() string {
	return [...]string{"string", "datetime", "date", "enum", "int", "bool"}[k]
}

// The canonical fields, as indexes into Fields (untyped, so that they index arrays
// and compare with loop counters). The order is SPEC §2's and the column order of
// the canonical CSV the synthetic generator writes.
const (
	PetitionID = iota
	ReceivedAt
	UnitID
	PetitionerID
	MatterID
	Channel
	Category
	Headcount
	SourceType
	FeedbackDue
	FeedbackAt
	AcceptedAt
	DueAt
	ExtensionDays
	ClosedAt
	Justified
	Satisfaction
	FollowupAt
	ListedSupervision
	LeaderOwner
	HandlerID
	MassIncident
	TracedFault
	UpdatedAt
	NumFields
)

// EnumValue is one canonical value of an enum field and its SPEC Chinese alias.
type EnumValue struct {
	Value string // canonical (stored) value
	ZH    string // the Chinese spelling SPEC §2 requires as an input alias
	EN    string // English label
}

// Field is one canonical field.
type Field struct {
	Name     string
	Kind     Kind
	Required bool
	Personal bool // pseudonymised at ingest even when the mapping does not say so
	// NearUnique: values almost never repeat (ids, pseudonyms). Stored with FSST declared
	// (migration 0007's petitions, 000_base.sql's record copy) so that DuckDB skips the
	// dictionary it would try on every block first; tests check both against this flag.
	NearUnique  bool
	Values      []EnumValue
	ZH, EN      string // labels
	Description string
}

// Fields is the registry, indexed by the constants above. Keyed entries tie each index to its
// field at compile time; TestFieldsComplete checks that none is left zero.
var Fields = [NumFields]Field{
	PetitionID:        {Name: "petition_id", Kind: String, Required: true, NearUnique: true, ZH: "件号", EN: "Petition id", Description: "unique within its source (件)"},
	ReceivedAt:        {Name: "received_at", Kind: DateTime, Required: true, ZH: "受理时间", EN: "Received at", Description: "when the letter/visit/online item arrived (date or datetime)"},
	UnitID:            {Name: "unit_id", Kind: String, Required: true, ZH: "责任单位", EN: "Unit", Description: "the responsible unit (谁主管、谁负责)"},
	PetitionerID:      {Name: "petitioner_id", Kind: String, Personal: true, NearUnique: true, ZH: "信访人", EN: "Petitioner", Description: "person identifier; pseudonymised at ingest, never stored raw"},
	MatterID:          {Name: "matter_id", Kind: String, NearUnique: true, ZH: "事项", EN: "Matter", Description: "\"same matter\" key (同一事项)"},
	Channel:           {Name: "channel", Kind: Enum, ZH: "渠道", EN: "Channel", Description: "how the petition arrived", Values: []EnumValue{{"letter", "来信", "Letter"}, {"visit", "来访", "Visit"}, {"online", "网上", "Online"}, {"phone", "来电", "Phone"}, {"other", "其他", "Other"}}},
	Category:          {Name: "category", Kind: String, ZH: "类别", EN: "Category", Description: "e.g. 监狱管理, 律师执业, 公证, 社区矫正"},
	Headcount:         {Name: "headcount", Kind: Int, ZH: "人数", EN: "Headcount", Description: "people in the visit (≥ 1); default 1"},
	SourceType:        {Name: "source_type", Kind: Enum, ZH: "来源", EN: "Source type", Description: "where the matter came from", Values: []EnumValue{{"self", "本级受理", "Own intake"}, {"transferred", "上级转送", "Transferred"}, {"assigned", "上级交办", "Assigned"}, {"supervised", "上级督办", "Supervised"}}},
	FeedbackDue:       {Name: "feedback_due", Kind: Date, ZH: "反馈期限", EN: "Feedback due", Description: "deadline for feedback to the higher level"},
	FeedbackAt:        {Name: "feedback_at", Kind: Date, ZH: "反馈日期", EN: "Feedback sent", Description: "when feedback was sent"},
	AcceptedAt:        {Name: "accepted_at", Kind: Date, ZH: "受理告知日期", EN: "Accepted", Description: "acceptance decision (受理告知)"},
	DueAt:             {Name: "due_at", Kind: Date, ZH: "办理期限", EN: "Due", Description: "handling deadline given by the source; overrides the computed one"},
	ExtensionDays:     {Name: "extension_days", Kind: Int, ZH: "延期天数", EN: "Extension days", Description: "approved extension (延期), 0–30"},
	ClosedAt:          {Name: "closed_at", Kind: DateTime, ZH: "办结时间", EN: "Closed at", Description: "closure (办结), date or datetime"},
	Justified:         {Name: "justified", Kind: Enum, ZH: "诉求认定", EN: "Justified", Description: "whether the complaint was found justified", Values: []EnumValue{{"justified", "合理", "Justified"}, {"partly", "部分合理", "Partly justified"}, {"unjustified", "不合理", "Unjustified"}, {"undetermined", "未认定", "Undetermined"}}},
	Satisfaction:      {Name: "satisfaction", Kind: Enum, ZH: "满意度", EN: "Satisfaction", Description: "the petitioner's rating", Values: []EnumValue{{"satisfied", "满意", "Satisfied"}, {"basically", "基本满意", "Basically satisfied"}, {"unsatisfied", "不满意", "Unsatisfied"}, {"unrated", "未评价", "Unrated"}}},
	FollowupAt:        {Name: "followup_at", Kind: Date, ZH: "回访日期", EN: "Follow-up", Description: "follow-up visit after closure (回访)"},
	ListedSupervision: {Name: "listed_supervision", Kind: Bool, ZH: "挂牌督办", EN: "Listed supervision", Description: "挂牌督办"},
	LeaderOwner:       {Name: "leader_owner", Kind: String, ZH: "包案领导", EN: "Leader owner", Description: "leader who owns the case (领导包案)"},
	HandlerID:         {Name: "handler_id", Kind: String, ZH: "首办责任人", EN: "Handler", Description: "first handler (首办责任人), for individual vetoes"},
	MassIncident:      {Name: "mass_incident", Kind: Bool, ZH: "群体性事件", EN: "Mass incident", Description: "a 群体性事件 arose from the matter"},
	TracedFault:       {Name: "traced_fault", Kind: Bool, ZH: "责任倒查", EN: "Traced fault", Description: "responsibility trace-back found a fault (责任倒查)"},
	UpdatedAt:         {Name: "updated_at", Kind: DateTime, ZH: "更新时间", EN: "Updated at", Description: "last change in the source, for incremental pulls"},
}

var fieldByName = func() map[string]int {
	m := make(map[string]int, NumFields)
	for i, f := range Fields {
		m[f.Name] = i
	}
	return m
}()

// FieldByName returns the id of a canonical field.
func FieldByName(name string) (int, bool) {
	id, ok := fieldByName[name]
	return id, ok
}

// IsField reports whether name is a canonical field.
func IsField(name string) bool {
	_, ok := fieldByName[name]
	return ok
}

// FieldNames returns every canonical field name in registry order.
func FieldNames() []string {
	out := make([]string, NumFields)
	for i, f := range Fields {
		out[i] = f.Name
	}
	return out
}

// RequiredFields returns the names of the required fields in registry order.
func RequiredFields() []string {
	var out []string
	for _, f := range Fields {
		if f.Required {
			out = append(out, f.Name)
		}
	}
	return out
}

// OptionalFields returns the fields a source may leave unmapped ("not tracked").
func OptionalFields() []string {
	var out []string
	for _, f := range Fields {
		if !f.Required {
			out = append(out, f.Name)
		}
	}
	return out
}

// EnumAliases maps each enum field to its accepted input spellings (canonical and
// SPEC Chinese) -> canonical value.
func EnumAliases() map[string]map[string]string {
	out := map[string]map[string]string{}
	for _, f := range Fields {
		if f.Kind != Enum {
			continue
		}
		m := map[string]string{}
		for _, v := range f.Values {
			m[v.Value] = v.Value
			m[v.ZH] = v.Value
		}
		out[f.Name] = m
	}
	return out
}

// EnumValues returns the canonical values of an enum field, sorted.
func EnumValues(field string) []string {
	id, ok := fieldByName[field]
	if !ok {
		return nil
	}
	var out []string
	for _, v := range Fields[id].Values {
		out = append(out, v.Value)
	}
	sort.Strings(out)
	return out
}
