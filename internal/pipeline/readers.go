package pipeline

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"encoding/binary"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/transform"
)

// rowReader yields a source file's rows as text cells.
type rowReader interface {
	Header() []string
	// Next returns the next data row and its row number (1-based, the header row
	// counting as a row, as a spreadsheet shows it). A row-level problem comes back
	// as a *rowError (the reader can go on); anything else ends the file.
	Next() ([]string, int64, error)
	// Progress reports work done and total (bytes or rows; total 0 = unknown).
	Progress() (done, total int64)
	// ProgressInBytes says Progress counts bytes (a text file) rather than rows.
	ProgressInBytes() bool
	Close() error
}

// rowError is a malformed row: rejected, and reading goes on.
type rowError struct {
	row    int64
	reason string
}

func (e *rowError) Error() string { return fmt.Sprintf("row %d: %s", e.row, e.reason) }

// countingReader counts bytes read from the raw file (for progress).
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// encodingEvidence counts, over a whole file, what tells UTF-8 from GB18030: valid
// multi-byte UTF-8 characters and byte sequences that are not UTF-8.
type encodingEvidence struct {
	bom       bool
	multi     int64 // valid multi-byte UTF-8 characters
	invalid   int64 // byte sequences that are not UTF-8
	gbInvalid int64 // sequences not valid GB18030 (counted only when needed)
	started   bool
	carry     []byte
}

// add feeds the next chunk; a character cut at the chunk's end waits for the next.
func (ev *encodingEvidence) add(chunk []byte, final bool) {
	b := chunk
	if len(ev.carry) > 0 {
		b = append(ev.carry, chunk...)
		ev.carry = nil
	}
	if !ev.started && len(b) > 0 {
		ev.started = true
		if bytes.HasPrefix(b, []byte("\xEF\xBB\xBF")) {
			ev.bom = true
		}
	}
	for i := 0; i < len(b); {
		// Skip ASCII eight bytes at a time: most of a file is.
		for i+8 <= len(b) && binary.LittleEndian.Uint64(b[i:])&0x8080808080808080 == 0 {
			i += 8
		}
		if i >= len(b) {
			break
		}
		c := b[i]
		if c < utf8.RuneSelf {
			i++
			continue
		}
		if !final && !utf8.FullRune(b[i:]) {
			ev.carry = append([]byte(nil), b[i:]...)
			return
		}
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size <= 1 {
			ev.invalid++
			i++
			continue
		}
		ev.multi++
		i += size
	}
}

// decide applies the rule: UTF-8 when there is a UTF-8 BOM, no sequence that is not
// UTF-8, or at least 4 valid UTF-8 characters per bad sequence (the bad bytes then
// become field warnings); GB18030 when the file is clean GB18030 and at most as
// many valid UTF-8 characters as bad sequences turned up (GBK text forms valid
// UTF-8 only by accident, about one character in six); anything else is refused,
// because guessing wrong turns every Chinese value into mojibake without a word.
func (ev *encodingEvidence) decide(gbClean func() bool) (string, error) {
	switch {
	case ev.bom || ev.invalid == 0 || ev.multi >= 4*ev.invalid:
		return "utf-8", nil
	case ev.multi <= ev.invalid && gbClean():
		return "gb18030", nil
	}
	return "", fmt.Errorf("cannot tell the text encoding: %d valid UTF-8 characters and %d byte sequences that are not UTF-8, "+
		"and it does not read cleanly as GB18030 either (%d bad sequences); set encoding: utf-8 or encoding: gb18030 on the source "+
		"(bad bytes then become field warnings)", ev.multi, ev.invalid, ev.gbInvalid)
}

// detectEncoding picks the encoding of a whole file's bytes (see decide); a
// declared encoding wins.
func detectEncoding(declared string, data []byte) (string, error) {
	if enc, ok := declaredEncoding(declared); ok {
		return enc, nil
	}
	var ev encodingEvidence
	ev.add(data, true)
	return ev.decide(func() bool {
		ev.gbInvalid = countGB18030Invalid(bytes.NewReader(data))
		return ev.gbInvalid == 0
	})
}

