package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/beian/beian/internal/footer"
)

// maxExtractInput caps what extract reads, so that a wrong file (a disk
// image, /dev/zero) fails with a message instead of exhausting memory.
// Real home pages are a few hundred KiB; the scanner caps fetches lower.
const maxExtractInput = 64 << 20

// runExtract implements `beian extract [FILE]`: it reads HTML or text from
// FILE (stdin when FILE is absent or "-") and prints the numbers it finds as
// one line of JSON, with the numbers found only in comments listed apart
// under "hidden" so that a caller can tell a missing number from one that
// was commented out. It exits 0 when it ran, even if nothing was found, 1 when
// the input cannot be read and 2 on a bad command line.
func runExtract(env *Env, args []string) int {
	fs := newFlags(env, "extract", "extract [FILE]\n\nPrints the ICP filing, ICP licence, operating licence and PSB numbers found in\nan HTML or text file (stdin if no FILE) as JSON:\n"+
		`{"icp_filings":[],"icp_licenses":[],"operating_licenses":[],"psb":[],"icp_link":null,"psb_link":null,"hidden":[]}`+
		"\n\nhidden lists the numbers found only where a visitor does not see them, in HTML\nor template comments: [{\"number\",\"kind\",\"where\"}], where is html_comment or\ntemplate_comment.")
	pos, code, ok := parseOrExit(fs, args)
	if !ok {
		return code
	}
	if len(pos) > 1 {
		fmt.Fprintf(env.Stderr, "beian extract: one FILE at most, got %d arguments\n", len(pos))
		fs.Usage()
		return ExitUsage
	}
	name := "-"
	if len(pos) == 1 {
		name = pos[0]
	}
	page, err := readInput(env, name)
	if err != nil {
		fmt.Fprintf(env.Stderr, "beian extract: %v\n", err)
		return ExitInvalid
	}
	enc := json.NewEncoder(env.Stdout)
	enc.SetEscapeHTML(false) // hrefs keep their '&' as typed
	if err := enc.Encode(footer.Extract(page)); err != nil {
		fmt.Fprintf(env.Stderr, "beian extract: writing the result: %v\n", err)
		return ExitInvalid
	}
	return ExitOK
}

// errTooLarge reports an input over maxExtractInput.
var errTooLarge = errors.New("input larger than 64 MiB")

// readInput reads the named file, or stdin for "-", up to maxExtractInput
// bytes. Errors name the input.
func readInput(env *Env, name string) ([]byte, error) {
	var r io.Reader = env.Stdin
	label := "stdin"
	if name != "-" {
		label = name
		f, err := os.Open(name)
		if err != nil {
			return nil, fmt.Errorf("cannot read %s: %w", name, err)
		}
		defer f.Close()
		r = f
	}
	if r == nil {
		return nil, fmt.Errorf("cannot read %s: no input", label)
	}
	b, err := io.ReadAll(io.LimitReader(r, maxExtractInput+1))
	if err != nil {
		return nil, fmt.Errorf("cannot read %s: %w", label, err)
	}
	if len(b) > maxExtractInput {
		return nil, fmt.Errorf("cannot read %s: %w", label, errTooLarge)
	}
	return b, nil
}
