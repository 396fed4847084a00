//go:build !linux

package earlybind

// Take returns nil: outside Linux the kernel binds its sockets itself.
func Take() map[string]int { return nil }