func declaredEncoding(declared string) (string, bool) {
	switch strings.ToLower(declared) {
	case "utf-8", "utf8":
		return "utf-8", true
	case "gbk":
		return "gbk", true
	case "gb18030":
		return "gb18030", true
	}
	return "", false
}

// countGB18030Invalid decodes r as GB18030 and counts the replacement characters
// the decoder had to produce (-1 when r cannot be read).
func countGB18030Invalid(r io.Reader) int64 {
	tr := transform.NewReader(r, simplifiedchinese.GB18030.NewDecoder())
	br := bufio.NewReaderSize(tr, 1<<16)
	var n int64
	for {
		c, _, err := br.ReadRune()
		if err != nil {
			if !errors.Is(err, io.EOF) {
				return -1
			}
			return n
		}
		if c == utf8.RuneError {
			n++
		}
	}
}

// sniffFileEncoding reads the whole file at path for encoding evidence.
func sniffFileEncoding(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	var ev encodingEvidence
	buf := make([]byte, 1<<20)
	for {
		n, err := f.Read(buf)
		if n > 0 {
			ev.add(buf[:n], false)
		}
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return "", err
		}
	}
	ev.add(nil, true)
	return ev.decide(func() bool {
		if _, err := f.Seek(0, io.SeekStart); err != nil {
			return false
		}
		ev.gbInvalid = countGB18030Invalid(f)
		return ev.gbInvalid == 0
	})
}

// decodedReader wraps r (the file at path) so that it yields UTF-8 without a BOM.
// An undeclared encoding is decided on the whole file, read once beforehand.
func decodedReader(r io.Reader, path, declared string) (io.Reader, string, error) {
	enc, ok := declaredEncoding(declared)
	if !ok {
		var err error
		if enc, err = sniffFileEncoding(path); err != nil {
			return nil, "", err
		}
	}
	br := bufio.NewReaderSize(r, 1<<16)
	switch enc {
	case "gbk":
		return transform.NewReader(br, simplifiedchinese.GBK.NewDecoder()), enc, nil
	case "gb18030":
		return transform.NewReader(br, simplifiedchinese.GB18030.NewDecoder()), enc, nil
	}
	if b, err := br.Peek(3); err == nil && bytes.Equal(b, []byte("\xEF\xBB\xBF")) {
		_, _ = br.Discard(3)
	}
	return br, enc, nil
}

// delimReader reads CSV/TSV: quoted fields may hold delimiters and newlines.
type delimReader struct {
	f      *os.File
	cnt    *countingReader
	total  int64
	r      *csv.Reader
	header []string
	row    int64
	enc    string
}

func openDelimited(path, encoding, delimiter string, headerRow int) (*delimReader, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	cnt := &countingReader{r: f}
	dec, enc, err := decodedReader(cnt, path, encoding)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	r := csv.NewReader(dec)
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	if delimiter != "" {
		d, _ := utf8.DecodeRuneInString(delimiter)
		if delimiter == `\t` {
			d = '\t'
		}
		r.Comma = d
	}
	d := &delimReader{f: f, cnt: cnt, total: st.Size(), r: r, enc: enc}
	if headerRow < 1 {
		headerRow = 1
	}
	for d.row < int64(headerRow) {
		rec, err := r.Read()
		if err != nil {
			f.Close()
			if errors.Is(err, io.EOF) {
				return nil, fmt.Errorf("%s: no header row (file has %d rows)", path, d.row)
			}
			return nil, fmt.Errorf("%s: header: %w", path, err)
		}
		d.row++
		d.header = rec
	}
	if len(d.header) > 0 {
		d.header[0] = strings.TrimPrefix(d.header[0], "\ufeff")
	}
	return d, nil
}

func (d *delimReader) Header() []string { return d.header }

func (d *delimReader) Next() ([]string, int64, error) {
	for {
		rec, err := d.r.Read()
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				d.row++
				return nil, d.row, &rowError{row: d.row, reason: "malformed line: " + pe.Err.Error()}
			}
			return nil, 0, err
		}
		d.row++
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue // a blank line is not a record
		}
		return rec, d.row, nil
	}
}

