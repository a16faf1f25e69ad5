package pipeline

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/zeebo/xxh3"

	"github.com/xinfang/xinfang/internal/spec"
)

// stageSchema is the Arrow schema of canonical records on their way into DuckDB:
// the petitions columns (without source and batch_id, added in SQL) plus the source
// row number, used to let the later of two duplicates win.
var stageSchema = func() *arrow.Schema {
	ts := &arrow.TimestampType{Unit: arrow.Microsecond}
	var fs []arrow.Field
	add := func(name string, t arrow.DataType) { fs = append(fs, arrow.Field{Name: name, Type: t, Nullable: true}) }
	for i := 0; i < spec.NumFields; i++ {
		switch spec.Fields[i].Kind {
		case spec.String, spec.Enum:
			add(spec.Fields[i].Name, arrow.BinaryTypes.String)
		case spec.DateTime:
			add(spec.Fields[i].Name, ts)
			switch i {
			case spec.ReceivedAt:
				add("received_date", arrow.FixedWidthTypes.Date32)
			case spec.ClosedAt:
				add("closed_date", arrow.FixedWidthTypes.Date32)
			}
		case spec.Date:
			add(spec.Fields[i].Name, arrow.FixedWidthTypes.Date32)
		case spec.Int:
			add(spec.Fields[i].Name, arrow.PrimitiveTypes.Int32)
		case spec.Bool:
			add(spec.Fields[i].Name, arrow.FixedWidthTypes.Boolean)
		}
	}
	add("row_num", arrow.PrimitiveTypes.Int64)
	add("row_hash", arrow.PrimitiveTypes.Uint64)
	return arrow.NewSchema(fs, nil)
}()

// stageColumns lists stageSchema's column names in order.
func stageColumns() []string {
	out := make([]string, len(stageSchema.Fields()))
	for i, f := range stageSchema.Fields() {
		out[i] = f.Name
	}
	return out
}

// issue is a rejected record or a field warning, ready for the rejected table.
type issue struct {
	row        int64
	petitionID string
	field      string
	reason     string
	severity   string // reject | warning
	value      string // redacted for personal fields
}

const redacted = "[redacted]"

// converter turns raw rows into canonical Arrow records. One per worker goroutine.
type converter struct {
	m       *mapper
	ps      *pseudonymizer
	rb      *array.RecordBuilder
	builder [spec.NumFields]array.Builder
	recvDay *array.Date32Builder
	closDay *array.Date32Builder
	rowNum  *array.Int64Builder
	rowHash *array.Uint64Builder
	n       int
	hashBuf []byte
	issues  []issue
	read    int64
	rejects int64
	warns   int64
	// skippedBy counts rows filtered out, per where rule (nil without rules).
	skippedBy []int64
	// units are the derived units seen (units.from_source only).
	units map[string]seenUnit
	// dataLen is each string column's data bytes per full record, as last seen.
	dataLen [spec.NumFields]int

	// per-row scratch
	vals    [spec.NumFields]string
	times   [spec.NumFields]time.Time
	nums    [spec.NumFields]int64
	bools   [spec.NumFields]bool
	present [spec.NumFields]bool
}

func newConverter(m *mapper, key []byte) *converter {
	c := &converter{m: m, ps: newPseudonymizer(key), rb: array.NewRecordBuilder(memory.DefaultAllocator, stageSchema)}
	col := 0
	for i := 0; i < spec.NumFields; i++ {
		c.builder[i] = c.rb.Field(col)
		col++
		if i == spec.ReceivedAt {
			c.recvDay = c.rb.Field(col).(*array.Date32Builder)
			col++
		}
		if i == spec.ClosedAt {
			c.closDay = c.rb.Field(col).(*array.Date32Builder)
			col++
		}
	}
	c.rowNum = c.rb.Field(col).(*array.Int64Builder)
	c.rowHash = c.rb.Field(col + 1).(*array.Uint64Builder)
	c.reserve()
	return c
}

// reserve sizes the builders for a whole record up front: growing them a row at a
// time (reallocate, copy, zero) cost more than the conversion itself. String data
// is sized from the previous record's actual bytes (a modest guess at first).
func (c *converter) reserve() {
	c.rb.Reserve(recordRows)
	for i := 0; i < spec.NumFields; i++ {
		if sb, ok := c.builder[i].(*array.StringBuilder); ok && c.m.fields[i].mapped {
			n := c.dataLen[i] + c.dataLen[i]/8
			if n == 0 {
				n = recordRows * 8
			}
			sb.ReserveData(n)
		}
	}
}

// noteDataLen records each string column's data size before the builders reset.
func (c *converter) noteDataLen() {
	for i := 0; i < spec.NumFields; i++ {
		if sb, ok := c.builder[i].(*array.StringBuilder); ok {
			c.dataLen[i] = sb.DataLen() * recordRows / max(c.n, 1)
		}
	}
}

