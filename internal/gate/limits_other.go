//go:build !unix

package gate

// openFileLimit is unknown here; the default cap applies.
func openFileLimit() (int64, bool) { return 0, false }