func (*delimReader) ProgressInBytes() bool      { return true }
func (d *delimReader) Progress() (int64, int64) { return d.cnt.n, d.total }
func (d *delimReader) Close() error             { return d.f.Close() }

// xlsxReader reads one sheet. Cells come raw (RawCellValue), so a date cell is its
// Excel serial number, which date fields of xlsx sources accept.
type xlsxReader struct {
	f      *excelize.File
	rows   *excelize.Rows
	header []string
	row    int64
	total  int64
}

func openXLSX(path, sheet string, headerRow int) (*xlsxReader, error) {
	f, err := excelize.OpenFile(path)
	if err != nil {
		return nil, fmt.Errorf("open workbook %s: %w", path, err)
	}
	if sheet == "" {
		list := f.GetSheetList()
		if len(list) == 0 {
			f.Close()
			return nil, fmt.Errorf("%s: workbook has no sheets", path)
		}
		sheet = list[0]
	} else if idx, err := f.GetSheetIndex(sheet); err != nil || idx < 0 {
		f.Close()
		return nil, fmt.Errorf("%s: no sheet named %q (sheets: %s)", path, sheet, strings.Join(f.GetSheetList(), ", "))
	}
	rows, err := f.Rows(sheet)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("%s: sheet %s: %w", path, sheet, err)
	}
	x := &xlsxReader{f: f, rows: rows}
	if dim, err := f.GetSheetDimension(sheet); err == nil {
		if _, endRow, ok := dimensionRows(dim); ok {
			x.total = int64(endRow)
		}
	}
	if headerRow < 1 {
		headerRow = 1
	}
	for x.row < int64(headerRow) {
		if !rows.Next() {
			f.Close()
			return nil, fmt.Errorf("%s: sheet %s has no header row %d", path, sheet, headerRow)
		}
		x.row++
		cols, err := rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("%s: header: %w", path, err)
		}
		x.header = cols
	}
	return x, nil
}

// dimensionRows reads the last row number from a sheet dimension like "A1:G2817".
func dimensionRows(dim string) (int, int, bool) {
	_, end, ok := strings.Cut(dim, ":")
	if !ok {
		return 0, 0, false
	}
	_, row, err := excelize.CellNameToCoordinates(end)
	if err != nil {
		return 0, 0, false
	}
	return 0, row, true
}

func (x *xlsxReader) Header() []string { return x.header }

func (x *xlsxReader) Next() ([]string, int64, error) {
	for x.rows.Next() {
		x.row++
		cols, err := x.rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return nil, x.row, &rowError{row: x.row, reason: "unreadable row: " + err.Error()}
		}
		blank := true
		for _, c := range cols {
			if strings.TrimSpace(c) != "" {
				blank = false
				break
			}
		}
		if blank {
			continue
		}
		return cols, x.row, nil
	}
	if err := x.rows.Error(); err != nil {
		return nil, 0, err
	}
	return nil, 0, io.EOF
}

func (*xlsxReader) ProgressInBytes() bool      { return false }
func (x *xlsxReader) Progress() (int64, int64) { return x.row, x.total }
func (x *xlsxReader) Close() error {
	x.rows.Close()
	return x.f.Close()
}

// jsonlReader reads one JSON object per line. Its "header" is the keys of the first
// object plus the columns the mapping names (a key absent from a line is blank).
type jsonlReader struct {
	f      *os.File
	cnt    *countingReader
	total  int64
	sc     *bufio.Scanner
	header []string
	index  map[string]int
	row    int64
	first  []byte
}

func openJSONL(path string, mapped []string) (*jsonlReader, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	st, _ := f.Stat()
	cnt := &countingReader{r: f}
	sc := bufio.NewScanner(cnt)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	j := &jsonlReader{f: f, cnt: cnt, sc: sc, index: map[string]int{}}
	if st != nil {
		j.total = st.Size()
	}
	add := func(k string) {
		if _, ok := j.index[k]; !ok {
			j.index[k] = len(j.header)
			j.header = append(j.header, k)
		}
	}
	// Peek at the first non-blank line for its keys (canonical files map by name).
	for sc.Scan() {
		j.row++
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		j.first = append([]byte(nil), line...)
		var obj map[string]json.RawMessage
		if json.Unmarshal(line, &obj) == nil {
			keys := make([]string, 0, len(obj))
			for k := range obj {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				add(k)
			}
		}
		break
	}
	for _, k := range mapped {
		add(k)
	}
	return j, nil
}

