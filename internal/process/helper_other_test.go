//go:build unix && !linux

package process

// reportConfinement: there is no launcher outside Linux.
func reportConfinement() {}
