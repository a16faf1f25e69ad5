package config

import (
	"os"
	"strings"
)

// Environment overrides, applied after the file. Secrets (database passwords, the
// pseudonym key) belong here rather than in the file.
var envOverrides = []struct {
	name string
	key  string
	set  func(c *Config, v string)
}{
	{"XINFANG_DATABASE", "database", func(c *Config, v string) { c.Database = v }},
	{"XINFANG_REPORTS_DIR", "reports_dir", func(c *Config, v string) { c.ReportsDir = v }},
	{"XINFANG_TIME_ZONE", "time_zone", func(c *Config, v string) { c.TimeZone = v }},
	{"XINFANG_AS_OF", "as_of", func(c *Config, v string) { c.AsOf = v }},
	{"XINFANG_LANGUAGE", "language", func(c *Config, v string) { c.Language = v }},
	{"XINFANG_LOG_LEVEL", "log.level", func(c *Config, v string) { c.Log.Level = v }},
	{"XINFANG_PSEUDONYM_KEY_FILE", "pseudonym.key_file", func(c *Config, v string) { c.Pseudonym.KeyFile = v }},
}

// EnvOverridesInEffect describes the environment overrides that are set now
// ("NAME -> key"), for check-config. The pseudonym key's value is never shown.
func EnvOverridesInEffect() []string {
	var out []string
	for _, o := range envOverrides {
		if v, ok := os.LookupEnv(o.name); ok && strings.TrimSpace(v) != "" {
			out = append(out, o.name+" -> "+o.key)
		}
	}
	if _, ok := os.LookupEnv("XINFANG_PSEUDONYM_KEY"); ok {
		out = append(out, "XINFANG_PSEUDONYM_KEY -> the pseudonym key (value not shown)")
	}
	return out
}

func (c *Config) applyEnv() error {
	for _, o := range envOverrides {
		if v, ok := os.LookupEnv(o.name); ok && strings.TrimSpace(v) != "" {
			o.set(c, strings.TrimSpace(v))
		}
	}
	// ${VAR} references in source DSNs keep passwords out of the file.
	for i := range c.Sources {
		c.Sources[i].DSN = os.ExpandEnv(c.Sources[i].DSN)
	}
	return nil
}
