package config

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/xinfang/xinfang/internal/spec"
)

// Campaign is one drive (SPEC §9), e.g. the three-month joint-reception drive 联合接访.
type Campaign struct {
	ID    string        `yaml:"id" json:"id"`
	Name  string        `yaml:"name" json:"name"`
	Start string        `yaml:"start" json:"start"` // YYYY-MM-DD, inclusive
	End   string        `yaml:"end" json:"end"`     // YYYY-MM-DD, inclusive
	Units CampaignUnits `yaml:"units" json:"units"` // unit ids (each with its descendants) or "*"
}

// CampaignUnits is a list of unit ids; in YAML the string "*" alone stands for every
// known unit (["*"] means the same).
type CampaignUnits []string

// UnmarshalYAML accepts a list of ids or a single string ("*" or one unit id).
func (u *CampaignUnits) UnmarshalYAML(unmarshal func(any) error) error {
	l, err := stringOrList(unmarshal)
	*u = l
	return err
}

// All reports whether the campaign covers every known unit ("*").
func (u CampaignUnits) All() bool {
	for _, x := range u {
		if x == "*" {
			return true
		}
	}
	return false
}

// StartDate and EndDate parse the campaign's dates (zero time when invalid; Validate
// rejects those).
func (c Campaign) StartDate() time.Time { t, _ := time.Parse("2006-01-02", c.Start); return t }

// EndDate is the campaign's last day.
func (c Campaign) EndDate() time.Time { t, _ := time.Parse("2006-01-02", c.End); return t }

// Alerts configures early warning (SPEC §10) and where alerts are delivered.
type Alerts struct {
	BaselineWeeks int         `yaml:"baseline_weeks" json:"baseline_weeks"` // complete weeks before the alert week
	MinCount      int         `yaml:"min_count" json:"min_count"`           // x must be at least this
	CollectiveMin int         `yaml:"collective_min" json:"collective_min"` // collective visits in the week for a collective alert
	Sinks         []AlertSink `yaml:"sinks" json:"sinks"`
}

// AlertSink is one delivery target: an outbox file of JSON lines or an HTTP POST of JSON.
type AlertSink struct {
	// Name identifies the sink in the delivery record (default: the kind and path or URL).
	// Renaming a sink makes every current alert due to it again.
	Name    string            `yaml:"name" json:"name,omitempty"`
	Kind    string            `yaml:"kind" json:"kind"`                 // outbox | http
	Path    string            `yaml:"path" json:"path,omitempty"`       // outbox: the JSON-lines file
	URL     string            `yaml:"url" json:"url,omitempty"`         // http: where to POST
	Timeout time.Duration     `yaml:"timeout" json:"timeout,omitempty"` // http: per request (default 10s)
	Retries int               `yaml:"retries" json:"retries,omitempty"` // http: retries after the first try (default 2)
	Backoff time.Duration     `yaml:"backoff" json:"backoff,omitempty"` // http: first wait, doubled each retry (default 1s)
	Headers map[string]string `yaml:"headers" json:"headers,omitempty"` // http: extra request headers
}

// SinkName is the sink's name in the delivery record.
func (s AlertSink) SinkName() string {
	if s.Name != "" {
		return s.Name
	}
	if s.Kind == "http" {
		return "http:" + s.URL
	}
	return s.Kind + ":" + s.Path
}

// SyntheticDriveCampaign is the campaign matching the synthetic generator's drive for data
// ending on asOf (pipeline/synthetic/drive.go, whose test checks the two agree): the three
// calendar months starting four months before asOf's month, in province P02 (浙江) and its
// descendants.
func SyntheticDriveCampaign(asOf time.Time) Campaign {
	start := time.Date(asOf.Year(), asOf.Month()-4, 1, 0, 0, 0, 0, time.UTC)
	end := start.AddDate(0, 3, -1)
	return Campaign{ID: "synthetic-drive", Name: "联合接访（合成数据）", Start: start.Format("2006-01-02"), End: end.Format("2006-01-02"),
		Units: CampaignUnits{"P02"}}
}

// EffectiveCampaigns are the campaigns the marts compute: the configured ones; or, when the
// config names none (no campaigns key) and its data is the synthetic generator's alone (every
// source synthetic, the generator's own units), the generator's drive as of AsOfDate, so
// that `xinfang run` on the defaults shows a campaign page.
func (c *Config) EffectiveCampaigns() []Campaign {
	if len(c.Campaigns) > 0 || c.campaignsGiven || len(c.Sources) == 0 || c.Units.File != "" {
		return c.Campaigns
	}
	for _, s := range c.Sources {
		if !spec.IsGenerated(s.Kind) {
			return c.Campaigns
		}
	}
	return []Campaign{SyntheticDriveCampaign(c.AsOfDate())}
}

func defaultAlerts() Alerts {
	return Alerts{BaselineWeeks: 8, MinCount: 5, CollectiveMin: 2}
}

