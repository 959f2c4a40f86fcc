// Command gen writes the data of the gate-versus-nginx benchmark: the hosts
// file of N filed domains (domain<TAB>number) and the request mix that wrk
// replays (a third filed apexes, a third subdomains of filed domains, a third
// unfiled hosts). Both come from internal/gate/gatetest, so they are the same
// on every machine and match the in-process benchmarks.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/beian/beian/internal/gate/gatetest"
)

func main() {
	n := flag.Int("n", 1_000_000, "filed domains")
	requests := flag.Int("requests", 300_000, "hosts in the request mix")
	out := flag.String("out", ".", "output directory")
	flag.Parse()
	if err := run(*n, *requests, *out); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func run(n, requests int, out string) error {
	if n <= 0 || requests <= 0 {
		return fmt.Errorf("-n and -requests must be positive")
	}
	if err := write(filepath.Join(out, "hosts.tsv"), func(w *bufio.Writer) {
		for i := range n {
			fmt.Fprintf(w, "%s\t%s\n", gatetest.Domain(i), gatetest.Number(i))
		}
	}); err != nil {
		return err
	}
	return write(filepath.Join(out, "requests.txt"), func(w *bufio.Writer) {
		for i := range requests {
			host, _, _ := gatetest.Request(i, n)
			fmt.Fprintln(w, host)
		}
	})
}

func write(path string, fill func(*bufio.Writer)) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	fill(w)
	if err := w.Flush(); err != nil {
		f.Close()
		return fmt.Errorf("%s: %w", path, err)
	}
	return f.Close()
}
