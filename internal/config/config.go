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
	Brief      Brief        `yaml:"brief" json:"brief"`
	Jobs       Jobs         `yaml:"jobs" json:"jobs"`
	Log        LogConfig    `yaml:"log" json:"log"`
	DuckDB     DuckDB       `yaml:"duckdb" json:"duckdb"`
	Serve      Serve        `yaml:"serve" json:"serve"`
	Auth       Auth         `yaml:"auth" json:"auth"`
	Audiences  []Audience   `yaml:"audiences" json:"audiences"`
	Campaigns  []Campaign   `yaml:"campaigns" json:"campaigns"`
	Alerts     Alerts       `yaml:"alerts" json:"alerts"`
	file       string       // path the config was read from ("" = built-in defaults)
	positions  positionFunc // finds a key's line in the file
	// campaignsGiven: the file has a campaigns key (even an empty list), so the synthetic
	// drive's campaign is not added (EffectiveCampaigns).
	campaignsGiven bool
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
	// FromSource derives units from a source's records, merged with File (the
	// file's rows win for a unit both give).
	FromSource *UnitsFromSource `yaml:"from_source" json:"from_source,omitempty"`
}

// UnitsFromSource derives the unit table from a source's records: every distinct
// unit_id the source stores becomes a unit. The id is always the record's unit_id
// (after its mapping), so records and units can never disagree.
type UnitsFromSource struct {
	Source string `yaml:"source" json:"source"`
	// NameColumn is the source column holding the unit's display name (default: the id).
	NameColumn string `yaml:"name_column" json:"name_column,omitempty"`
	// ParentColumn is the source column holding the parent unit's id (default: the root).
	ParentColumn string `yaml:"parent_column" json:"parent_column,omitempty"`
	// Root, when given, is the top unit: parent of every derived unit without one.
	Root *UnitRoot `yaml:"root" json:"root,omitempty"`
}

// UnitRoot is the top of a derived unit tree.
type UnitRoot struct {
	ID   string `yaml:"id" json:"id"`
	Name string `yaml:"name" json:"name"`
}

// Source is one configured system that yields petition records.
type Source struct {
	Name string `yaml:"name" json:"name"`
	// Kind: one of spec.SourceKinds (synthetic, csv, tsv, xlsx, jsonl, parquet, postgres).
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
	// Where keeps only rows for which every rule (a DuckDB SQL boolean expression over
	// the source's own columns) is true; the others are counted as skipped, per rule.
	Where Rules `yaml:"where" json:"where,omitempty"`
}

// Rules is one or more SQL conditions; in YAML a plain string is one rule.
type Rules []string

// FieldMap says where one canonical field comes from. In YAML a plain string is
// shorthand for {column: ...}.
type FieldMap struct {
	Column  string   `yaml:"column" json:"column,omitempty"`
	Columns []string `yaml:"columns" json:"columns,omitempty"` // joined with Sep to build a key
	Sep     string   `yaml:"sep" json:"sep,omitempty"`
	Const   string   `yaml:"const" json:"const,omitempty"` // a constant value (e.g. a fixed unit)
	// Expr is a DuckDB SQL expression over the source's own columns (all VARCHAR);
	// its result, as text, is the field's raw value.
	Expr    string   `yaml:"expr" json:"expr,omitempty"`
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
	// CommendMinGrade is the worst final grade a commendation candidate may have ("" = any).
	CommendMinGrade string `yaml:"commend_min_grade" json:"commend_min_grade"`
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

// Brief configures the quarterly 情况通报 (xinfang brief). Title and DocNumber are
// patterns: {year} (2026), {q} (3), {quarter} (2026-Q3) and {quarter_zh} (2026年第三季度)
// are replaced; an empty Issuer or Title takes the report language's default.
type Brief struct {
	Issuer    string `yaml:"issuer" json:"issuer"`         // 发文机关, e.g. 省司法厅信访工作办公室
	Title     string `yaml:"title" json:"title"`           // e.g. 关于{quarter_zh}全省司法行政系统信访工作情况的通报
	DocNumber string `yaml:"doc_number" json:"doc_number"` // 发文字号, e.g. 信访通〔{year}〕{q}号; empty = none
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
	// MinInterval is the shortest allowed time between two runs of a job spec
	// (default 1m, never below 1s): a spec firing more often is a config error.
	MinInterval time.Duration `yaml:"min_interval" json:"min_interval"`
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
