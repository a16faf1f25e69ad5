package report

import (
	"regexp"
	"testing"
)

// cjkPunct is CJK and full-width punctuation (、。（）：；，！？《》【】「」…), which must
// not appear in English labels.
var cjkPunct = regexp.MustCompile(`[\x{3000}-\x{303F}\x{FF01}-\x{FF65}]`)

// Every English label, registry labels included, is free of CJK punctuation, and the
// default grades have English names.
func TestEnglishLabelsHaveNoCJKPunctuation(t *testing.T) {
	for k, m := range messages {
		if cjkPunct.MatchString(m[1]) {
			t.Errorf("%s: English label %q has CJK punctuation", k, m[1])
		}
	}
	s := &site{formatter: formatter{c: newCatalogue("en")}}
	for g, want := range map[string]string{"优秀": "Excellent", "良好": "Good", "合格": "Pass", "不合格": "Fail", "自定": "自定"} {
		if got := s.gradeLabel(g); got != want {
			t.Errorf("grade %s in English: %q, want %q", g, got, want)
		}
	}
	if got := s.paren("own records"); got != " (own records)" {
		t.Errorf("paren: %q", got)
	}
}
