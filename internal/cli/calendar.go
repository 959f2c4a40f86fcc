package cli

import "fmt"

// runCalendar is a placeholder until its package lands.
func runCalendar(env *Env, args []string) int {
	fmt.Fprintln(env.Stderr, "beian calendar: not built yet")
	return ExitUsage
}
