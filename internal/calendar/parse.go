package calendar

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Limits of the holiday file format. They reject typos (a 300-day holiday, a
// year 20277) and keep a hostile file from costing more than a little memory.
const (
	MinYear       = 1949    // first year a table may cover
	MaxYear       = 2199    // last year a table may cover
	maxPeriod     = 31      // longest off/work period on one line, in days
	maxNameBytes  = 120     // longest holiday name
	maxLineBytes  = 4096    // longest line
	maxFileBytes  = 1 << 20 // largest file
	kwYear        = "year"
	kwAmend       = "amend"
	kwOff         = "off"
	kwWork        = "work"
	rangeSep      = ".."
	commentMarker = '#'
)

// LineError reports a problem on one line of a holiday file; Line counts from 1.
type LineError struct {
	Line int
	Err  error
}

// Error returns "line N: what is wrong".
func (e *LineError) Error() string { return fmt.Sprintf("line %d: %v", e.Line, e.Err) }

// Unwrap returns the underlying error.
func (e *LineError) Unwrap() error { return e.Err }

// blockKind tells a complete year (year YYYY) from changes to one (amend YYYY).
type blockKind uint8

const (
	blockYear blockKind = iota + 1
	blockAmend
)

// block is one `year` or `amend` header with the day lines under it.
type block struct {
	kind blockKind
	year int
	line int
	days []dayLine
}

// dayLine is one "FROM[..TO] off|work NAME" line.
type dayLine struct {
	from, to Date
	off      bool
	name     string
	line     int
}

// parseFile reads a holiday file (see the package documentation) into blocks.
// It checks everything that can be checked without a base calendar.
func parseFile(r io.Reader) ([]block, error) {
	br := bufio.NewReaderSize(io.LimitReader(r, maxFileBytes+1), 64*1024)
	var (
		blocks   []block
		seenYear = map[int]int{} // year -> line of its `year` header
		seenDay  map[Date]int    // date -> line, within the current block
		total    int
	)
	for n := 1; ; n++ {
		raw, err := br.ReadSlice('\n')
		total += len(raw)
		if total > maxFileBytes {
			return nil, fmt.Errorf("file larger than %d bytes", maxFileBytes)
		}
		if errors.Is(err, bufio.ErrBufferFull) || len(raw) > maxLineBytes {
			return nil, &LineError{n, fmt.Errorf("line longer than %d bytes", maxLineBytes)}
		}
		if err != nil && !errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("line %d: %w", n, err)
		}
		line := raw
		if n == 1 {
			line = bytes.TrimPrefix(line, []byte("\uFEFF"))
		}
		if i := bytes.IndexByte(line, commentMarker); i >= 0 {
			line = line[:i]
		}
		text := strings.TrimSpace(string(line))
		if text != "" {
			if !utf8.ValidString(text) {
				return nil, &LineError{n, errors.New("not valid UTF-8")}
			}
			head, rest := cutSpace(text)
			switch head {
			case kwYear, kwAmend:
				y, perr := parseYear(rest)
				if perr != nil {
					return nil, &LineError{n, fmt.Errorf("%s %q: %w", head, rest, perr)}
				}
				kind := blockAmend
				if head == kwYear {
					kind = blockYear
					if prev, dup := seenYear[y]; dup {
						return nil, &LineError{n, fmt.Errorf("year %d already started on line %d", y, prev)}
					}
					seenYear[y] = n
				}
				blocks = append(blocks, block{kind: kind, year: y, line: n})
				seenDay = map[Date]int{}
			default:
				if len(blocks) == 0 {
					return nil, &LineError{n, fmt.Errorf("%q before any \"year YYYY\" or \"amend YYYY\" line", text)}
				}
				b := &blocks[len(blocks)-1]
				dl, perr := parseDayLine(head, rest, b.year)
				if perr != nil {
					return nil, &LineError{n, perr}
				}
				dl.line = n
				for d := dl.from; d <= dl.to; d++ {
					if prev, dup := seenDay[d]; dup {
						return nil, &LineError{n, fmt.Errorf("%s is already listed on line %d", d, prev)}
					}
					seenDay[d] = n
				}
				b.days = append(b.days, dl)
			}
		}
		if err != nil { // io.EOF
			return blocks, nil
		}
	}
}

// cutSpace splits s at its first run of white space (any Unicode space,
// the ideographic space U+3000 included) and trims both parts.
func cutSpace(s string) (head, rest string) {
	s = strings.TrimSpace(s)
	i := strings.IndexFunc(s, unicode.IsSpace)
	if i < 0 {
		return s, ""
	}
	return s[:i], strings.TrimSpace(s[i:])
}

func parseYear(s string) (int, error) {
	if len(s) != 4 {
		return 0, errors.New("want a four-digit year")
	}
	y, ok := digits(s)
	if !ok {
		return 0, errors.New("want a four-digit year")
	}
	if y < MinYear || y > MaxYear {
		return 0, fmt.Errorf("year outside %d–%d", MinYear, MaxYear)
	}
	return y, nil
}

// parseDayLine parses "FROM[..TO]" (head) and "off|work NAME" (rest) under
// the header of year y. A notice for y may list days of the neighbouring
// years (the 2019 notice starts its 元旦 on 2018-12-30), never further away.
func parseDayLine(head, rest string, y int) (dayLine, error) {
	var dl dayLine
	fromS, toS, isRange := strings.Cut(head, rangeSep)
	from, err := ParseDate(fromS)
	if err != nil {
		return dl, err
	}
	to := from
	if isRange {
		if to, err = ParseDate(toS); err != nil {
			return dl, err
		}
		if to < from {
			return dl, fmt.Errorf("period %q ends before it starts", head)
		}
		if int(to-from)+1 > maxPeriod {
			return dl, fmt.Errorf("period %q is longer than %d days", head, maxPeriod)
		}
	}
	lo, hi := NewDate(y-1, 1, 1), NewDate(y+1, 12, 31)
	if from < lo || to > hi {
		return dl, fmt.Errorf("%s is too far from year %d (a notice lists days of %d–%d)", head, y, y-1, y+1)
	}
	kw, name := cutSpace(rest)
	switch kw {
	case kwOff:
		dl.off = true
	case kwWork:
	case "":
		return dl, fmt.Errorf("%s: want \"off NAME\" or \"work NAME\" after the date", head)
	default:
		return dl, fmt.Errorf("%s: %q: want \"off\" or \"work\"", head, kw)
	}
	if err := checkName(name); err != nil {
		return dl, fmt.Errorf("%s %s: %w", head, kw, err)
	}
	dl.from, dl.to, dl.name = from, to, name
	return dl, nil
}

func checkName(name string) error {
	if name == "" {
		return errors.New("missing holiday name (e.g. 春节)")
	}
	if len(name) > maxNameBytes {
		return fmt.Errorf("holiday name longer than %d bytes", maxNameBytes)
	}
	for _, r := range name {
		if unicode.IsControl(r) || r == utf8.RuneError {
			return fmt.Errorf("holiday name %s has a control or invalid character", strconv.Quote(name))
		}
	}
	return nil
}
