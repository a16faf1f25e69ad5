package pipeline

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"time"

	"github.com/duckdb/duckdb-go/v2"

	"github.com/xinfang/xinfang/internal/config"
	"github.com/xinfang/xinfang/internal/spec"
)

// Unit levels and sectors of SPEC §2, with their Chinese aliases.
var unitLevels = map[string]string{
	"ministry": "ministry", "province": "province", "city": "city", "county": "county", "facility": "facility",
	"部": "ministry", "省": "province", "市": "city", "县": "county", "机构": "facility",
}

var unitSectors = map[string]string{
	"bureau": "bureau", "prison": "prison", "rehab": "rehab", "community_correction": "community_correction",
	"lawyer": "lawyer", "notary": "notary", "forensic": "forensic", "legal_aid": "legal_aid",
	"mediation": "mediation", "other": "other",
	"司法行政机关": "bureau", "监狱": "prison", "戒毒所": "rehab", "社区矫正": "community_correction",
	"律师": "lawyer", "公证": "notary", "司法鉴定": "forensic", "法律援助": "legal_aid", "人民调解": "mediation", "其他": "other",
}

var unitColumns = []string{"unit_id", "name", "parent_id", "level", "sector", "staff"}

type unitRow struct {
	id, name, parent, level, sector string
	staff                           int64
	hasStaff                        bool
}

// openUnitsFile opens a units file by its extension (xlsx, tsv, else CSV).
func openUnitsFile(path, encoding string) (rowReader, error) {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".xlsx", ".xlsm":
		return openXLSX(path, "", 1)
	case ".tsv", ".tab":
		return openDelimited(path, encoding, "\t", 1)
	}
	return openDelimited(path, encoding, "", 1)
}

