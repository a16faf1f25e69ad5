package report

import (
	"html/template"
	"strings"
	"unicode/utf8"
)

// The table bodies and the picker's views hold almost every byte of the site (hundreds
// of thousands of cells, growing with the records), and html/template and encoding/json
// spend most of the render on them through reflection. They are written here instead,
// escaped exactly as those packages escape them (escape_internal_test.go compares the
// two on awkward strings), so the site's bytes are the same.

// appendHTML appends s escaped as html/template escapes a string in text and in a quoted
// attribute (its htmlEscaper and attrEscaper: NUL, quotes, &, +, < and >).
func appendHTML(b []byte, s string) []byte {
	start := 0
	for i := 0; i < len(s); i++ {
		var repl string
		switch s[i] {
		case 0:
			repl = "\uFFFD"
		case '"':
			repl = "&#34;"
		case '&':
			repl = "&amp;"
		case '\'':
			repl = "&#39;"
		case '+':
			repl = "&#43;"
		case '<':
			repl = "&lt;"
		case '>':
			repl = "&gt;"
		default:
			continue
		}
		b = append(b, s[start:i]...)
		b = append(b, repl...)
		start = i + 1
	}
	return append(b, s[start:]...)
}

// appendHref appends s as html/template writes it into a quoted href attribute: an
// unsafe scheme becomes #ZgotmplZ (urlFilter), bytes outside the URL's own characters
// are %-encoded (urlNormalizer), then the result is attribute-escaped.
func appendHref(b []byte, s string) []byte {
	if protocol, _, ok := strings.Cut(s, ":"); ok && !strings.Contains(protocol, "/") {
		if !strings.EqualFold(protocol, "http") && !strings.EqualFold(protocol, "https") && !strings.EqualFold(protocol, "mailto") {
			s = "#ZgotmplZ"
		}
	}
	const hex = "0123456789abcdef"
	var norm []byte
	written := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
			continue
		}
		switch c {
		case '!', '#', '$', '&', '*', '+', ',', '/', ':', ';', '=', '?', '@', '[', ']', '-', '.', '_', '~':
			continue
		case '%':
			if i+2 < len(s) && isHexDigit(s[i+1]) && isHexDigit(s[i+2]) {
				continue
			}
		}
		norm = append(norm, s[written:i]...)
		norm = append(norm, '%', hex[c>>4], hex[c&0xF])
		written = i + 1
	}
	if norm != nil {
		s = string(append(norm, s[written:]...))
	}
	return appendHTML(b, s)
}

func isHexDigit(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// TBody is the table's rows as page.html wrote them when it ranged over the cells
// itself (a <tr> of <td>s each, class, data-sort and link when set).
func (t *table) TBody() template.HTML {
	n := 0
	for _, r := range t.Rows {
		for _, c := range r {
			n += len(c.Text) + len(c.Sort) + len(c.Href) + len(c.Class) + 48
		}
	}
	b := make([]byte, 0, n)
	for _, r := range t.Rows {
		b = append(b, "<tr>"...)
		for _, c := range r {
			b = append(b, "<td"...)
			if c.Class != "" {
				b = append(b, ` class="`...)
				b = appendHTML(b, c.Class)
				b = append(b, '"')
			}
			if c.Sort != "" {
				b = append(b, ` data-sort="`...)
				b = appendHTML(b, c.Sort)
				b = append(b, '"')
			}
			b = append(b, '>')
			if c.Href != "" {
				b = append(b, `<a href="`...)
				b = appendHref(b, c.Href)
				b = append(b, `">`...)
				b = appendHTML(b, c.Text)
				b = append(b, "</a>"...)
			} else {
				b = appendHTML(b, c.Text)
			}
			b = append(b, "</td>"...)
		}
		b = append(b, "</tr>"...)
	}
	return template.HTML(b)
}

// appendJSONString appends s as a JSON string exactly as encoding/json writes it with
// HTML escaping (json.Marshal, and safeJSON's encoder): <, > and & as \u00XX, invalid
// UTF-8 as \ufffd, U+2028 and U+2029 escaped.
func appendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '\\', '"':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hex[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