func (c *converter) release() { c.rb.Release() }

// flush returns the records built so far (nil when none) and starts afresh.
func (c *converter) flush() arrow.RecordBatch {
	if c.n == 0 {
		return nil
	}
	c.noteDataLen()
	c.n = 0
	rec := c.rb.NewRecordBatch()
	c.reserve()
	return rec
}

// MaxValueLen is the most characters a text value (category, matter_id,
// leader_owner, handler_id, …) is stored with: longer display values are truncated
// with a field warning, an over-long petition_id or unit_id rejects the record.
// Marts repeat display values across their unit × period grid, so one huge value
// would otherwise multiply into gigabytes.
const MaxValueLen = 200

// clip shortens a value quoted in the rejected table (the value is evidence, not data).
func clip(v string) string {
	if utf8.RuneCountInString(v) <= MaxValueLen {
		return v
	}
	return truncateRunes(v, MaxValueLen) + "…"
}

func truncateRunes(v string, n int) string {
	i := 0
	for pos := range v {
		if i == n {
			return v[:pos]
		}
		i++
	}
	return v
}

// cleanText makes a raw value valid text: NUL bytes are removed and undecodable
// bytes become U+FFFD, each with a field warning, so a damaged file is visible in
// the batch's warnings instead of silently altered.
func (c *converter) cleanText(row int64, f int, raw string) string {
	// Most values are plain ASCII without NUL: nothing to clean (raw is trimmed).
	i := 0
	for i < len(raw) && raw[i] < utf8.RuneSelf && raw[i] != 0 {
		i++
	}
	if i == len(raw) {
		return raw
	}
	if strings.IndexByte(raw, 0) >= 0 {
		raw = strings.ReplaceAll(raw, "\x00", "")
		c.warn(row, f, "NUL bytes removed", raw)
	}
	if !utf8.ValidString(raw) {
		raw = strings.ToValidUTF8(raw, "\uFFFD")
		c.warn(row, f, "undecodable bytes (not valid in the file's encoding) replaced with U+FFFD", raw)
	} else if strings.ContainsRune(raw, utf8.RuneError) {
		c.warn(row, f, "holds undecodable bytes (U+FFFD, not valid in the file's encoding)", raw)
	}
	return strings.TrimSpace(raw)
}

func (c *converter) warn(row int64, f int, reason, value string) {
	if c.m.fields[f].personal {
		value = redacted
	}
	value = clip(value)
	c.issues = append(c.issues, issue{row: row, petitionID: c.vals[spec.PetitionID], field: spec.Fields[f].Name, reason: reason, severity: "warning", value: value})
	c.warns++
}

