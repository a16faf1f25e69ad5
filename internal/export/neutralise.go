package export

import (
	"strconv"
	"strings"
)

// Neutralise returns s prefixed with ' when a spreadsheet would read it as a
// formula or a command: it starts with = + - @, a tab or a carriage return
// (OWASP's CSV-injection list), and it is not simply a number such as -3 or +1.5.
// The in-browser CSV download of the report (internal/report/assets/app.js) applies the
// same rule. Numbers stored as numbers are never touched: only text goes through here.
func Neutralise(s string) string {
	if s == "" || !strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return s
	}
	if _, err := strconv.ParseFloat(strings.TrimSpace(s), 64); err == nil && s[0] != '\t' && s[0] != '\r' {
		return s
	}
	if s == "-" || s == "+" {
		return s // a lone sign (the report's "no value" dash) cannot start a formula
	}
	return "'" + s
}
