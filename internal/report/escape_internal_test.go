package report

import (
	"bytes"
	"encoding/json"
	"html/template"
	"math"
	"math/rand"
	"strconv"
	"strings"
	"testing"
)

// awkward are strings that html/template and encoding/json escape in some way.
var awkward = []string{
	"", "plain", "全系统", "a<b>&c", `"quoted" 'single'`, "1+1", "x\x00y", "bad\xffutf8\xc3", "\u2028\u2029",
	"tab\tnl\nret\r\b\f\x01\x1f\x7f", `back\slash`, "javascript:alert(1)", "JavaScript:x", "mailto:a@b", "https://x/y?a=1&b=2",
	"../unit/P07-6d972cde.html", "#sec", "a b%20c%zz%", "data:,x", "/path:with:colons", "é?#[]@!$*,;=~_.-",
	"__f__", "\ufdd0\ufff0",
}

func randomStrings(n int) []string {
	rnd := rand.New(rand.NewSource(1))
	alphabet := []string{"a", "Z", "0", "<", ">", "&", "'", `"`, "+", "%", "%4", "%4f", ":", "/", "#", " ", "\x00", "\xff", "\xe2\x80", "\u2028", "全", "\n", "\\", "javascript", "http"}
	out := make([]string, n)
	for i := range out {
		var b bytes.Buffer
		for j := rnd.Intn(12); j > 0; j-- {
			b.WriteString(alphabet[rnd.Intn(len(alphabet))])
		}
		out[i] = b.String()
	}
	return out
}

// TestTBodyMatchesTemplate: the hand-written table body is the bytes the template's own
// range over the cells wrote.
func TestTBodyMatchesTemplate(t *testing.T) {
	old := template.Must(template.New("old").Parse(`<tbody>{{range .Rows}}<tr>{{range .}}<td{{if .Class}} class="{{.Class}}"{{end}}{{if .Sort}} data-sort="{{.Sort}}"{{end}}>{{if .Href}}<a href="{{.Href}}">{{.Text}}</a>{{else}}{{.Text}}{{end}}</td>{{end}}</tr>{{end}}</tbody>`))
	cur := template.Must(template.New("new").Parse(`<tbody>{{.TBody}}</tbody>`))
	strs := append(append([]string{}, awkward...), randomStrings(3000)...)
	tb := &table{}
	for i := 0; i+3 < len(strs); i += 4 {
		var r []cell
		for k := 0; k < 4; k++ {
			r = append(r, cell{Text: strs[i+k], Sort: strs[i+(k+1)%4], Class: strs[i+(k+2)%4], Href: strs[i+(k+3)%4]})
		}
		tb.Rows = append(tb.Rows, r)
	}
	tb.Rows = append(tb.Rows, []cell{{Text: "only text"}}, nil)
	var want, got bytes.Buffer
	if err := old.Execute(&want, tb); err != nil {
		t.Fatal(err)
	}
	if err := cur.Execute(&got, tb); err != nil {
		t.Fatal(err)
	}
	if want.String() != got.String() {
		w, g := want.Bytes(), got.Bytes()
		i := 0
		for i < len(w) && i < len(g) && w[i] == g[i] {
			i++
		}
		t.Fatalf("table body differs at byte %d:\ntemplate: %q\nTBody:    %q", i, w[max(0, i-40):min(len(w), i+60)], g[max(0, i-40):min(len(g), i+60)])
	}
}

// TestAppendJSONStringMatchesMarshal: strings are encoded as encoding/json encodes them.
func TestAppendJSONStringMatchesMarshal(t *testing.T) {
	for _, s := range append(append([]string{}, awkward...), randomStrings(5000)...) {
		want, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		if got := appendJSONString(nil, s); string(got) != string(want) {
			t.Fatalf("%q: got %s, want %s", s, got, want)
		}
	}
}

