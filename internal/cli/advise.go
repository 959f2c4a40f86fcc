package cli

import "fmt"

// runAdvise is a placeholder until its package lands.
func runAdvise(env *Env, args []string) int {
	fmt.Fprintln(env.Stderr, "beian advise: not built yet")
	return ExitUsage
}
