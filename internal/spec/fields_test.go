package spec

import "testing"

// Every index has a filled entry: a field added to the constants but not to Fields
// (or the reverse) would leave a zero entry or fail to compile.
func TestFieldsComplete(t *testing.T) {
	seen := map[string]bool{}
	for i, f := range Fields {
		if f.Name == "" || f.ZH == "" || f.EN == "" || f.Description == "" {
			t.Errorf("Fields[%d] = %+v: name, labels and description are all needed", i, f)
		}
		if seen[f.Name] {
			t.Errorf("field %s listed twice", f.Name)
		}
		seen[f.Name] = true
		if (f.Kind == Enum) != (len(f.Values) > 0) {
			t.Errorf("%s: enum values given iff the kind is enum", f.Name)
		}
		if f.Personal && f.Kind != String {
			t.Errorf("%s: only text fields can be pseudonymised", f.Name)
		}
		if id, ok := FieldByName(f.Name); !ok || id != i {
			t.Errorf("FieldByName(%s) = %d, %v", f.Name, id, ok)
		}
	}
	if got := RequiredFields(); len(got) != 3 || got[0] != "petition_id" || got[1] != "received_at" || got[2] != "unit_id" {
		t.Errorf("required fields = %v, want SPEC §2's petition_id, received_at, unit_id", got)
	}
}

// SPEC §2 requires the Chinese values as input aliases.
func TestEnumAliases(t *testing.T) {
	a := EnumAliases()
	for field, cases := range map[string]map[string]string{
		"channel":      {"来信": "letter", "来访": "visit", "网上": "online", "来电": "phone", "其他": "other", "visit": "visit"},
		"source_type":  {"本级受理": "self", "上级转送": "transferred", "上级交办": "assigned", "上级督办": "supervised"},
		"justified":    {"合理": "justified", "部分合理": "partly", "不合理": "unjustified", "未认定": "undetermined"},
		"satisfaction": {"满意": "satisfied", "基本满意": "basically", "不满意": "unsatisfied", "未评价": "unrated"},
	} {
		for in, want := range cases {
			if got := a[field][in]; got != want {
				t.Errorf("%s %q -> %q, want %q", field, in, got, want)
			}
		}
	}
}