// add converts one source row. Rejected rows and field warnings go to c.issues.
func (c *converter) add(row []string, rowNum int64) {
	c.read++
	m := c.m
	var rejectFields []string
	var rejectReasons []string
	var rejectValue string
	for f := 0; f < spec.NumFields; f++ {
		fs := &m.fields[f]
		c.present[f] = false
		c.vals[f] = ""
		if !fs.mapped {
			continue
		}
		raw := strings.TrimSpace(fs.get(row))
		if fs.aliases != nil {
			raw = fs.alias(raw)
		}
		required := f == spec.PetitionID || f == spec.ReceivedAt || f == spec.UnitID
		if raw != "" {
			raw = c.cleanText(rowNum, f, raw)
		}
		if fs.kind == spec.String && !fs.personal && utf8.RuneCountInString(raw) > MaxValueLen {
			if required {
				rejectFields = append(rejectFields, spec.Fields[f].Name)
				rejectReasons = append(rejectReasons, fmt.Sprintf("%s is longer than %d characters", spec.Fields[f].Name, MaxValueLen))
				rejectValue = clip(raw)
				continue
			}
			c.warn(rowNum, f, fmt.Sprintf("longer than %d characters; stored truncated", MaxValueLen), raw)
			raw = truncateRunes(raw, MaxValueLen)
		}
		if raw == "" {
			if required {
				rejectFields = append(rejectFields, spec.Fields[f].Name)
				rejectReasons = append(rejectReasons, spec.Fields[f].Name+" is missing")
			}
			continue
		}
		switch fs.kind {
		case spec.String:
			if fs.personal {
				raw = c.ps.pseudonym(raw)
			}
			c.vals[f] = raw
			c.present[f] = true
		case spec.Enum:
			v, ok := fs.aliases[raw]
			if !ok {
				c.warn(rowNum, f, "not a known "+spec.Fields[f].Name+" value; stored blank", raw)
				continue
			}
			c.vals[f] = v
			c.present[f] = true
		case spec.Bool:
			b, ok := parseBool(raw, fs.aliases)
			if !ok {
				c.warn(rowNum, f, "not a boolean; stored blank", raw)
				continue
			}
			c.bools[f] = b
			c.present[f] = true
		case spec.Int:
			n, ok := parseInt(raw)
			switch {
			case !ok:
				c.warn(rowNum, f, "not an integer; stored blank", raw)
				continue
			case f == spec.Headcount && n < 1:
				c.warn(rowNum, f, "headcount below 1; stored blank", raw)
				continue
			case f == spec.ExtensionDays && n < 0:
				c.warn(rowNum, f, "negative extension_days; stored blank", raw)
				continue
			case f == spec.ExtensionDays && n > 30:
				c.warn(rowNum, f, "extension_days above 30; capped at 30", raw)
				n = 30
			case n > 1<<31-1:
				c.warn(rowNum, f, "integer out of range; stored blank", raw)
				continue
			}
			c.nums[f] = n
			c.present[f] = true
		case spec.DateTime, spec.Date:
			tv, ok := parseTime(raw, fs.layouts, m.excelSerial)
			if !ok {
				if required {
					rejectFields = append(rejectFields, spec.Fields[f].Name)
					rejectReasons = append(rejectReasons, spec.Fields[f].Name+" is not a date or datetime")
					rejectValue = raw
				} else {
					c.warn(rowNum, f, "not a date or datetime; stored blank", raw)
				}
				continue
			}
			var t time.Time
			if fs.kind == spec.Date {
				t = m.zones.date(tv)
			} else {
				t = m.zones.wall(tv)
			}
			if !inRange(t) {
				if required {
					rejectFields = append(rejectFields, spec.Fields[f].Name)
					rejectReasons = append(rejectReasons, spec.Fields[f].Name+" is out of range (years 1900-2199)")
					rejectValue = raw
				} else {
					c.warn(rowNum, f, "date out of range (years 1900-2199); stored blank", raw)
				}
				continue
			}
			c.times[f] = t
			c.present[f] = true
		}
	}
	if len(rejectFields) > 0 {
		// Warnings already logged for this row describe a record that is not stored:
		// drop them, the reject says why the record is missing.
		for len(c.issues) > 0 && c.issues[len(c.issues)-1].row == rowNum && c.issues[len(c.issues)-1].severity == "warning" {
			c.issues = c.issues[:len(c.issues)-1]
			c.warns--
		}
		if m.fields[spec.ReceivedAt].personal {
			rejectValue = redacted
		}
		rejectValue = clip(rejectValue)
		c.issues = append(c.issues, issue{row: rowNum, petitionID: c.vals[spec.PetitionID], field: strings.Join(rejectFields, ","),
			reason: strings.Join(rejectReasons, "; "), severity: "reject", value: rejectValue})
		c.rejects++
		return
	}
	if m.units != nil {
		c.noteUnit(row, rowNum)
	}
	c.append(rowNum)
}

// dayNum is the day number (days since 1970-01-01) of a naive date, floored so
// that dates before 1970 come out right too.
func dayNum(t time.Time) arrow.Date32 {
	s := t.Unix()
	if s < 0 {
		s -= 86399
	}
	return arrow.Date32(s / 86400)
}

// append writes the parsed row into the builders and the row hash.
func (c *converter) append(rowNum int64) {
	h := c.hashBuf[:0]
	for f := 0; f < spec.NumFields; f++ {
		b := c.builder[f]
		if !c.present[f] {
			b.AppendNull()
			switch f {
			case spec.ReceivedAt:
				c.recvDay.AppendNull()
			case spec.ClosedAt:
				c.closDay.AppendNull()
			}
			h = append(h, 0x1e)
			continue
		}
		switch spec.Fields[f].Kind {
		case spec.String, spec.Enum:
			b.(*array.StringBuilder).Append(c.vals[f])
			h = append(h, c.vals[f]...)
		case spec.Bool:
			b.(*array.BooleanBuilder).Append(c.bools[f])
			if c.bools[f] {
				h = append(h, 't')
			} else {
				h = append(h, 'f')
			}
		case spec.Int:
			b.(*array.Int32Builder).Append(int32(c.nums[f]))
			h = strconv.AppendInt(h, c.nums[f], 10)
		case spec.Date:
			d := dayNum(c.times[f])
			b.(*array.Date32Builder).Append(d)
			h = strconv.AppendInt(h, int64(d), 10)
		case spec.DateTime:
			us := c.times[f].UnixMicro()
			b.(*array.TimestampBuilder).Append(arrow.Timestamp(us))
			h = strconv.AppendInt(h, us, 10)
			switch f {
			case spec.ReceivedAt:
				c.recvDay.Append(dayNum(c.times[f]))
			case spec.ClosedAt:
				c.closDay.Append(dayNum(c.times[f]))
			}
		}
		h = append(h, 0x1f)
	}
	// The first half of xxh3-128: what migration 0004 kept of the stored hex hashes.
	c.rowNum.Append(rowNum)
	c.rowHash.Append(xxh3.Hash128(h).Hi)
	c.hashBuf = h
	c.n++
}
