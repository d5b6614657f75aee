// Package web holds the built cabinets (web/dist, produced by `npm run build`) so that the
// karso binary serves them itself.
package web

import (
	"embed"
	"io/fs"
)

//go:embed all:dist
var dist embed.FS

// Assets is the built single-page app; it holds only .gitkeep until the app is built.
func Assets() fs.FS {
	sub, err := fs.Sub(dist, "dist")
	if err != nil {
		panic(err) // the directory is embedded at compile time, so this cannot happen
	}
	return sub
}
