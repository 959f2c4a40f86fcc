package cli

import "fmt"

// runValidate is a placeholder until its package lands.
func runValidate(env *Env, args []string) int {
	fmt.Fprintln(env.Stderr, "beian validate: not built yet")
	return ExitUsage
}
