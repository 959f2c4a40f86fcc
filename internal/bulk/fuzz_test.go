package bulk

import (
	"bytes"
	"errors"
	"io"
	"testing"
	"time"
)

// FuzzRead feeds arbitrary bytes to both readers and the row checks: no
// panic, line numbers never go back, every refused record names its line,
// and the readers always reach the end of the input.
func FuzzRead(f *testing.F) {
	f.Add([]byte(header + "甲,企业,京ICP备2024000001号,京ICP备2024000001号-1,站,a.cn,,,否,\n"))
	f.Add([]byte(header + "\"a\nb\",\"c\"\"d\",x\n\"open\n"))
	f.Add([]byte("{\"unitName\":\"x\",\"limitAccess\":true}\n{bad\n\n{\"domain\":1}\n"))
	f.Add([]byte("\xef\xbb\xbf" + header + "\xff,\xfe\r\n,,,,,,,,,\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		c := newChecker(time.Unix(0, 0))
		for _, format := range []Format{CSV, JSONL} {
			src, err := open(bytes.NewReader(data), format)
			if err != nil {
				continue // a CSV header that names no fields
			}
			var last int64
			var fields [nFields]string
			for i := 0; ; i++ {
				if i > len(data)+2 {
					t.Fatalf("%s: more records than lines", format)
				}
				line, err := src.next(&fields)
				if errors.Is(err, io.EOF) {
					break
				}
				if line < last {
					t.Fatalf("%s: line %d after line %d", format, line, last)
				}
				last = line
				var re *RowError
				if errors.As(err, &re) {
					if re.Line != line || re.EN == "" || re.ZH == "" {
						t.Fatalf("%s: row error %+v at line %d", format, re, line)
					}
					continue
				}
				if err != nil {
					t.Fatalf("%s: %v", format, err)
				}
				if _, re := c.check(line, &fields); re != nil && (re.Line != line || re.Code == "") {
					t.Fatalf("%s: check error %+v at line %d", format, re, line)
				}
			}
		}
	})
}
