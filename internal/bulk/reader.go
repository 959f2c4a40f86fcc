package bulk

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Format is a bulk file format.
type Format string

// The formats import reads and export writes.
const (
	CSV   Format = "csv"   // RFC 4180 with a header line of field names (https://www.rfc-editor.org/rfc/rfc4180)
	JSONL Format = "jsonl" // one JSON object per line (https://jsonlines.org/)
)

// ParseFormat reads a --format value.
func ParseFormat(s string) (Format, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "csv":
		return CSV, nil
	case "jsonl", "ndjson", "json":
		return JSONL, nil
	}
	return "", fmt.Errorf("format %q: want csv or jsonl (格式应为 csv 或 jsonl)", s)
}

// DetectFormat picks the format from the file name's extension, else from
// the first bytes: a JSON Lines file starts with '{' (after a byte order mark
// or blank space), anything else is read as CSV.
func DetectFormat(name string, head []byte) Format {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".csv":
		return CSV
	case ".jsonl", ".ndjson", ".json":
		return JSONL
	}
	head = bytes.TrimLeft(bytes.TrimPrefix(head, bom), " \t\r\n")
	if len(head) > 0 && head[0] == '{' {
		return JSONL
	}
	return CSV
}

var bom = []byte("\xef\xbb\xbf")

// MaxRecordBytes caps one record (a line, or the lines of a CSV record with
// quoted line breaks). A real record is a few hundred bytes; the cap keeps
// a file with a 10 MB line from taking memory, and the line is reported.
const MaxRecordBytes = 64 << 10

// source reads records of either format. next returns the record's fields
// in Fields order and its first line number; a *RowError for a record that
// cannot be read (the reader stays in step and the next call goes on), and
// io.EOF at the end. A structural problem of the file (a CSV header without
// the required columns) is any other error.
type source interface {
	next(f *[nFields]string) (int64, error)
}

// lines reads physical lines with the record cap.
type lines struct {
	r    *bufio.Reader
	line int64 // number of the last line read
	buf  []byte
}

func newLines(r io.Reader) *lines { return &lines{r: bufio.NewReaderSize(r, 256<<10)} }

