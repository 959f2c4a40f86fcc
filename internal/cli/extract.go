package cli

import "fmt"

// runExtract is a placeholder until its package lands.
func runExtract(env *Env, args []string) int {
	fmt.Fprintln(env.Stderr, "beian extract: not built yet")
	return ExitUsage
}
