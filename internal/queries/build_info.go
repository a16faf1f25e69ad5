package queries

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/xinfang/xinfang/internal/config"
	"github.com/xinfang/xinfang/internal/version"
)

// BuildInfo is what mart.build_info records about the build that made the marts:
// readers (export, report) check it instead of guessing the as-of from a mart.
type BuildInfo struct {
	AsOf              time.Time
	BuiltAt           time.Time
	ConfigFingerprint string // sha256 of the effective config (as_of left out)
	Version           string
	RowCounts         map[string]int64 // rows per mart table (config tables left out)
}

// ErrNoBuildInfo means the marts were never built (or by a version before build_info).
var ErrNoBuildInfo = errors.New("the marts carry no build record (mart.build_info)")

// ConfigFingerprint is cfg.Fingerprint(): the effective config hashed, as-of date left
// out, as recorded in mart.build_info.
func ConfigFingerprint(cfg *config.Config) (string, error) { return cfg.Fingerprint() }

// writeBuildInfo writes build_info into the build's staging schema, so the record is
// swapped in (or not) with the marts it describes. Row counts are taken there too, and
// returned (build_info's own row included): counting the views (records, the dense
// breakdowns) costs a scan, so the build counts once.
func writeBuildInfo(ctx context.Context, conn *sql.Conn, cfg *config.Config, asOf time.Time, schema string) ([]TableCount, error) {
	tx := schemaExecer{conn, schema}
	fp, err := ConfigFingerprint(cfg)
	if err != nil {
		return nil, err
	}
	rows, err := conn.QueryContext(ctx, `SELECT table_name FROM information_schema.tables
		WHERE table_catalog = current_database() AND table_schema = ? AND table_name NOT LIKE 'cfg\_%' ESCAPE '\' AND table_name <> 'build_info' ORDER BY table_name`, schema)
	if err != nil {
		return nil, fmt.Errorf("compute: build info: list marts: %w", err)
	}
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			rows.Close()
			return nil, fmt.Errorf("compute: build info: %w", err)
		}
		names = append(names, n)
	}
	rows.Close()
	keys, counts := make([]string, len(names)), make([]int64, len(names))
	for i, n := range names {
		keys[i] = n
		if err := conn.QueryRowContext(ctx, `SELECT count(*) FROM `+schema+`."`+n+`"`).Scan(&counts[i]); err != nil {
			return nil, fmt.Errorf("compute: build info: count mart.%s: %w", n, err)
		}
	}
	kj, _ := json.Marshal(keys)
	cj, _ := json.Marshal(counts)
	stmts := []struct {
		q    string
		args []any
	}{
		{`CREATE OR REPLACE TABLE mart.build_info (as_of DATE NOT NULL, built_at TIMESTAMPTZ NOT NULL,
			config_fingerprint VARCHAR NOT NULL, version VARCHAR NOT NULL, row_counts MAP(VARCHAR, BIGINT) NOT NULL)`, nil},
		{`INSERT INTO mart.build_info SELECT ?::DATE, ?::TIMESTAMPTZ, ?, ?,
			map(from_json(?::JSON, '["VARCHAR"]'), from_json(?::JSON, '["BIGINT"]'))`,
			[]any{asOf.Format("2006-01-02"), time.Now().UTC().Format(time.RFC3339Nano), fp, version.Version, string(kj), string(cj)}},
	}
	for _, s := range stmts {
		if _, err := tx.ExecContext(ctx, s.q, s.args...); err != nil {
			return nil, fmt.Errorf("compute: build info: %w", err)
		}
	}
	out := []TableCount{{Name: "build_info", Rows: 1}}
	for i, n := range names {
		out = append(out, TableCount{Name: n, Rows: counts[i]})
	}
	slices.SortFunc(out, func(a, b TableCount) int { return strings.Compare(a.Name, b.Name) })
	return out, nil
}

// ReadBuildInfo reads mart.build_info; ErrNoBuildInfo when the marts have none.
func ReadBuildInfo(ctx context.Context, db *sql.DB) (*BuildInfo, error) {
	var n int
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM information_schema.tables WHERE table_catalog = current_database() AND table_schema = 'mart' AND table_name = 'build_info'`).Scan(&n); err != nil {
		return nil, fmt.Errorf("read build info: %w", err)
	}
	if n == 0 {
		return nil, ErrNoBuildInfo
	}
	bi := &BuildInfo{RowCounts: map[string]int64{}}
	var keys, counts string
	err := db.QueryRowContext(ctx, `SELECT as_of, built_at, config_fingerprint, version,
		to_json(map_keys(row_counts))::VARCHAR, to_json(map_values(row_counts))::VARCHAR FROM mart.build_info`).
		Scan(&bi.AsOf, &bi.BuiltAt, &bi.ConfigFingerprint, &bi.Version, &keys, &counts)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNoBuildInfo
	}
	if err != nil {
		return nil, fmt.Errorf("read build info: %w", err)
	}
	var ks []string
	var cs []int64
	if err := json.Unmarshal([]byte(keys), &ks); err != nil {
		return nil, fmt.Errorf("read build info: row counts: %w", err)
	}
	if err := json.Unmarshal([]byte(counts), &cs); err != nil || len(cs) != len(ks) {
		return nil, fmt.Errorf("read build info: row counts: %v", err)
	}
	for i, k := range ks {
		bi.RowCounts[k] = cs[i]
	}
	return bi, nil
}
