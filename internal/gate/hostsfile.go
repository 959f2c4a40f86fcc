package gate

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"unsafe"
)

// maxLineErrors is how many bad lines a HostsFileError lists (it counts all).
const maxLineErrors = 20

// LineError is one bad line of a hosts file.
type LineError struct {
	Line int    // 1-based line number
	Text string // the line, cut to 80 bytes
	Err  error
}

// Error implements error.
func (e LineError) Error() string { return fmt.Sprintf("line %d: %v", e.Line, e.Err) }

// Unwrap returns the cause (ErrDomain, ErrNumber, ErrDuplicate or ErrFormat).
func (e LineError) Unwrap() error { return e.Err }

// ErrFormat is wrapped by a line that is not "domain<TAB>number".
var ErrFormat = errors.New(`want "domain<TAB>number"`)

// HostsFileError reports the bad lines of a hosts file; a file with any bad
// line does not load (the gate keeps serving its last good set), because a
// half-loaded allow-list would silently block filed sites.
type HostsFileError struct {
	Name  string      // the file name, or "" for in-memory data
	Lines []LineError // the first maxLineErrors bad lines
	Total int         // how many lines were bad
}

// Error implements error.
func (e *HostsFileError) Error() string {
	var b strings.Builder
	name := e.Name
	if name == "" {
		name = "hosts"
	}
	fmt.Fprintf(&b, "%s: %d bad line(s)", name, e.Total)
	for i, l := range e.Lines {
		if i == 5 {
			fmt.Fprintf(&b, "; …")
			break
		}
		fmt.Fprintf(&b, "; %v", l)
	}
	return b.String()
}

// Unwrap returns the line errors, so errors.Is finds ErrNumber and the like.
func (e *HostsFileError) Unwrap() []error {
	out := make([]error, len(e.Lines))
	for i, l := range e.Lines {
		out[i] = l
	}
	return out
}

// ParseHosts parses a hosts file: one "domain<TAB>number" per line (any run
// of spaces or tabs separates them), blank lines and "#" comments (whole
// lines, or after a blank) ignored, CRLF and a UTF-8 BOM accepted. It returns
// a *HostsFileError listing the bad lines, and no Set, when any line is bad.
// data must not change during the call; nothing of it is kept afterwards.
func ParseHosts(data []byte) (*Set, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if len(data) == 0 {
		return NewBuilder(0).Build(0), nil
	}
	// ParseHosts copies what it keeps into the Set and retains nothing of
	// data, so it reads it in place rather than copying 40 MB into a string.
	text := unsafe.String(&data[0], len(data))
	b := NewBuilder(bytes.Count(data, []byte{'\n'}) + 1)
	var bad HostsFileError
	for lineNo := 1; len(text) > 0; lineNo++ {
		line := text
		if i := strings.IndexByte(text, '\n'); i >= 0 {
			line, text = text[:i], text[i+1:]
		} else {
			text = ""
		}
		if err := parseHostsLine(b, line); err != nil {
			bad.Total++
			if len(bad.Lines) < maxLineErrors {
				bad.Lines = append(bad.Lines, LineError{Line: lineNo, Text: cut(line, 80), Err: err})
			}
		}
	}
	if bad.Total > 0 {
		return nil, &bad
	}
	return b.Build(0), nil
}

func parseHostsLine(b *Builder, line string) error {
	line = strings.TrimSuffix(line, "\r")
	if i := strings.IndexByte(line, '#'); i >= 0 && (i == 0 || line[i-1] == ' ' || line[i-1] == '\t') {
		line = line[:i]
	}
	domain, rest := nextField(line)
	if domain == "" {
		return nil
	}
	number, rest := nextField(rest)
	if number == "" {
		return fmt.Errorf("%w: no number after %q", ErrFormat, domain)
	}
	if extra, _ := nextField(rest); extra != "" {
		return fmt.Errorf("%w: extra field %q", ErrFormat, extra)
	}
	return b.Add(domain, number, StatusApproved)
}

// nextField splits off the first field separated by spaces or tabs.
func nextField(s string) (field, rest string) {
	i := 0
	for i < len(s) && (s[i] == ' ' || s[i] == '\t') {
		i++
	}
	j := i
	for j < len(s) && s[j] != ' ' && s[j] != '\t' {
		j++
	}
	return s[i:j], s[j:]
}

func cut(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// FileSource loads a hosts file (see ParseHosts). The set's Version is the
// file's modification time in Unix seconds, so /metrics tells which
// revision is being served.
type FileSource struct {
	Path string
}

// Load reads and parses the file.
func (f FileSource) Load(ctx context.Context) (*Set, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	st, err := os.Stat(f.Path)
	if err != nil {
		return nil, fmt.Errorf("hosts file: %w", err)
	}
	data, err := os.ReadFile(f.Path)
	if err != nil {
		return nil, fmt.Errorf("hosts file: %w", err)
	}
	s, err := ParseHosts(data)
	if err != nil {
		var hf *HostsFileError
		if errors.As(err, &hf) {
			hf.Name = f.Path
		}
		return nil, err
	}
	s.Version = st.ModTime().Unix()
	return s, nil
}

// String names the source in logs.
func (f FileSource) String() string { return "file " + f.Path }
