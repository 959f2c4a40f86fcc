//go:build unix

package gate

import "syscall"

// openFileLimit returns the soft limit on open descriptors.
func openFileLimit() (int64, bool) {
	var r syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &r); err != nil {
		return 0, false
	}
	return int64(min(r.Cur, 1<<40)), true // RLIM_INFINITY is huge on every system
}