// replaceUnits replaces the units table with the rows of a units file (CSV/TSV or
// xlsx) in one transaction. mapping renames columns (canonical -> file column).
// A row without unit_id is rejected; a bad level, sector or staff is stored blank
// with a warning; both go to the rejected table under source "units".
func (in *ingester) replaceUnits(ctx context.Context, path string, mapping map[string]string, encoding string) (int64, error) {
	started := time.Now()
	rr, err := openUnitsFile(path, encoding)
	if err != nil {
		return 0, fmt.Errorf("units file: %w", err)
	}
	defer rr.Close()
	idx := map[string]int{}
	for i, h := range rr.Header() {
		idx[cleanHeader(h)] = i
	}
	col := make([]int, len(unitColumns))
	for i, c := range unitColumns {
		name := c
		if m, ok := mapping[c]; ok && m != "" {
			name = m
		}
		j, ok := idx[name]
		if !ok {
			if c == "unit_id" || c == "name" {
				return 0, fmt.Errorf("units file %s: no %s column %q (header: %s)", path, c, name, strings.Join(rr.Header(), ", "))
			}
			j = -1
		}
		col[i] = j
	}
	cell := func(row []string, i int) string {
		if col[i] < 0 || col[i] >= len(row) {
			return ""
		}
		return strings.TrimSpace(row[col[i]])
	}
	var units []unitRow
	seen := map[string]int{}
	var issues []issue
	var read int64
	for {
		row, num, err := rr.Next()
		if err != nil {
			var re *rowError
			if errors.As(err, &re) {
				read++
				issues = append(issues, issue{row: re.row, reason: re.reason, severity: "reject"})
				continue
			}
			if errors.Is(err, io.EOF) {
				break
			}
			return 0, fmt.Errorf("units file %s: %w", path, err)
		}
		read++
		u := unitRow{id: cell(row, 0), name: cell(row, 1), parent: cell(row, 2)}
		if u.id == "" {
			issues = append(issues, issue{row: num, field: "unit_id", reason: "unit_id is missing", severity: "reject"})
			continue
		}
		warn := func(field, reason, value string) {
			issues = append(issues, issue{row: num, petitionID: "", field: field, reason: reason + " (unit " + u.id + ")", severity: "warning", value: value})
		}
		if u.name == "" {
			u.name = u.id
			warn("name", "name is missing; unit_id used", "")
		}
		if v := cell(row, 3); v != "" {
			if u.level = unitLevels[v]; u.level == "" {
				warn("level", "not a known level; stored blank", v)
			}
		}
		if v := cell(row, 4); v != "" {
			if u.sector = unitSectors[v]; u.sector == "" {
				warn("sector", "not a known sector; stored blank", v)
			}
		}
		if v := cell(row, 5); v != "" {
			if n, ok := parseInt(v); ok && n >= 0 && n < 1<<31 {
				u.staff, u.hasStaff = n, true
			} else {
				warn("staff", "not a non-negative integer; stored blank", v)
			}
		}
		if i, dup := seen[u.id]; dup {
			warn("unit_id", "duplicate unit_id; the later row wins", "")
			units[i] = u
			continue
		}
		seen[u.id] = len(units)
		units = append(units, u)
	}
	for i := range units {
		if p := units[i].parent; p != "" {
			if _, ok := seen[p]; !ok {
				issues = append(issues, issue{field: "parent_id", reason: "parent unit " + p + " is not in the units file (unit " + units[i].id + ")", severity: "warning"})
			}
		}
	}
	var batchID int64
	var rejects, warns int64
	for _, is := range issues {
		if is.severity == "reject" {
			rejects++
		} else {
			warns++
		}
	}
	err = withTx(ctx, in.db.DB, func(conn *sql.Conn) error {
		if err := conn.QueryRowContext(ctx, "SELECT nextval('batch_seq')").Scan(&batchID); err != nil {
			return err
		}
		if _, err := conn.ExecContext(ctx, "DELETE FROM units"); err != nil {
			return err
		}
		err := conn.Raw(func(dc any) error {
			a, err := duckdb.NewAppender(dc.(driver.Conn), "", "", "units")
			if err != nil {
				return err
			}
			for _, u := range units {
				var parent, level, sector, staff driver.Value
				if u.parent != "" {
					parent = u.parent
				}
				if u.level != "" {
					level = u.level
				}
				if u.sector != "" {
					sector = u.sector
				}
				if u.hasStaff {
					staff = int32(u.staff)
				}
				if err := a.AppendRow(u.id, u.name, parent, level, sector, staff); err != nil {
					a.Close()
					return err
				}
			}
			return a.Close()
		})
		if err != nil {
			return err
		}
		l := &loader{conn: conn, source: "units", file: path, batchID: batchID}
		if err := l.addIssues(issues); err != nil {
			return err
		}
		_, err = conn.ExecContext(ctx, `INSERT INTO ingest_batches (batch_id, source, file, started_at, finished_at, status,
			rows_read, inserted, rejected, warnings) VALUES (?, 'units', ?, ?, ?, 'ok', ?, ?, ?, ?)`,
			batchID, path, started, time.Now(), read, int64(len(units)), rejects, warns)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("replace units from %s: %w", path, err)
	}
	slog.Info("units replaced", "file", path, "units", len(units), "rejected", rejects, "warnings", warns)
	return int64(len(units)), nil
}

// Units derived from a source's records (units.from_source): each converter notes
// the unit_id of every stored record with its name and parent cells; the batch
// saves them to derived_units, and after the ingest the units table is rebuilt as
// the units file's rows plus the derived units it lacks (plus the root).

// unitDeriver reads a derived unit's name and parent from a raw row.
type unitDeriver struct {
	name, parent getter
	hasName      bool
	hasParent    bool
}

// seenUnit is a derived unit as first seen (lowest row number wins, so the result
// does not depend on how rows were shared among workers).
type seenUnit struct {
	name, parent string
	row          int64
}

// deriveUnits makes the mapper note units for units.from_source.
func (m *mapper) deriveUnits(fs *config.UnitsFromSource, header []string) error {
	idx := map[string]int{}
	for i, h := range header {
		if _, dup := idx[cleanHeader(h)]; !dup {
			idx[cleanHeader(h)] = i
		}
	}
	d := &unitDeriver{}
	for _, c := range []struct {
		key, col string
		g        *getter
		has      *bool
	}{{"name_column", fs.NameColumn, &d.name, &d.hasName}, {"parent_column", fs.ParentColumn, &d.parent, &d.hasParent}} {
		if c.col == "" {
			continue
		}
		i, ok := idx[strings.TrimSpace(c.col)]
		if !ok {
			return fmt.Errorf("source %s: units.from_source.%s %q is not in the header (header: %s)", m.source, c.key, c.col, strings.Join(header, ", "))
		}
		*c.g = getter{mapped: true, col: i}
		*c.has = true
	}
	if m.fields[spec.UnitID].personal {
		return fmt.Errorf("source %s: units.from_source with a personal unit_id would store raw names beside pseudonyms", m.source)
	}
	m.units = d
	return nil
}

// noteUnit records the unit of a stored row.
func (c *converter) noteUnit(row []string, rowNum int64) {
	d := c.m.units
	id := c.vals[spec.UnitID]
	if u, ok := c.units[id]; ok && u.row <= rowNum {
		return
	}
	u := seenUnit{row: rowNum}
	if d.hasName {
		u.name = strings.TrimSpace(d.name.get(row))
	}
	if d.hasParent {
		u.parent = strings.TrimSpace(d.parent.get(row))
	}
	if c.units == nil {
		c.units = map[string]seenUnit{}
	}
	c.units[id] = u
}

// mergeUnits joins the converters' derived units.
func mergeUnits(convs []*converter) map[string]seenUnit {
	var out map[string]seenUnit
	for _, c := range convs {
		for id, u := range c.units {
			if out == nil {
				out = map[string]seenUnit{}
			}
			if o, ok := out[id]; !ok || u.row < o.row {
				out[id] = u
			}
		}
	}
	return out
}

// saveDerivedUnits stores a batch's derived units (inside the batch transaction).
func (l *loader) saveDerivedUnits(ctx context.Context, units map[string]seenUnit) error {
	for id, u := range units {
		name := u.name
		if name == "" {
			name = id
		}
		if err := l.exec(ctx, `INSERT INTO derived_units (source, unit_id, name, parent_id) VALUES (?, ?, ?, ?)
			ON CONFLICT (source, unit_id) DO UPDATE SET name = excluded.name, parent_id = excluded.parent_id`,
			l.source, id, name, nullable(u.parent)); err != nil {
			return fmt.Errorf("derived units: %w", err)
		}
	}
	return nil
}

// rebuildDerivedUnits merges the derived units into the units table: the units
// file's rows (already loaded, when one is configured) win; without a file the
// table is exactly the derived units. A parent named by a record but never a unit
// itself becomes a unit (named by its id) under the root.
func (in *ingester) rebuildDerivedUnits(ctx context.Context) (int64, error) {
	fs := in.cfg.Units.FromSource
	var n int64
	err := withTx(ctx, in.db.DB, func(conn *sql.Conn) error {
		if in.cfg.Units.File == "" {
			if _, err := conn.ExecContext(ctx, "DELETE FROM units"); err != nil {
				return err
			}
		}
		root := any(nil)
		if fs.Root != nil {
			root = fs.Root.ID
			name := fs.Root.Name
			if name == "" {
				name = fs.Root.ID
			}
			if _, err := conn.ExecContext(ctx, `INSERT INTO units (unit_id, name) SELECT ?, ?
				WHERE NOT EXISTS (SELECT 1 FROM units WHERE unit_id = ?)`, fs.Root.ID, name, fs.Root.ID); err != nil {
				return err
			}
		}
		if _, err := conn.ExecContext(ctx, `INSERT INTO units (unit_id, name, parent_id)
			SELECT d.unit_id, d.name, CASE WHEN d.unit_id = CAST(? AS VARCHAR) THEN NULL ELSE coalesce(d.parent_id, CAST(? AS VARCHAR)) END
			FROM derived_units d WHERE d.source = ? AND NOT EXISTS (SELECT 1 FROM units u WHERE u.unit_id = d.unit_id)`,
			root, root, fs.Source); err != nil {
			return err
		}
		if _, err := conn.ExecContext(ctx, `INSERT INTO units (unit_id, name, parent_id)
			SELECT DISTINCT d.parent_id, d.parent_id, CAST(? AS VARCHAR) FROM derived_units d
			WHERE d.source = ? AND d.parent_id IS NOT NULL AND d.parent_id <> coalesce(CAST(? AS VARCHAR), '')
			  AND NOT EXISTS (SELECT 1 FROM units u WHERE u.unit_id = d.parent_id)`, root, fs.Source, root); err != nil {
			return err
		}
		return conn.QueryRowContext(ctx, "SELECT count(*) FROM units").Scan(&n)
	})
	if err != nil {
		return 0, fmt.Errorf("units from source %s: %w", fs.Source, err)
	}
	slog.Info("units derived from data", "source", fs.Source, "units", n)
	return n, nil
}
