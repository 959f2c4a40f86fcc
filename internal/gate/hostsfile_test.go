package gate

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestParseHosts(t *testing.T) {
	tests := []struct {
		name      string
		in        string
		wantLen   int
		badLines  []int
		wantCause error
	}{
		{"empty file", "", 0, nil, nil},
		{"tab separated", "example.com\t" + numCom + "\nexample.cn\t" + numCN + "\n", 2, nil, nil},
		{"spaces, comments, blank lines", "# allow-list\n\n  example.com   " + numCom + "  # main site\n\t\n", 1, nil, nil},
		{"CRLF and BOM", "\xef\xbb\xbfexample.com\t" + numCom + "\r\nexample.cn\t" + numCN + "\r\n", 2, nil, nil},
		{"no final newline", "example.com\t" + numCom, 1, nil, nil},
		{"normalised on load", "WWW.Example.COM.\t" + numCom + "\n例子.中国\t" + numIDN + "\n", 2, nil, nil},
		{"same line twice", "a.cn\t" + numCom + "\na.cn\t" + numCom + "\n", 1, nil, nil},
		{"missing number", "example.com\t" + numCom + "\nexample.cn\n", 0, []int{2}, ErrFormat},
		{"extra field", "example.com\t" + numCom + "\tx\n", 0, []int{1}, ErrFormat},
		{"bad domain", "ok.cn\t" + numCom + "\n# c\n1.2.3.4\t" + numCN + "\n", 0, []int{3}, ErrDomain},
		{"bad number", "ok.cn\tICP\"1\n", 0, []int{1}, ErrNumber},
		{"conflicting duplicate", "a.cn\t" + numCom + "\nA.CN\t" + numCN + "\n", 0, []int{2}, ErrDuplicate},
		{"several bad lines", "x\n" + "a.cn\t" + numCom + "\n*.b.cn\t" + numCom + "\n\nlocalhost\t" + numCom + "\n", 0, []int{1, 3, 5}, ErrFormat},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := ParseHosts([]byte(tt.in))
			if tt.badLines == nil {
				if err != nil {
					t.Fatalf("ParseHosts: %v", err)
				}
				if s.Len() != tt.wantLen {
					t.Errorf("Len = %d, want %d", s.Len(), tt.wantLen)
				}
				return
			}
			if s != nil {
				t.Error("a file with bad lines returned a Set")
			}
			var hf *HostsFileError
			if !errors.As(err, &hf) {
				t.Fatalf("err = %v, want *HostsFileError", err)
			}
			var got []int
			for _, l := range hf.Lines {
				got = append(got, l.Line)
			}
			if hf.Total != len(tt.badLines) || fmt.Sprint(got) != fmt.Sprint(tt.badLines) {
				t.Errorf("bad lines %v (total %d), want %v", got, hf.Total, tt.badLines)
			}
			if !errors.Is(err, tt.wantCause) {
				t.Errorf("errors.Is(err, %v) = false; err = %v", tt.wantCause, err)
			}
			if !strings.Contains(err.Error(), "line ") {
				t.Errorf("error %q does not name a line", err)
			}
		})
	}
}

// TestParseHostsCapsReportedLines checks that a huge broken file reports a
// bounded list but counts every bad line.
func TestParseHostsCapsReportedLines(t *testing.T) {
	in := strings.Repeat("not-a-line\n", 1000)
	_, err := ParseHosts([]byte(in))
	var hf *HostsFileError
	if !errors.As(err, &hf) || hf.Total != 1000 || len(hf.Lines) != maxLineErrors {
		t.Fatalf("err = %v", err)
	}
}

func TestFileSource(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "hosts.tsv")
	if err := os.WriteFile(path, []byte("example.com\t"+numCom+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	s, err := FileSource{Path: path}.Load(context.Background())
	if err != nil || !s.Lookup("www.example.com").Allowed() || s.Version == 0 {
		t.Fatalf("Load = %v, %v", s, err)
	}
	if err := os.WriteFile(path, []byte("bad line\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err = FileSource{Path: path}.Load(context.Background())
	var hf *HostsFileError
	if !errors.As(err, &hf) || hf.Name != path || !strings.Contains(err.Error(), path) {
		t.Errorf("bad file: err = %v, want a HostsFileError naming %s", err, path)
	}
	if _, err := (FileSource{Path: filepath.Join(dir, "missing")}).Load(context.Background()); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: err = %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := (FileSource{Path: path}).Load(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: err = %v", err)
	}
}

// FuzzParseHosts checks that any input either loads or reports bad lines
// (never both, never a panic), and that a loaded set answers for each of its
// own domains with its number.
func FuzzParseHosts(f *testing.F) {
	f.Add([]byte("example.com\t" + numCom + "\n# c\n"))
	f.Add([]byte("\xef\xbb\xbfA.CN  " + numCN + "\r\n例子.中国\t" + numIDN))
	f.Add([]byte("a.cn\tx\na.cn\ty\n"))
	f.Add([]byte("1.2.3.4\tn\n\n*.a.cn\tn\tm\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := ParseHosts(data)
		if err != nil {
			var hf *HostsFileError
			if s != nil || !errors.As(err, &hf) || hf.Total == 0 || len(hf.Lines) == 0 {
				t.Fatalf("ParseHosts = %v, %v", s, err)
			}
			for _, l := range hf.Lines {
				if l.Line < 1 || l.Err == nil {
					t.Fatalf("bad LineError %+v", l)
				}
			}
			return
		}
		n := 0
		for e := range s.All() {
			n++
			d := s.Lookup(e.Domain)
			if !d.Allowed() || d.Domain != e.Domain || d.Number != e.Number {
				t.Fatalf("Lookup(%q) = %+v, want its own entry %+v", e.Domain, d, e)
			}
		}
		if n != s.Len() {
			t.Fatalf("All yielded %d, Len %d", n, s.Len())
		}
	})
}
