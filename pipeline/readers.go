package pipeline

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
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

// detectEncoding picks the text encoding of a delimited file: a declared one wins;
// "auto" (or empty) means UTF-8 when the sample is valid UTF-8 (or has a UTF-8
// BOM), else GB18030 (a superset of GBK and GB2312).
func detectEncoding(declared string, sample []byte) string {
	switch strings.ToLower(declared) {
	case "utf-8", "utf8":
		return "utf-8"
	case "gbk":
		return "gbk"
	case "gb18030":
		return "gb18030"
	}
	if bytes.HasPrefix(sample, []byte("\xEF\xBB\xBF")) {
		return "utf-8"
	}
	// Allow a rune cut off at the end of the sample.
	s := sample
	for i := 0; i < utf8.UTFMax && len(s) > 0 && !utf8.Valid(s); i++ {
		s = s[:len(s)-1]
	}
	if utf8.Valid(s) {
		return "utf-8"
	}
	return "gb18030"
}

// decodedReader wraps r so that it yields UTF-8 without a BOM.
func decodedReader(r io.Reader, declared string) (io.Reader, string, error) {
	br := bufio.NewReaderSize(r, 1<<20)
	sample, err := br.Peek(1 << 20)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		return nil, "", err
	}
	enc := detectEncoding(declared, sample)
	switch enc {
	case "gbk":
		return transform.NewReader(br, simplifiedchinese.GBK.NewDecoder()), enc, nil
	case "gb18030":
		return transform.NewReader(br, simplifiedchinese.GB18030.NewDecoder()), enc, nil
	}
	if bytes.HasPrefix(sample, []byte("\xEF\xBB\xBF")) {
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
	dec, enc, err := decodedReader(cnt, encoding)
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

func (p *parquetReader) Progress() (int64, int64) { return p.row, p.total }
func (p *parquetReader) Close() error             { return p.rows.Close() }
