package config

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"regexp"
	"strings"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
)

type positionFunc func(path string) int

// Error is a configuration error naming the file, line and key.
type Error struct {
	File string
	Line int    // 0 when unknown (e.g. a default or an environment override)
	Key  string // dotted path, e.g. metrics.accept_days or sources[0].kind
	Msg  string
}

func (e *Error) Error() string {
	loc := e.File
	if loc == "" {
		loc = "<defaults>"
	}
	if e.Line > 0 {
		loc = fmt.Sprintf("%s:%d", loc, e.Line)
	}
	return fmt.Sprintf("%s: %s: %s", loc, e.Key, e.Msg)
}

// Errors is a list of configuration errors, reported together.
type Errors []*Error

func (es Errors) Error() string {
	var b strings.Builder
	for i, e := range es {
		if i > 0 {
			b.WriteString("\n")
		}
		b.WriteString(e.Error())
	}
	return b.String()
}

// Load reads the config at path over the built-in defaults, applies environment
// overrides and validates. path "" means defaults only.
func Load(path string) (*Config, error) {
	cfg := Default()
	if path != "" {
		if st, err := os.Stat(path); err == nil && st.Size() > MaxConfigBytes {
			return nil, &Error{File: path, Key: "(size)", Msg: fmt.Sprintf("the file is %d bytes; a config may have at most %d", st.Size(), MaxConfigBytes)}
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("read config: %w", err)
		}
		if err := cfg.decode(path, data); err != nil {
			return nil, err
		}
	}
	if err := cfg.applyEnv(); err != nil {
		return nil, err
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	return cfg, nil
}

// Parse decodes YAML bytes (named file for messages) over the defaults and validates.
func Parse(file string, data []byte) (*Config, error) {
	cfg := Default()
	if err := cfg.decode(file, data); err != nil {
		return nil, err
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	return cfg, nil
}

var yamlPosRe = regexp.MustCompile(`^\[(\d+):(\d+)\]\s*(.*)$`)

func (c *Config) decode(file string, data []byte) (err error) {
	c.file = file
	if err := checkBounds(file, data); err != nil {
		return err
	}
	// The YAML library has panicked on malformed input before (fuzzing finds
	// such inputs): a config that makes it panic is an error, not a crash.
	defer func() {
		if r := recover(); r != nil {
			err = &Error{File: file, Key: "(syntax)", Msg: fmt.Sprintf("the YAML parser failed on this file: %v", r)}
		}
	}()
	astFile, err := parser.ParseBytes(data, 0)
	if err != nil {
		return yamlError(file, err)
	}
	c.positions = func(key string) int { return lineOf(astFile, key) }
	// Lists given in the file replace the defaults rather than merging by index.
	if len(bytes.TrimSpace(data)) == 0 {
		return nil
	}
	var probe map[string]any
	if err := yaml.Unmarshal(data, &probe); err == nil {
		if _, ok := probe["sources"]; ok {
			c.Sources = nil
		}
		if _, ok := probe["campaigns"]; ok {
			c.campaignsGiven = true
		}
		if _, ok := probe["targets"]; ok {
			c.Targets = nil
		}
		if v, ok := probe["veto"].(map[string]any); ok {
			if _, ok := v["rules"]; ok {
				c.Veto.Rules = nil
			}
		}
		if a, ok := probe["appraisal"].(map[string]any); ok {
			if _, ok := a["indicators"]; ok {
				c.Appraisal.Indicators = nil
			}
			if _, ok := a["grades"]; ok {
				c.Appraisal.Grades = nil
			}
		}
	}
	if err := yaml.UnmarshalWithOptions(data, c, yaml.DisallowUnknownField()); err != nil {
		return yamlError(file, err)
	}
	return nil
}

// yamlError turns a go-yaml error ("[3:5] unknown field \"x\"") into an Error
// with file, line and key.
func yamlError(file string, err error) error {
	msg := yaml.FormatError(err, false, false)
	first, _, _ := strings.Cut(msg, "\n")
	e := &Error{File: file, Msg: strings.TrimSpace(first)}
	if m := yamlPosRe.FindStringSubmatch(first); m != nil {
		fmt.Sscanf(m[1], "%d", &e.Line)
		e.Msg = m[3]
	}
	if k := regexp.MustCompile(`unknown field "([^"]+)"`).FindStringSubmatch(e.Msg); k != nil {
		e.Key = k[1]
		e.Msg = "unknown key"
	} else {
		e.Key = "(yaml)"
	}
	var se *yaml.SyntaxError
	if errors.As(err, &se) {
		e.Key = "(syntax)"
	}
	return e
}

// lineOf finds the line of a dotted key path (a.b[2].c) in the parsed file.
func lineOf(f *ast.File, key string) int {
	p, err := yaml.PathString("$." + key)
	if err != nil {
		return 0
	}
	n, err := p.FilterFile(f)
	if err != nil || n == nil {
		// Fall back to the parent key, so the message still points near the problem.
		if i := strings.LastIndexAny(key, ".["); i > 0 {
			return lineOf(f, key[:i])
		}
		return 0
	}
	if tk := n.GetToken(); tk != nil && tk.Position != nil {
		return tk.Position.Line
	}
	return 0
}

func (c *Config) errAt(key, format string, args ...any) *Error {
	e := &Error{File: c.file, Key: key, Msg: fmt.Sprintf(format, args...)}
	if c.positions != nil {
		e.Line = c.positions(key)
	}
	return e
}

// UnmarshalYAML accepts a plain string as shorthand for {column: ...}.
func (f *FieldMap) UnmarshalYAML(unmarshal func(any) error) error {
	var s string
	if err := unmarshal(&s); err == nil {
		*f = FieldMap{Column: s}
		return nil
	}
	type plain FieldMap
	var p plain
	if err := unmarshal(&p); err != nil {
		return err
	}
	*f = FieldMap(p)
	return nil
}

// UnmarshalYAML accepts a single rule as a plain string.
func (r *Rules) UnmarshalYAML(unmarshal func(any) error) error {
	l, err := stringOrList(unmarshal)
	*r = l
	return err
}

// stringOrList reads a YAML scalar as a one-item list, or a list of strings.
func stringOrList(unmarshal func(any) error) ([]string, error) {
	var s string
	if err := unmarshal(&s); err == nil {
		return []string{s}, nil
	}
	var l []string
	if err := unmarshal(&l); err != nil {
		return nil, err
	}
	return l, nil
}

// ErrorAt is a configuration error at a dotted key, with the key's line in the file
// (for checks outside this package, such as SQL expressions prepared against DuckDB).
func (c *Config) ErrorAt(key, format string, args ...any) *Error {
	return c.errAt(key, format, args...)
}

// Marshal renders the effective configuration as YAML.
func (c *Config) Marshal() ([]byte, error) {
	return yaml.MarshalWithOptions(c, yaml.UseLiteralStyleIfMultiline(true))
}
