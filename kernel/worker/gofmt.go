package worker

import (
	"os"
	"strings"

	"github.com/traefik/yaegi/interp"

	"github.com/gopherlab/gopherlab/kernel/session/fmtshim"
	"github.com/gopherlab/gopherlab/kernel/session/lower"
)

func init() {
	// Lower (run by the kernel, or by Build) passes static types to the
	// functions installFmt imports.
	lower.SetTypeTags(fmtshim.TypeTags)
}

// A child prints values of the types the notebook declares as the kernel
// does (package fmtshim): the same fmt and errors in its interpreter, and
// the registry of the declarations it rebuilt. Lowered declarations call
// the functions fmtshim.Prelude imports.

// installFmt gives in fmtshim's fmt and errors, writing to the process's
// standard output, and imports its functions for lowered code, when the
// declarations src may need them: they use them (lowering tagged values) or
// declare types or structs. Otherwise the child, printing values of
// compiled types only, starts without them (about a millisecond sooner in
// a fresh process); installed reports which.
func installFmt(in *interp.Interpreter, src string) (installed bool, err error) {
	if !strings.Contains(src, fmtshim.Name) && !strings.Contains(src, "type") && !strings.Contains(src, "struct") &&
		!strings.Contains(src, "func (") {
		return false, nil
	}
	sh := fmtshim.New(stdout{})
	if err := in.Use(sh.Exports()); err != nil {
		return false, err
	}
	_, err = in.Eval(fmtshim.Prelude)
	return err == nil, err
}

// registerFmt tells fmtshim about the types and methods the declarations
// src, just evaluated in in, declare.
func registerFmt(in *interp.Interpreter, src string) {
	fmtshim.Register(in, []byte(src))
}

// stdout writes to os.Stdout as it is when written to.
type stdout struct{}

func (stdout) Write(p []byte) (int, error) { return os.Stdout.Write(p) }
