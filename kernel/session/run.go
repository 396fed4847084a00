package session

import (
	"context"
	"go/ast"
	"go/token"
)

// Every source given to yaegi or to package lower starts with one extra
// line ("package main;..."), so line L there is cell line L-1; columns are
// unchanged because the cell keeps its bytes at their offsets.
const (
	declPrefix = "package main;\n"
	mainName   = "__glmain"
	cellFunc   = "__glcell" // the function holding a cell's statements
	initName   = "__glinit"
)

// run evaluates a cell as Go evaluates a package and its main function:
// its imports first, then all its declarations together (in one
// evaluation, so that their order does not matter), with the variables
// its statements declare at their top level (hoisted: see vars.go), then
// all its statements, in the order written, as the body of one function.
// A whole program (a package clause) also runs its init functions and
// main, after its package-level variables are initialised.
func (s *Session) run(ctx context.Context, src []byte) error {
	defer s.releaseCompiled(s.mark(), src)
	segs := splitCell(src)
	if len(segs) == 0 {
		return nil
	}
	c := &cell{src: src}
	for _, sg := range segs {
		switch sg.kind {
		case segPackage:
			c.program = true
		case segImport:
			c.imports = append(c.imports, sg)
		case segDecl:
			c.decls = append(c.decls, sg)
		default:
			c.stmts = append(c.stmts, sg)
		}
	}
	c.endsInStmt = segs[len(segs)-1].kind == segStmt
	if len(c.imports) > 0 {
		if err := s.evalImports(ctx, src, c.imports); err != nil {
			return err
		}
	}
	if err := s.planCell(ctx, c); err != nil {
		return err
	}
	if len(c.decls) > 0 || len(c.declare) > 0 {
		if err := s.evalDecls(ctx, c); err != nil {
			return err
		}
	}
	if len(c.stmts) > 0 || c.callMain || len(c.inits) > 0 {
		return s.evalStmts(ctx, c)
	}
	return nil
}

// cell is one cell being run: its pieces, and what planCell found.
type cell struct {
	src                   []byte
	program               bool
	pkgVars               bool // its variables are package-level: a program, or a cell of declarations only
	imports, decls, stmts []segment
	endsInStmt            bool // the last piece is a statement: its value may be the result

	// The statements, blanked to their own lines (stmtText), and parsed as
	// the body of func __cell (parsed is the text parsed, where body's
	// statements start at offset stmtBase).
	stmtText []byte
	parsed   string
	stmtBase int
	fset     *token.FileSet
	body     *ast.BlockStmt

	// The declarations, parsed with their doc comments (nil for none).
	declFset  *token.FileSet
	declFile  *ast.File
	declNames []string // the names they declare ("T.M" for methods)

	vars     []*hoistVar // variables the statements declare at their top level
	olds     []oldVar    // variables declared anew that their declaration reads
	declare  []*decl     // those to declare (new, or of a new type), with the declarations
	mainDecl bool        // the cell declares func main
	callMain bool        // run main at the end of the cell
	inits    []string    // the names the cell's init functions are renamed to
	hasMain  bool        // the notebook has a func main (this cell's or an earlier one's)
}