func (j *jsonlReader) Header() []string { return j.header }

func (j *jsonlReader) Next() ([]string, int64, error) {
	for {
		var line []byte
		var row int64
		if j.first != nil {
			line, row, j.first = j.first, j.row, nil
		} else {
			if !j.sc.Scan() {
				if err := j.sc.Err(); err != nil {
					return nil, 0, err
				}
				return nil, 0, io.EOF
			}
			j.row++
			row = j.row
			line = bytes.TrimSpace(j.sc.Bytes())
			if len(line) == 0 {
				continue
			}
		}
		dec := json.NewDecoder(bytes.NewReader(line))
		dec.UseNumber()
		var obj map[string]any
		if err := dec.Decode(&obj); err != nil {
			return nil, row, &rowError{row: row, reason: "malformed JSON line: " + err.Error()}
		}
		out := make([]string, len(j.header))
		for k, v := range obj {
			i, ok := j.index[k]
			if !ok {
				continue // unmapped keys are never loaded
			}
			out[i] = jsonText(v)
		}
		return out, row, nil
	}
}

func jsonText(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return v
	case json.Number:
		return v.String()
	case bool:
		return strconv.FormatBool(v)
	default:
		b, _ := json.Marshal(v)
		return string(b)
	}
}

func (*jsonlReader) ProgressInBytes() bool      { return true }
func (j *jsonlReader) Progress() (int64, int64) { return j.cnt.n, j.total }
func (j *jsonlReader) Close() error             { return j.f.Close() }

// parquetReader reads a Parquet file through DuckDB's own reader, every value
// cast to text (timestamps with time zone keep their offset).
type parquetReader struct {
	rows   *sql.Rows
	header []string
	row    int64
	total  int64
	vals   []sql.NullString
	ptrs   []any
}

func openParquet(ctx context.Context, db *sql.DB, path string) (*parquetReader, error) {
	lit := "'" + strings.ReplaceAll(path, "'", "''") + "'"
	var total int64
	if err := db.QueryRowContext(ctx, "SELECT count(*) FROM read_parquet("+lit+")").Scan(&total); err != nil {
		return nil, fmt.Errorf("read parquet %s: %w", path, err)
	}
	rows, err := db.QueryContext(ctx, "SELECT CAST(COLUMNS(*) AS VARCHAR) FROM read_parquet("+lit+")")
	if err != nil {
		return nil, fmt.Errorf("read parquet %s: %w", path, err)
	}
	cols, err := rows.Columns()
	if err != nil {
		rows.Close()
		return nil, fmt.Errorf("read parquet %s: %w", path, err)
	}
	p := &parquetReader{rows: rows, header: cols, total: total, vals: make([]sql.NullString, len(cols)), ptrs: make([]any, len(cols))}
	for i := range p.vals {
		p.ptrs[i] = &p.vals[i]
	}
	return p, nil
}

func (p *parquetReader) Header() []string { return p.header }

func (p *parquetReader) Next() ([]string, int64, error) {
	if !p.rows.Next() {
		if err := p.rows.Err(); err != nil {
			return nil, 0, err
		}
		return nil, 0, io.EOF
	}
	if err := p.rows.Scan(p.ptrs...); err != nil {
		return nil, 0, err
	}
	p.row++
	out := make([]string, len(p.vals))
	for i, v := range p.vals {
		out[i] = v.String
	}
	return out, p.row, nil
}

func (*parquetReader) ProgressInBytes() bool      { return false }
func (p *parquetReader) Progress() (int64, int64) { return p.row, p.total }
func (p *parquetReader) Close() error             { return p.rows.Close() }