// read appends the next line (without its line ending) to l.buf, and
// reports whether it was cut at MaxRecordBytes (the rest of the line is
// consumed and dropped). It returns io.EOF only when nothing was read.
func (l *lines) read() (tooLong bool, err error) {
	start := len(l.buf)
	for {
		chunk, err := l.r.ReadSlice('\n')
		if tooLong || len(l.buf)-start+len(chunk) > MaxRecordBytes {
			tooLong = true
		} else {
			l.buf = append(l.buf, chunk...)
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		if err == io.EOF && len(chunk) == 0 && len(l.buf) == start && !tooLong {
			return false, io.EOF
		}
		if err != nil && err != io.EOF {
			return tooLong, fmt.Errorf("read line %d: %w", l.line+1, err)
		}
		l.line++
		l.buf = bytes.TrimRight(l.buf, "\r\n")
		if l.line == 1 {
			l.buf = bytes.TrimPrefix(l.buf, bom)
		}
		return tooLong, nil
	}
}

func tooLongErr(line int64) *RowError {
	return rowErr(line, "", "bulk.line_too_long", fmt.Sprintf("record longer than %d bytes, skipped", MaxRecordBytes), "该行过长，已跳过")
}

func badUTF8(line int64) *RowError {
	return rowErr(line, "", "bulk.bad_utf8", "not valid UTF-8 (save the file as UTF-8)", "编码错误，文件须为 UTF-8")
}

// csvSource reads CSV with a header naming the fields (any order; unknown
// columns are ignored).
type csvSource struct {
	l      *lines
	cols   []int // position in Fields of each column, -1 to ignore
	fields [][]byte
}

func newCSV(r io.Reader) (*csvSource, error) {
	s := &csvSource{l: newLines(r)}
	var f [nFields]string
	line, err := s.record(&f, true)
	if errors.Is(err, io.EOF) {
		return nil, errors.New("empty file: the first line must name the fields (文件为空)")
	}
	var re *RowError
	if errors.As(err, &re) {
		return nil, fmt.Errorf("header (表头): %w", err)
	}
	if err != nil {
		return nil, err
	}
	seen := map[int]bool{}
	for _, b := range s.fields {
		name := strings.TrimSpace(string(b))
		i := fieldIndex(name)
		if i >= 0 && seen[i] {
			return nil, fmt.Errorf("line %d: column %q appears twice (表头字段重复)", line, name)
		}
		seen[i] = true
		s.cols = append(s.cols, i)
	}
	for _, name := range required() {
		if !seen[fieldIndex(name)] {
			return nil, fmt.Errorf("line %d: the header has no %q column; it needs %s (表头缺少必需字段)", line, name, strings.Join(required(), ", "))
		}
	}
	return s, nil
}

func (s *csvSource) next(f *[nFields]string) (int64, error) {
	return s.record(f, false)
}

// record reads one CSV record. A quoted field may hold line breaks, so the
// record goes on over lines while a quote is open.
func (s *csvSource) record(f *[nFields]string, header bool) (int64, error) {
	l := s.l
	for {
		l.buf = l.buf[:0]
		tooLong, err := l.read()
		if err != nil {
			return l.line, err
		}
		first := l.line
		for !tooLong && bytes.Count(l.buf, []byte{'"'})%2 == 1 {
			l.buf = append(l.buf, '\n')
			var more bool
			more, err = l.read()
			if errors.Is(err, io.EOF) {
				return first, rowErr(first, "", "bulk.csv_open_quote", "a quoted field is never closed", "引号未闭合")
			}
			if err != nil {
				return first, err
			}
			tooLong = more || len(l.buf) > MaxRecordBytes
		}
		if tooLong {
			return first, tooLongErr(first)
		}
		if len(bytes.TrimSpace(l.buf)) == 0 {
			continue // blank lines carry nothing
		}
		if !utf8.Valid(l.buf) {
			return first, badUTF8(first)
		}
		if err := s.split(first); err != nil {
			return first, err
		}
		if header {
			return first, nil
		}
		if len(s.fields) != len(s.cols) {
			return first, rowErr(first, "", "bulk.field_count",
				fmt.Sprintf("%d fields, the header has %d", len(s.fields), len(s.cols)), "字段数与表头不符")
		}
		*f = [nFields]string{}
		for i, b := range s.fields {
			if c := s.cols[i]; c >= 0 {
				f[c] = string(b)
			}
		}
		return first, nil
	}
}

// split cuts l.buf into fields (RFC 4180: a field is bare, or quoted with
// "" for a quote inside). Quoted fields are unescaped in place.
func (s *csvSource) split(line int64) error {
	b := s.l.buf
	s.fields = s.fields[:0]
	for {
		if len(b) > 0 && b[0] == '"' {
			out := b[:0]
			i := 1
			for {
				if i >= len(b) {
					return rowErr(line, "", "bulk.csv_open_quote", "a quoted field is never closed", "引号未闭合")
				}
				if b[i] == '"' {
					if i+1 < len(b) && b[i+1] == '"' {
						out = append(out, '"')
						i += 2
						continue
					}
					i++
					break
				}
				out = append(out, b[i])
				i++
			}
			s.fields = append(s.fields, out)
			if i == len(b) {
				return nil
			}
			if b[i] != ',' {
				return rowErr(line, "", "bulk.csv_bad_quote", "text after a closing quote", "引号后有多余字符")
			}
			b = b[i+1:]
			continue
		}
		i := bytes.IndexByte(b, ',')
		if i < 0 {
			s.fields = append(s.fields, b)
			return nil
		}
		s.fields = append(s.fields, b[:i])
		b = b[i+1:]
	}
}

// jsonlSource reads one JSON object per line.
type jsonlSource struct {
	l *lines
}

// jsonRecord is a record as JSON; limitAccess may also be a JSON boolean.
type jsonRecord struct {
	Record
	LimitAccess flexString `json:"limitAccess"`
}

// flexString accepts a JSON string, boolean or number.
type flexString string

func (s *flexString) UnmarshalJSON(b []byte) error {
	switch string(b) {
	case "true":
		*s = "是"
		return nil
	case "false":
		*s = "否"
		return nil
	case "null":
		*s = ""
		return nil
	}
	if len(b) > 0 && b[0] == '"' {
		var v string
		if err := json.Unmarshal(b, &v); err != nil {
			return err
		}
		*s = flexString(v)
		return nil
	}
	if _, err := strconv.ParseFloat(string(b), 64); err != nil {
		return fmt.Errorf("limitAccess: %s is not a string or boolean", b)
	}
	*s = flexString(b)
	return nil
}

func (s *jsonlSource) next(f *[nFields]string) (int64, error) {
	l := s.l
	for {
		l.buf = l.buf[:0]
		tooLong, err := l.read()
		if err != nil {
			return l.line, err
		}
		if tooLong {
			return l.line, tooLongErr(l.line)
		}
		if len(bytes.TrimSpace(l.buf)) == 0 {
			continue
		}
		if !utf8.Valid(l.buf) {
			return l.line, badUTF8(l.line)
		}
		var jr jsonRecord
		if err := json.Unmarshal(l.buf, &jr); err != nil {
			return l.line, rowErr(l.line, "", "bulk.bad_json", "not a JSON object of the record fields: "+err.Error(), "不是有效的 JSON 记录")
		}
		jr.Record.LimitAccess = string(jr.LimitAccess)
		*f = values(&jr.Record)
		return l.line, nil
	}
}

// open returns the reader of format f over r.
func open(r io.Reader, f Format) (source, error) {
	switch f {
	case CSV:
		return newCSV(r)
	case JSONL:
		return &jsonlSource{l: newLines(r)}, nil
	}
	return nil, fmt.Errorf("bulk: unknown format %q", f)
}
