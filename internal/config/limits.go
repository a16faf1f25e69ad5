package config

import (
	"fmt"
	"reflect"
	"strings"
)

// Bounds on a config file, checked before the YAML parser sees it: a 200 KB file
// of nested brackets once grew check-config to 21.7 GB over nine minutes. Real
// configs are a few kilobytes, a few levels deep, and use no aliases.
const (
	MaxConfigBytes  = 1 << 20 // the whole file
	MaxConfigDepth  = 32      // nesting of flow brackets, block indentation and "- - x" items
	MaxConfigAlias  = 64      // *alias references (each can expand a whole subtree)
	MaxStringLen    = 4096    // any string value after loading (titles, paths, specs, …)
	maxIndentColumn = 4 * MaxConfigDepth
)

// checkBounds refuses a config that is too big or too deeply nested, lexically,
// so the refusal takes time proportional to the file and no memory.
func checkBounds(file string, data []byte) error {
	bad := func(line int, format string, args ...any) error {
		return &Error{File: file, Line: line, Key: "(size)", Msg: fmt.Sprintf(format, args...)}
	}
	if len(data) > MaxConfigBytes {
		return bad(0, "the file is %d bytes; a config may have at most %d", len(data), MaxConfigBytes)
	}
	depth, aliases, line := 0, 0, 1
	var quote byte
	atLineStart := true
	for i := 0; i < len(data); i++ {
		c := data[i]
		if c == '\n' {
			line++
			atLineStart = true
			if quote == '\'' || quote == '"' {
				continue // quoted scalars may span lines
			}
			continue
		}
		if quote != 0 {
			switch {
			case quote == '"' && c == '\\':
				i++
			case c == quote:
				quote = 0
			}
			continue
		}
		if atLineStart {
			// Leading indentation and block-sequence dashes ("- - - x") both nest.
			col, dashes := 0, 0
			for i < len(data) && (data[i] == ' ' || data[i] == '\t' || (data[i] == '-' && i+1 < len(data) && (data[i+1] == ' ' || data[i+1] == '\n'))) {
				if data[i] == '-' {
					dashes++
				}
				col++
				i++
			}
			atLineStart = false
			if col > maxIndentColumn || dashes > MaxConfigDepth {
				return bad(line, "nested deeper than %d levels (indentation %d, %d sequence dashes); a config is a few levels deep", MaxConfigDepth, col, dashes)
			}
			if i >= len(data) {
				break
			}
			c = data[i]
			if c == '\n' {
				i--
				continue
			}
		}
		switch c {
		case '#':
			if i == 0 || data[i-1] == ' ' || data[i-1] == '\t' || data[i-1] == '\n' {
				for i < len(data) && data[i] != '\n' {
					i++
				}
				i--
			}
		case '"', '\'':
			if i == 0 || strings.IndexByte(" \t[{,:-\n", data[i-1]) >= 0 {
				quote = c
			}
		case '[', '{':
			depth++
			if depth > MaxConfigDepth {
				return bad(line, "brackets nested deeper than %d levels; a config is a few levels deep", MaxConfigDepth)
			}
		case ']', '}':
			if depth > 0 {
				depth--
			}
		case '*':
			if i == 0 || strings.IndexByte(" \t[{,:-\n", data[i-1]) >= 0 {
				aliases++
				if aliases > MaxConfigAlias {
					return bad(line, "more than %d YAML aliases (*name); write the values out", MaxConfigAlias)
				}
			}
		}
	}
	return nil
}

// checkStringSizes reports every string in the loaded config longer than
// MaxStringLen (a 50 MB report.title, a huge path or spec), by its YAML key.
func (c *Config) checkStringSizes() Errors {
	var errs Errors
	var walk func(v reflect.Value, key string)
	walk = func(v reflect.Value, key string) {
		switch v.Kind() {
		case reflect.String:
			if n := v.Len(); n > MaxStringLen {
				errs = append(errs, c.errAt(key, "value is %d bytes; at most %d allowed", n, MaxStringLen))
			}
		case reflect.Pointer, reflect.Interface:
			if !v.IsNil() {
				walk(v.Elem(), key)
			}
		case reflect.Struct:
			t := v.Type()
			for i := 0; i < t.NumField(); i++ {
				f := t.Field(i)
				if !f.IsExported() {
					continue
				}
				name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
				if name == "-" {
					continue
				}
				k := key
				if name != "" {
					if k != "" {
						k += "."
					}
					k += name
				}
				walk(v.Field(i), k)
			}
		case reflect.Slice, reflect.Array:
			for i := 0; i < v.Len(); i++ {
				walk(v.Index(i), fmt.Sprintf("%s[%d]", key, i))
			}
		case reflect.Map:
			iter := v.MapRange()
			for iter.Next() {
				k := fmt.Sprint(iter.Key().Interface())
				if len(k) > MaxStringLen {
					errs = append(errs, c.errAt(key, "a key is %d bytes; at most %d allowed", len(k), MaxStringLen))
					continue
				}
				walk(iter.Value(), key+"."+k)
			}
		}
	}
	walk(reflect.ValueOf(c).Elem(), "")
	return errs
}
