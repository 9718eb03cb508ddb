// Package launcher is the first code a sandboxed function process runs; see launcher_linux.go.
// Outside Linux there is no Landlock and no launcher.
package launcher
