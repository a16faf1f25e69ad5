// Package config loads the xinfang YAML configuration: every default is built in,
// unknown keys and bad values are errors naming the file, line and key, and a few
// environment variables override the file (see README "Configuration").
package config

import (
	"time"
)

// Config is the whole effective configuration.
type Config struct {
	TimeZone   string       `yaml:"time_zone" json:"time_zone"`
	AsOf       string       `yaml:"as_of" json:"as_of"` // YYYY-MM-DD; empty = today in TimeZone
	Database   string       `yaml:"database" json:"database"`
	ReportsDir string       `yaml:"reports_dir" json:"reports_dir"`
	Language   string       `yaml:"language" json:"language"` // zh | en
	Pseudonym  Pseudonym    `yaml:"pseudonym" json:"pseudonym"`
	Units      UnitsConfig  `yaml:"units" json:"units"`
	Sources    []Source     `yaml:"sources" json:"sources"`
	Metrics    Metrics      `yaml:"metrics" json:"metrics"`
	Veto       Veto         `yaml:"veto" json:"veto"`
	Appraisal  Appraisal    `yaml:"appraisal" json:"appraisal"`
	Targets    []Target     `yaml:"targets" json:"targets"`
	Report     Report       `yaml:"report" json:"report"`
	Jobs       Jobs         `yaml:"jobs" json:"jobs"`
	Log        LogConfig    `yaml:"log" json:"log"`
	DuckDB     DuckDB       `yaml:"duckdb" json:"duckdb"`
	file       string       // path the config was read from ("" = built-in defaults)
	positions  positionFunc // finds a key's line in the file
}

// Pseudonym configures the keyed hash applied to personal identifiers.
type Pseudonym struct {
	// KeyFile holds the HMAC key; created with mode 0600 on first use. The
	// environment variable XINFANG_PSEUDONYM_KEY, when set, is used instead.
	KeyFile string `yaml:"key_file" json:"key_file"`
}

// UnitsConfig says where the unit table comes from.
type UnitsConfig struct {
	// File is a CSV (or .xlsx) with unit_id,name,parent_id,level,sector[,staff].
	// Empty with a synthetic source: the generator's own unit tree.
	File string `yaml:"file" json:"file"`
	// Mapping renames the unit file's columns (canonical name -> file column).
	Mapping map[string]string `yaml:"mapping" json:"mapping,omitempty"`
	// Encoding of the units file (auto, utf-8, gb18030, gbk).
	Encoding string `yaml:"encoding" json:"encoding,omitempty"`
}

// Source is one configured system that yields petition records.
type Source struct {
	Name string `yaml:"name" json:"name"`
	// Kind: synthetic, csv, tsv, xlsx, jsonl, parquet, postgres.
	Kind string `yaml:"kind" json:"kind"`
	// Path is a file, a folder (all files of the kind in it) or a glob.
	Path      string `yaml:"path" json:"path,omitempty"`
	Encoding  string `yaml:"encoding" json:"encoding,omitempty"`     // auto (default), utf-8, gb18030, gbk
	Delimiter string `yaml:"delimiter" json:"delimiter,omitempty"`   // default "," for csv, "\t" for tsv
	Sheet     string `yaml:"sheet" json:"sheet,omitempty"`           // xlsx: sheet name (default: first)
	HeaderRow int    `yaml:"header_row" json:"header_row,omitempty"` // 1-based header row (default 1)
	TimeZone  string `yaml:"time_zone" json:"time_zone,omitempty"`   // zone of naive datetimes; default the global one
	// PostgreSQL protocol sources.
	DSN             string `yaml:"dsn" json:"dsn,omitempty"` // may use ${ENV} references
	Table           string `yaml:"table" json:"table,omitempty"`
	Query           string `yaml:"query" json:"query,omitempty"`
	WatermarkColumn string `yaml:"watermark_column" json:"watermark_column,omitempty"`
	BatchSize       int    `yaml:"batch_size" json:"batch_size,omitempty"`
	// Synthetic generator settings.
	Synthetic Synthetic `yaml:"synthetic" json:"synthetic,omitempty"`
	// Mapping from canonical field to this source's columns, aliases and layouts.
	Mapping Mapping `yaml:"mapping" json:"mapping,omitempty"`
	// Incremental marks the source for the hourly pull job.
	Incremental bool `yaml:"incremental" json:"incremental,omitempty"`
}

// Synthetic configures the built-in generator.
type Synthetic struct {
	Records int   `yaml:"records" json:"records"`
	Seed    int64 `yaml:"seed" json:"seed"`
	Years   int   `yaml:"years" json:"years"`
}

// Mapping maps canonical fields to source columns. A canonical field that is
// absent from Fields is "not tracked" for this source.
type Mapping struct {
	Fields map[string]FieldMap `yaml:"fields" json:"fields,omitempty"`
	// Values adds aliases per enum field: field -> source value -> canonical value.
	Values map[string]map[string]string `yaml:"values" json:"values,omitempty"`
	// DateLayouts are Go time layouts tried in order for every date/datetime field
	// that has no layouts of its own (after the built-in ISO forms).
	DateLayouts []string `yaml:"date_layouts" json:"date_layouts,omitempty"`
	// Personal lists extra canonical fields to pseudonymise (petitioner_id always is).
	Personal []string `yaml:"personal" json:"personal,omitempty"`
}

// FieldMap says where one canonical field comes from. In YAML a plain string is
// shorthand for {column: ...}.
type FieldMap struct {
	Column  string   `yaml:"column" json:"column,omitempty"`
	Columns []string `yaml:"columns" json:"columns,omitempty"` // joined with Sep to build a key
	Sep     string   `yaml:"sep" json:"sep,omitempty"`
	Const   string   `yaml:"const" json:"const,omitempty"` // a constant value (e.g. a fixed unit)
	Layouts []string `yaml:"layouts" json:"layouts,omitempty"`
	// Values: source value -> canonical value for this field only.
	Values map[string]string `yaml:"values" json:"values,omitempty"`
	line   int
}

