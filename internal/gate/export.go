package gate

import (
	"bufio"
	"cmp"
	"fmt"
	"io"
	"slices"
)

// Export formats of `beian gate export`.
const (
	FormatNginxMap = "nginx-map" // an nginx `map $host $icp_number { hostnames; … }`
	FormatCaddy    = "caddy"     // a Caddyfile named matcher @icp_filed
	FormatText     = "txt"       // domain<TAB>number lines, readable by --hosts
)

// Formats lists the export formats.
func Formats() []string { return []string{FormatNginxMap, FormatCaddy, FormatText} }

// Export writes the approved domains of s in format, sorted by domain so
// that two exports of the same set are byte-identical and diff well. Pending
// domains are left out: they are not allowed. Domains and numbers need no
// quoting beyond what is written: a Set only holds LDH A-label domains and
// numbers without quotes, backslashes, dollars, braces or blanks (see
// Builder.Add).
func Export(w io.Writer, s *Set, format string) error {
	switch format {
	case FormatNginxMap, FormatCaddy, FormatText:
	default:
		return fmt.Errorf("gate export: unknown format %q (want nginx-map, caddy or txt)", format)
	}
	entries := make([]Entry, 0, s.Len()-s.Pending())
	for e := range s.All() {
		if e.Status == StatusApproved {
			entries = append(entries, e)
		}
	}
	slices.SortFunc(entries, func(a, b Entry) int { return cmp.Compare(a.Domain, b.Domain) })
	var version int64
	if s != nil {
		version = s.Version
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	switch format {
	case FormatNginxMap:
		fmt.Fprintf(bw, "# ICP allow-list from `beian gate export --format nginx-map`: version %d, %d filed domains.\n", version, len(entries))
		fmt.Fprintf(bw, "# Include it in the http block; with %d entries also set map_hash_max_size %d; map_hash_bucket_size 128;\n", len(entries), mapHashSize(len(entries)))
		fmt.Fprintf(bw, "# then, in a server block:  if ($icp_number = \"\") { return 451; }  add_header X-ICP-Number $icp_number;\n")
		fmt.Fprintf(bw, "# \".example.com\" matches example.com and every subdomain of it; the most specific entry wins.\n")
		fmt.Fprintf(bw, "map $host $icp_number {\n    hostnames;\n    default \"\";\n")
		for _, e := range entries {
			fmt.Fprintf(bw, "    .%s \"%s\";\n", e.Domain, e.Number)
		}
		fmt.Fprintf(bw, "}\n")
	case FormatCaddy:
		fmt.Fprintf(bw, "# ICP allow-list from `beian gate export --format caddy`: version %d, %d filed domains.\n", version, len(entries))
		fmt.Fprintf(bw, "# Import it inside a site block and route on the matcher, for example:\n")
		fmt.Fprintf(bw, "#   import /etc/caddy/icp_filed.caddy\n")
		fmt.Fprintf(bw, "#   handle @icp_filed { reverse_proxy backend:8080 }\n")
		fmt.Fprintf(bw, "#   handle { respond \"未备案 / not ICP filed\" 451 }\n")
		fmt.Fprintf(bw, "# Caddy's * stands for exactly one label: a.b.example.com is not matched here;\n")
		fmt.Fprintf(bw, "# for every depth use the gate itself (on_demand_tls ask /check, or forward_auth).\n")
		fmt.Fprintf(bw, "@icp_filed {\n")
		for _, e := range entries {
			fmt.Fprintf(bw, "\thost %s *.%s\n", e.Domain, e.Domain)
		}
		fmt.Fprintf(bw, "}\n")
	case FormatText:
		fmt.Fprintf(bw, "# ICP allow-list from `beian gate export --format txt`: version %d, %d filed domains.\n", version, len(entries))
		fmt.Fprintf(bw, "# domain<TAB>number; each domain covers its subdomains. `beian gate --hosts` reads this file.\n")
		for _, e := range entries {
			fmt.Fprintf(bw, "%s\t%s\n", e.Domain, e.Number)
		}
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("gate export: %w", err)
	}
	return nil
}

// mapHashSize is a map_hash_max_size that fits n entries.
func mapHashSize(n int) int {
	size := 2048
	for size < 2*n {
		size *= 2
	}
	return size
}
