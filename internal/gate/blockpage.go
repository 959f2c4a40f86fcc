package gate

import (
	"bytes"
	_ "embed"
	"fmt"
	"html/template"
	"strings"

	"golang.org/x/net/idna"
)

//go:embed assets/blocked.html
var blockedHTML string

// hostMarker stands for the host while the page is pre-rendered; it is made
// of letters only so that html/template leaves it as it is.
const hostMarker = "BEIANGATEHOSTMARKER"

// blockPage is the bilingual block page, rendered once at start and split
// around the host, so that serving it is a few copies and one escape.
type blockPage struct {
	suspended [][]byte
	pending   [][]byte
}

func newBlockPage() (blockPage, error) {
	t, err := template.New("blocked").Parse(blockedHTML)
	if err != nil {
		return blockPage{}, fmt.Errorf("block page: %w", err)
	}
	render := func(pending bool) ([][]byte, error) {
		var b bytes.Buffer
		if err := t.Execute(&b, struct {
			Host    string
			Pending bool
		}{hostMarker, pending}); err != nil {
			return nil, fmt.Errorf("block page: %w", err)
		}
		parts := bytes.Split(b.Bytes(), []byte(hostMarker))
		if len(parts) < 2 {
			return nil, fmt.Errorf("block page: no host in the template")
		}
		return parts, nil
	}
	var p blockPage
	if p.suspended, err = render(false); err != nil {
		return p, err
	}
	p.pending, err = render(true)
	return p, err
}

// render appends the page for host to dst. The host is shown as received
// (cut to 253 bytes), with A-labels shown in Unicode, and always escaped.
func (p *blockPage) render(dst []byte, host string, st Status) []byte {
	parts := p.suspended
	if st == StatusPending {
		parts = p.pending
	}
	host = displayHost(host)
	for i, part := range parts {
		if i > 0 {
			dst = appendEscaped(dst, host)
		}
		dst = append(dst, part...)
	}
	return dst
}

// displayHost cuts a host for display and turns A-labels into Unicode.
func displayHost(host string) string {
	if len(host) > 253 {
		host = host[:253]
	}
	if strings.Contains(host, "xn--") || strings.Contains(host, "XN--") {
		if u, err := idna.Display.ToUnicode(host); err == nil {
			return u
		}
	}
	return host
}

// appendEscaped appends s escaped for HTML text and attribute values.
func appendEscaped(dst []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '<':
			dst = append(dst, "&lt;"...)
		case '>':
			dst = append(dst, "&gt;"...)
		case '&':
			dst = append(dst, "&amp;"...)
		case '"':
			dst = append(dst, "&#34;"...)
		case '\'':
			dst = append(dst, "&#39;"...)
		default:
			if c < ' ' || c == 0x7f {
				dst = append(dst, "\uFFFD"...)
			} else {
				dst = append(dst, c)
			}
		}
	}
	return dst
}