// validateCampaigns checks campaigns and alerts. Unknown campaign units are named with
// their line when the units file can be read here (CSV/TSV/xlsx); otherwise they match
// no unit at compute time.
func (c *Config) validateCampaigns() Errors {
	var errs Errors
	add := func(e *Error) { errs = append(errs, e) }
	ids := map[string]bool{}
	var known map[string]bool
	if len(c.Campaigns) > 0 && c.Units.File != "" {
		known = c.readUnitIDs()
	}
	for i, cp := range c.Campaigns {
		k := fmt.Sprintf("campaigns[%d]", i)
		switch {
		case strings.TrimSpace(cp.ID) == "":
			add(c.errAt(k+".id", "must not be empty"))
		case ids[cp.ID]:
			add(c.errAt(k+".id", "duplicate campaign id %q", cp.ID))
		}
		ids[cp.ID] = true
		s, serr := time.Parse("2006-01-02", cp.Start)
		if serr != nil {
			add(c.errAt(k+".start", "want YYYY-MM-DD, got %q", cp.Start))
		}
		e, eerr := time.Parse("2006-01-02", cp.End)
		if eerr != nil {
			add(c.errAt(k+".end", "want YYYY-MM-DD, got %q", cp.End))
		}
		if serr == nil && eerr == nil && e.Before(s) {
			add(c.errAt(k+".end", "end %s is before start %s", cp.End, cp.Start))
		}
		if len(cp.Units) == 0 {
			add(c.errAt(k+".units", "list unit ids or \"*\" for every unit"))
		}
		for j, u := range cp.Units {
			uk := fmt.Sprintf("%s.units[%d]", k, j)
			switch {
			case strings.TrimSpace(u) == "":
				add(c.errAt(uk, "must not be empty"))
			case u == "*":
			case known != nil && !known[u]:
				add(c.errAt(uk, "unknown unit %q (not in %s)", u, c.Units.File))
			}
		}
	}
	a := c.Alerts
	if a.BaselineWeeks < 4 {
		add(c.errAt("alerts.baseline_weeks", "must be 4 or more (fewer than 4 baseline weeks never raise an alert, SPEC §10), got %d", a.BaselineWeeks))
	}
	if a.MinCount < 0 {
		add(c.errAt("alerts.min_count", "must not be negative, got %d", a.MinCount))
	}
	if a.CollectiveMin < 1 {
		add(c.errAt("alerts.collective_min", "must be 1 or more, got %d", a.CollectiveMin))
	}
	names := map[string]bool{}
	for i, s := range a.Sinks {
		k := fmt.Sprintf("alerts.sinks[%d]", i)
		switch s.Kind {
		case "outbox":
			if strings.TrimSpace(s.Path) == "" {
				add(c.errAt(k+".path", "an outbox sink needs a path (a JSON-lines file)"))
			}
		case "http":
			u, err := url.Parse(s.URL)
			if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
				add(c.errAt(k+".url", "want an http:// or https:// URL, got %q", s.URL))
			}
		default:
			add(c.errAt(k+".kind", "want outbox or http, got %q", s.Kind))
		}
		if s.Timeout < 0 || s.Backoff < 0 {
			add(c.errAt(k+".timeout", "durations must not be negative"))
		}
		if s.Retries < 0 {
			add(c.errAt(k+".retries", "must not be negative"))
		}
		if n := s.SinkName(); names[n] {
			add(c.errAt(k+".name", "duplicate sink %q (give each a distinct name)", n))
		} else {
			names[n] = true
		}
	}
	return errs
}

// readUnitIDs reads the unit_id column of the units file, or returns nil when the file
// cannot be read here (a missing file is reported by ingest, not twice).
func (c *Config) readUnitIDs() map[string]bool {
	col := "unit_id"
	if m := c.Units.Mapping["unit_id"]; m != "" {
		col = m
	}
	var rows [][]string
	switch strings.ToLower(filepath.Ext(c.Units.File)) {
	case ".xlsx", ".xlsm":
		f, err := excelize.OpenFile(c.Units.File)
		if err != nil {
			return nil
		}
		defer f.Close()
		sheets := f.GetSheetList()
		if len(sheets) == 0 {
			return nil
		}
		if rows, err = f.GetRows(sheets[0]); err != nil {
			return nil
		}
	default:
		data, err := os.ReadFile(c.Units.File)
		if err != nil {
			return nil
		}
		data = bytes.TrimPrefix(data, []byte("\ufeff"))
		enc := strings.ToLower(c.Units.Encoding)
		if enc == "gb18030" || enc == "gbk" || ((enc == "" || enc == "auto") && !utf8.Valid(data)) {
			if d, err := simplifiedchinese.GB18030.NewDecoder().Bytes(data); err == nil {
				data = d
			}
		}
		r := csv.NewReader(bytes.NewReader(data))
		r.FieldsPerRecord = -1
		r.LazyQuotes = true
		if ext := strings.ToLower(filepath.Ext(c.Units.File)); ext == ".tsv" || ext == ".tab" {
			r.Comma = '\t'
		}
		for {
			rec, err := r.Read()
			if err == io.EOF {
				break
			}
			if err != nil {
				return nil
			}
			rows = append(rows, rec)
		}
	}
	if len(rows) == 0 {
		return nil
	}
	idx := -1
	for i, h := range rows[0] {
		if strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")) == col {
			idx = i
		}
	}
	if idx < 0 {
		return nil
	}
	out := map[string]bool{}
	for _, r := range rows[1:] {
		if idx < len(r) {
			out[strings.TrimSpace(r[idx])] = true
		}
	}
	return out
}
