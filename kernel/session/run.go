package session

import (
	"context"
)

// Every source given to yaegi or to package lower starts with one extra
// line ("package main;..."), so line L there is cell line L-1; columns are
// unchanged because the cell keeps its bytes at their offsets.
const (
	declPrefix = "package main;\n"
	mainName   = "__glmain"
)

// run evaluates a cell: its imports first, then its groups of declarations
// and statements in the order they are written.
func (s *Session) run(ctx context.Context, src []byte) error {
	defer s.releaseCompiled(s.mark(), src)
	segs := splitCell(src)
	if len(segs) == 0 {
		return nil
	}
	program := false
	var imports, rest []segment
	for _, sg := range segs {
		switch sg.kind {
		case segPackage:
			program = true
		case segImport:
			imports = append(imports, sg)
		default:
			rest = append(rest, sg)
		}
	}
	if len(imports) > 0 {
		if err := s.evalImports(ctx, src, imports); err != nil {
			return err
		}
	}
	callMain := false
	for i := 0; i < len(rest); {
		j := i
		for j < len(rest) && (rest[j].kind == segStmt) == (rest[i].kind == segStmt) {
			j++
		}
		group := rest[i:j]
		var err error
		if group[0].kind == segStmt {
			err = s.evalStmts(ctx, src, group, j == len(rest), "")
		} else {
			var hasMain bool
			hasMain, err = s.evalDecls(ctx, src, group, program)
			callMain = callMain || hasMain
		}
		if err != nil {
			return err
		}
		i = j
	}
	if callMain {
		return s.evalStmts(ctx, []byte(mainName+"()"), []segment{{kind: segStmt, end: len(mainName) + 2}}, false, "func main")
	}
	return nil
}
