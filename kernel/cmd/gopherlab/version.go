package main

import (
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
)

// version is the gopherlab version; set it with
// go build -ldflags "-X main.version=v1.2.3". Otherwise it comes from the
// module build information.
var version = ""

func init() {
	register(&command{
		name:    "version",
		summary: "print the versions of gopherlab, Go and yaegi",
		run: func(args []string) error {
			if len(args) > 0 {
				return usageError{"version takes no arguments"}
			}
			fmt.Fprintf(os.Stdout, "gopherlab %s (%s, yaegi %s)\n", gopherlabVersion(), runtime.Version(), depVersion("github.com/traefik/yaegi"))
			return nil
		},
	})
}

// gopherlabVersion returns the version of this binary.
func gopherlabVersion() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" && len(s.Value) >= 12 {
				return "devel-" + s.Value[:12]
			}
		}
	}
	return "devel"
}

// depVersion returns the version of module path linked into the binary.
func depVersion(path string) string {
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, d := range bi.Deps {
			if d.Path == path {
				return d.Version
			}
		}
	}
	return "unknown"
}
