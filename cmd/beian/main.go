// Command beian is the ICP filing platform: one binary for the API, the web UI,
// the edge gate, the scanner and the operator tasks. See internal/cli.
package main

import (
	"os"

	"github.com/beian/beian/internal/cli"
)

func main() { os.Exit(cli.Main(os.Args, os.Stdin, os.Stdout, os.Stderr)) }
