// Package cli is the command line of beian: one file per subcommand, each a
// thin adapter over the domain packages. Main never calls os.Exit so that
// tests can drive every command in-process.
package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"time"

	"golang.org/x/sys/unix"
)

// Exit codes shared by every command.
const (
	ExitOK      = 0 // success; for validate: valid; for calendar workday: a workday
	ExitInvalid = 1 // the value is invalid / not a workday / the operation failed
	ExitUsage   = 2 // bad command line
)

// Env is what a command may touch of the outside world. Tests build their own.
type Env struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	Getenv func(string) string
	Now    func() time.Time
	// Interactive reports whether stdin is a terminal (the advisor asks questions then).
	Interactive bool
}

type command struct {
	summary string
	run     func(env *Env, args []string) int
}

// commands is the table of subcommands; `beian help` prints it.
func commands() map[string]command {
	return map[string]command{
		"validate":   {"validate id|uscc|domain|sitename|icp|psb VALUE: check an identifier, number, host or site name", runValidate},
		"extract":    {"extract [FILE]: find ICP/licence/PSB numbers and their links in HTML or text", runExtract},
		"calendar":   {"calendar workday DATE | add DATE N | between A B: Mainland business days", runCalendar},
		"advise":     {"advise: which of ICP filing, ICP licence and PSB filing a site needs, with a dated timeline", runAdvise},
		"gate":       {"gate: the edge gate that blocks unfiled hosts (ForwardAuth, Caddy ask, reverse proxy, exports)", runGate},
		"serve":      {"serve [--addr A] [--db DSN] [--demo]: the platform (JSON API /api/v1, /healthz, /metrics)", runServe},
		"provider":   {"provider add --code C --name N [--cidr CIDR]…: add an access provider", runProvider},
		"audit":      {"audit verify|head [--db DSN] [--data-dir DIR] [--expect-head ID:HASH]: check the keyed audit chain or print its head", runAudit},
		"feed-token": {"feed-token add|revoke --provider C [--days N]: a token for the edge gate that reads only the provider's feed", runFeedToken},
		"user":       {"user add --email E --password P --role R [--provider C] | passwd --email E --password P: add an operator account, or set a password (revokes every token)", runUser},
		"scan":       {"scan [--db DSN | URL…]: check live sites' footers, PSB deadline and access", runScan},
		"import":     {"import --db DSN --provider CODE FILE: bulk-load existing filings (CSV or JSON Lines)", runImport},
		"export":     {"export --db DSN --format csv|jsonl: stream the public fields of every filing", runExport},
		"migrate":    {"migrate [--db DSN] [--status]: apply or show the schema version", runMigrate},
		"backup":     {"backup --db DSN FILE: online, consistent copy of the database", runBackup},
		"restore":    {"restore --db DSN FILE: load a backup into an empty database", runRestore},
	}
}

// Main runs the command line and returns the process exit code.
func Main(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	env := &Env{Stdin: stdin, Stdout: stdout, Stderr: stderr, Getenv: os.Getenv, Now: time.Now}
	if f, ok := stdin.(*os.File); ok {
		// A terminal answers TCGETS; /dev/null is a character device but does not.
		if _, err := unix.IoctlGetTermios(int(f.Fd()), unix.TCGETS); err == nil {
			env.Interactive = true
		}
	}
	return Run(env, args[1:])
}

// Run dispatches args (without the program name) to a subcommand.
func Run(env *Env, args []string) int {
	cmds := commands()
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		if len(args) > 1 {
			if c, ok := cmds[args[1]]; ok {
				return c.run(env, []string{"-h"})
			}
		}
		printHelp(env.Stdout, cmds)
		if len(args) == 0 {
			return ExitUsage
		}
		return ExitOK
	}
	c, ok := cmds[args[0]]
	if !ok {
		fmt.Fprintf(env.Stderr, "beian: unknown command %q (beian help lists them)\n", args[0])
		return ExitUsage
	}
	return c.run(env, args[1:])
}

func printHelp(w io.Writer, cmds map[string]command) {
	fmt.Fprintln(w, "beian: the ICP filing platform (ICP备案 / ICP证 / 公安联网备案)")
	fmt.Fprintln(w, "\nUsage: beian <command> [arguments] [flags]   (every command has -h)")
	fmt.Fprintln(w, "\nCommands:")
	names := make([]string, 0, len(cmds))
	for n := range cmds {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-9s %s\n", n, cmds[n].summary)
	}
}

// newFlags makes a FlagSet that reports errors instead of exiting.
func newFlags(env *Env, name, usage string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	fs.Usage = func() {
		fmt.Fprintf(env.Stderr, "Usage: beian %s\n", usage)
		fs.PrintDefaults()
	}
	return fs
}

// errHelp is returned by parse when -h was given; the command exits 0.
var errHelp = flag.ErrHelp

// parse parses flags that may stand before or after the positional arguments
// (`beian validate uscc X --json` works as typed). A lone "--" ends flags.
func parse(fs *flag.FlagSet, args []string) ([]string, error) {
	var flags, pos []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			pos = append(pos, args[i+1:]...)
			break
		}
		if len(a) > 1 && a[0] == '-' && !isNumber(a) {
			flags = append(flags, a)
			name := strings.TrimLeft(a, "-")
			if strings.Contains(name, "=") {
				continue
			}
			f := fs.Lookup(name)
			if f == nil {
				continue // fs.Parse reports it
			}
			if bf, ok := f.Value.(interface{ IsBoolFlag() bool }); ok && bf.IsBoolFlag() {
				continue
			}
			if i+1 < len(args) {
				flags = append(flags, args[i+1])
				i++
			}
			continue
		}
		pos = append(pos, a)
	}
	if err := fs.Parse(flags); err != nil {
		return nil, err
	}
	return pos, nil
}

// isNumber lets negative numbers such as `calendar add 2026-01-01 -5` through as arguments.
func isNumber(s string) bool {
	if len(s) < 2 || s[0] != '-' {
		return false
	}
	for _, r := range s[1:] {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// parseOrExit wraps parse: it returns ok=false with the exit code to use.
func parseOrExit(fs *flag.FlagSet, args []string) ([]string, int, bool) {
	pos, err := parse(fs, args)
	if errors.Is(err, errHelp) {
		return nil, ExitOK, false
	}
	if err != nil {
		return nil, ExitUsage, false
	}
	return pos, 0, true
}