// oldTablePayload is tablePayload as it was written before appendCell, each cell built
// as []any and each string through json.Marshal: the reference for the bytes.
func oldTablePayload(t *table, defaults *table) string {
	idx := map[string]int{}
	if defaults != nil {
		for i, k := range defaults.keys {
			idx[k] = i
		}
	}
	encCell := func(c cell, dc string) []any {
		var cls any = c.Class
		switch c.Class {
		case dc:
			cls = ""
		case "":
			cls = 0
		}
		var sort any = c.Sort
		switch {
		case c.Sort == "":
		case c.Sort == c.Text:
			sort = 1
		case c.Sort == strings.ReplaceAll(c.Text, ",", ""):
			sort = 2
		default:
			if f, err := strconv.ParseFloat(c.Sort, 64); err == nil {
				sort = strconv.FormatFloat(f, 'g', 6, 64)
			}
		}
		out := []any{c.Text, sort, cls, c.Href}
		for len(out) > 1 && out[len(out)-1] == "" {
			out = out[:len(out)-1]
		}
		return out
	}
	var b bytes.Buffer
	b.WriteString(`{"dc":"num","rows":[`)
	for i, r := range t.Rows {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteByte('{')
		cells := r
		if i < len(t.keys) && t.keys[i] != "" {
			if j, ok := idx[t.keys[i]]; ok {
				b.WriteString(`"r":` + strconv.Itoa(j) + `,`)
				cells = r[1:]
			}
		}
		b.WriteString(`"c":[`)
		for k, c := range cells {
			if k > 0 {
				b.WriteByte(',')
			}
			b.WriteByte('[')
			for n, v := range encCell(c, "num") {
				if n > 0 {
					b.WriteByte(',')
				}
				switch x := v.(type) {
				case int:
					b.WriteString(strconv.Itoa(x))
				case string:
					q, _ := json.Marshal(x)
					b.Write(q)
				}
			}
			b.WriteByte(']')
		}
		b.WriteString(`]}`)
	}
	b.WriteString(`]}`)
	return b.String()
}

// TestTablePayloadMatchesOld: the period tables' JSON is the bytes the reflection-based
// encoding wrote.
func TestTablePayloadMatchesOld(t *testing.T) {
	strs := append(append([]string{}, awkward...), randomStrings(2000)...)
	strs = append(strs, "1,234", "1234", "12.5", "0.123456789", "3", "1e-7", "-", "N/A", "num", "num good", "x,y", ",", "1,,2")
	rnd := rand.New(rand.NewSource(2))
	pick := func() string { return strs[rnd.Intn(len(strs))] }
	tb := &table{Cols: make([]column, 5)}
	for i := 0; i < 400; i++ {
		var r []cell
		for k := 0; k < 5; k++ {
			c := cell{Text: pick(), Class: []string{"", "num", "num good", pick()}[rnd.Intn(4)], Href: []string{"", "", pick()}[rnd.Intn(3)]}
			switch rnd.Intn(4) {
			case 0:
				c.Sort = c.Text
			case 1:
				c.Sort = strings.ReplaceAll(c.Text, ",", "")
			case 2:
				c.Sort = pick()
			}
			r = append(r, c)
		}
		tb.Rows = append(tb.Rows, r)
		tb.keys = append(tb.keys, []string{"", "U1", "U2", "U3", "X"}[rnd.Intn(5)])
	}
	alignColumns(tb) // tablePayload aligns first: compare on the same cells
	for _, d := range []*table{nil, {keys: []string{"U1", "U2", "U3"}}} {
		if got, want := string(tablePayload(tb, d)), oldTablePayload(tb, d); got != want {
			i := 0
			for i < len(got) && i < len(want) && got[i] == want[i] {
				i++
			}
			t.Fatalf("tablePayload differs at byte %d:\n got %q\nwant %q", i, got[max(0, i-40):min(len(got), i+60)], want[max(0, i-40):min(len(want), i+60)])
		}
	}
}

// TestNumberFastPaths: fmtInt and sortKey's shortcuts write what the general code wrote.
func TestNumberFastPaths(t *testing.T) {
	oldFmtInt := func(v int64) string {
		s := strconv.FormatInt(v, 10)
		neg := strings.HasPrefix(s, "-")
		if neg {
			s = s[1:]
		}
		var b strings.Builder
		for i, ch := range s {
			if i > 0 && (len(s)-i)%3 == 0 {
				b.WriteByte(',')
			}
			b.WriteRune(ch)
		}
		if neg {
			return "-" + b.String()
		}
		return b.String()
	}
	ints := []int64{0, 1, -1, 9, 10, 99, 100, 999, -999, 1000, -1000, 1001, 999999, 1000000, -1000000, 1234567, math.MaxInt64, math.MinInt64 + 1}
	for v := int64(-2100); v <= 2100; v++ {
		ints = append(ints, v)
	}
	for _, v := range ints {
		if got, want := fmtInt(v), oldFmtInt(v); got != want {
			t.Fatalf("fmtInt(%d) = %q, want %q", v, got, want)
		}
	}
	floats := []float64{0, math.Copysign(0, -1), 1, -1, 0.5, 1e-7, 12.5, 999999, -999999, 999999.5, 1e6, -1e6, 1234567, 1e21, 1e300, 123456.000001}
	for v := -2100.0; v <= 2100; v++ {
		floats = append(floats, v, v*487, v/7)
	}
	for _, v := range floats {
		if got, want := sortKey(&v), strconv.FormatFloat(v, 'g', -1, 64); got != want {
			t.Fatalf("sortKey(%v) = %q, want %q", v, got, want)
		}
	}
}
