package cli

// Placeholder until the command lands; owned by the helper building it.
func runMigrate(env *Env, args []string) int {
	_, _ = env.Stderr.Write([]byte("beian: not implemented yet\n"))
	return ExitInvalid
}
