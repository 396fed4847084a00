//go:build !linux

package kernel

// startAccepting starts the accept loop and returns the function that
// ends it.
func (p *pubSocket) startAccepting() (stop func()) { return p.startAcceptingPortable() }

// acceptBacklog does nothing: the accept loop takes every connection.
func (p *pubSocket) acceptBacklog() {}
