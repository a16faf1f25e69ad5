package brief

import "testing"

// Hand-worked formatting cases: separators, one decimal, words instead of signs, and
// counts instead of a percentage on a small base.
func TestFormatting(t *testing.T) {
	zh, en := lang{}, lang{en: true}
	for _, c := range []struct{ got, want string }{
		{count(0), "0"}, {count(999), "999"}, {count(1000), "1,000"}, {count(1234567), "1,234,567"}, {count(-4500), "-4,500"},
		{countF(272.5), "273"},
		{rate(0.9534), "95.3%"}, {pct(100), "100.0%"},
		{zh.change(-5.32), "下降5.3%"}, {zh.change(7.46), "上升7.5%"}, {zh.change(0.04), "持平"}, {zh.change(-0.05), "下降0.1%"},
		{en.change(-5.32), "down 5.3%"},
		// base 4 < min_n 5: counts, even though the mart has a percentage
		{zh.versus(6, 4, ptrF(50), 5), "增加2件次（基数较小，不计变化率）"},
		{zh.versus(6, 5, ptrF(20), 5), "上升20.0%"},
		{zh.versus(3, 0, nil, 0), "增加3件次（基数较小，不计变化率）"},
		{zh.versus(4, 4, ptrF(0), 5), "持平（基数较小，不计变化率）"},
		{zh.versusNote(5, 0, nil, 5, "上年同期0件次"), "增加5件次（上年同期0件次，基数较小，不计变化率）"},
		{zh.versusNote(1139, 1203, ptrF(-5.32), 5, "上年同期1,203件次"), "下降5.3%（上年同期1,203件次）"},
		{zh.quarterName(2026, 3), "2026年第三季度"}, {en.quarterName(2026, 3), "Q3 2026"},
		{zh.peerGroup("prison/facility"), "监狱"}, {zh.peerGroup("bureau/city"), "司法行政机关（市级）"},
		{zh.volumeTarget("<=", -3), "同比下降3.0%以上"}, {zh.volumeTarget("<=", 0), "同比不上升"}, {zh.volumeTarget("<=", 2), "同比上升不超过2.0%"},
		{clean("a\x01b\x0bc\td\x00\u0085e", 0), "abc de"}, {clean("一二三四", 2), "一二…"}, {clean("ab\xffc", 0), "abc"},
	} {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
}

func ptrF(v float64) *float64 { return &v }