// Metrics holds the metric parameters of SPEC §4.
type Metrics struct {
	AcceptDays             int     `yaml:"accept_days" json:"accept_days"`
	HandleDays             int     `yaml:"handle_days" json:"handle_days"`
	FeedbackDays           int     `yaml:"feedback_days" json:"feedback_days"`
	MaxExtensionDays       int     `yaml:"max_extension_days" json:"max_extension_days"`
	DayBasis               string  `yaml:"day_basis" json:"day_basis"`               // calendar | working
	HolidayFile            string  `yaml:"holiday_file" json:"holiday_file"`         // for day_basis: working
	TimelinessBasis        string  `yaml:"timeliness_basis" json:"timeliness_basis"` // due | closed
	RepeatWindowDays       int     `yaml:"repeat_window_days" json:"repeat_window_days"`
	CeasedWindowDays       int     `yaml:"ceased_window_days" json:"ceased_window_days"`
	CollectiveMinHeadcount int     `yaml:"collective_min_headcount" json:"collective_min_headcount"`
	DueSoonDays            int     `yaml:"due_soon_days" json:"due_soon_days"`
	TrendMonths            int     `yaml:"trend_months" json:"trend_months"`
	TrendMinMonths         int     `yaml:"trend_min_months" json:"trend_min_months"`
	TrendZ                 float64 `yaml:"trend_z" json:"trend_z"`
}

// Veto holds the one-vote-veto rules (SPEC §5).
type Veto struct {
	GradeCap string     `yaml:"grade_cap" json:"grade_cap"`
	Rules    []VetoRule `yaml:"rules" json:"rules"`
}

// VetoRule is one rule: metric op threshold over a window, per scope.
type VetoRule struct {
	ID        string  `yaml:"id" json:"id"`
	Metric    string  `yaml:"metric" json:"metric"` // justified_complaints | mass_incident | traced_fault
	Op        string  `yaml:"op" json:"op"`         // >=, >, <=, <, =
	Threshold float64 `yaml:"threshold" json:"threshold"`
	Scope     string  `yaml:"scope" json:"scope"`   // unit | handler
	Window    string  `yaml:"window" json:"window"` // year
}

// Appraisal holds the deduction-scoring parameters (SPEC §6).
type Appraisal struct {
	MinN       int         `yaml:"min_n" json:"min_n"`
	Indicators []Indicator `yaml:"indicators" json:"indicators"`
	Grades     []GradeBand `yaml:"grades" json:"grades"`
}

// Indicator is one scored indicator.
type Indicator struct {
	ID        string  `yaml:"id" json:"id"`
	Weight    float64 `yaml:"weight" json:"weight"`
	Target    float64 `yaml:"target" json:"target"`       // in percent
	Direction string  `yaml:"direction" json:"direction"` // higher | lower
	K         float64 `yaml:"k" json:"k"`                 // points per percentage point
}

// GradeBand: a score at or above Min gets Name. Bands are tried from the highest Min.
type GradeBand struct {
	Name string  `yaml:"name" json:"name"`
	Min  float64 `yaml:"min" json:"min"`
}

// Target is one planner's target (SPEC §7).
type Target struct {
	Unit   string  `yaml:"unit" json:"unit"`     // unit_id or "*"
	Year   int     `yaml:"year" json:"year"`     // 0 = the as-of year
	Metric string  `yaml:"metric" json:"metric"` // volume_change_pct or a rate (on_time_rate, ...)
	Op     string  `yaml:"op" json:"op"`         // <= ceiling, >= floor
	Value  float64 `yaml:"value" json:"value"`   // percent for volume_change_pct; fraction for rates
}

// Report configures the HTML site.
type Report struct {
	Title string `yaml:"title" json:"title"`
	TopN  int    `yaml:"top_n" json:"top_n"`
	Xlsx  bool   `yaml:"xlsx" json:"xlsx"`
}

// Jobs configures the scheduler (cron specs with a seconds field).
type Jobs struct {
	Nightly     string        `yaml:"nightly" json:"nightly"`
	Quarterly   string        `yaml:"quarterly" json:"quarterly"`
	HourlyPull  string        `yaml:"hourly_pull" json:"hourly_pull"` // empty = off
	Retries     int           `yaml:"retries" json:"retries"`
	Backoff     time.Duration `yaml:"backoff" json:"backoff"`
	GracePeriod time.Duration `yaml:"grace_period" json:"grace_period"`
	CatchUp     bool          `yaml:"catch_up" json:"catch_up"`
}

// DuckDB holds engine settings applied to every connection.
type DuckDB struct {
	// MemoryLimit caps DuckDB's memory, e.g. "8GB" (default 2GB, see Default; empty =
	// DuckDB's own default, 80% of RAM). Large builds spill to TempDirectory beyond it
	// instead of exhausting a shared server.
	MemoryLimit string `yaml:"memory_limit" json:"memory_limit"`
	// TempDirectory is where DuckDB spills (empty = "<database>.tmp" beside the file).
	TempDirectory string `yaml:"temp_directory" json:"temp_directory"`
	// Threads limits DuckDB's worker threads (0 = one per core).
	Threads int `yaml:"threads" json:"threads"`
}

// LogConfig configures structured logging.
type LogConfig struct {
	Level  string `yaml:"level" json:"level"`   // debug, info, warn, error
	Format string `yaml:"format" json:"format"` // text | json
}

// File is the path the config was loaded from, or "" for built-in defaults.
func (c *Config) File() string { return c.file }
