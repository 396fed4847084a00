package lower

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
)

// Ranges over collections of channels. yaegi v0.16.1 takes a range loop
// whose value variable is a channel for a range over a channel: for _, c
// := range chans panics "reflect: call of reflect.Value.Len on int Value"
// (over a map of channels: a nil pointer dereference). A loop that only
// takes the keys is right, so the value is read in the body:
//
//	for i, c := range chans {  ->  for __lower_k7, __lower_s7 := 0, chans; __lower_k7 < len(__lower_s7); __lower_k7++ { i, c := __lower_k7, __lower_s7[__lower_k7];
//	for k, c := range m {      ->  for __lower_m7 := m; __lower_m7 != nil; __lower_m7 = nil { for k := range __lower_m7 { c := __lower_m7[k];
//
// (and a second } after the body of a map's loop, whose label, if any,
// moves to the inner loop). The collection is evaluated once, an array
// copied, as range does.

// rangeOfChans rewrites rs when it ranges over an array, a slice, a
// pointer to an array or a map whose elements are channels and takes the
// values; it reports whether it did.
func (r *rewriter) rangeOfChans(rs *ast.RangeStmt) bool {
	if rs.Value == nil || rs.Tok == token.ILLEGAL {
		return false
	}
	if id, ok := rs.Value.(*ast.Ident); ok && id.Name == "_" {
		return false
	}
	tv, ok := r.a.info.Types[rs.X]
	if !ok || tv.Type == nil {
		return false
	}
	u := tv.Type.Underlying()
	if p, ok := u.(*types.Pointer); ok {
		u = p.Elem().Underlying()
	}
	var elem types.Type
	isMap := false
	switch u := u.(type) {
	case *types.Slice:
		elem = u.Elem()
	case *types.Array:
		elem = u.Elem()
	case *types.Map:
		elem, isMap = u.Elem(), true
	default:
		return false
	}
	if _, ok := elem.Underlying().(*types.Chan); !ok {
		return false
	}
	if r.multiLine(rs.For, rs.Body.Lbrace) {
		return false
	}
	n := r.off(rs.For)
	op := ":="
	if rs.Tok == token.ASSIGN {
		op = "="
	}
	key := "_"
	if rs.Key != nil {
		key = r.text(rs.Key)
	}
	value := r.text(rs.Value)
	at := r.off(rs.Body.Lbrace) + 1
	if !isMap {
		k, s := fmt.Sprintf("__lower_k%d", n), fmt.Sprintf("__lower_s%d", n)
		r.replace(rs.For+3, rs.X.Pos(), fmt.Sprintf(" %s, %s := 0, ", k, s))
		r.replace(rs.X.End(), rs.Body.Lbrace, fmt.Sprintf("; %s < len(%s); %s++ ", k, s, k))
		lhs, rhs := value, fmt.Sprintf("%s[%s]", s, k)
		if key != "_" {
			lhs, rhs = key+", "+lhs, k+", "+rhs
		}
		r.edits = append(r.edits, edit{at, at, fmt.Sprintf(" %s %s %s;", lhs, op, rhs)})
		return true
	}
	m := fmt.Sprintf("__lower_m%d", n)
	label := ""
	if ls := r.labels[rs]; ls != nil {
		label = ls.Label.Name + ": "
		r.replace(ls.Pos(), ls.Colon+1, "")
	}
	k, lhs, rhs := key, value, fmt.Sprintf("%s[%s]", m, key)
	if key == "_" || rs.Tok == token.ASSIGN {
		k = fmt.Sprintf("__lower_k%d", n)
		rhs = fmt.Sprintf("%s[%s]", m, k)
		if key != "_" {
			lhs, rhs = key+", "+lhs, k+", "+rhs
		}
	}
	r.replace(rs.For, rs.X.Pos(), fmt.Sprintf("for %s := ", m))
	r.replace(rs.X.End(), rs.Body.Lbrace+1, fmt.Sprintf("; %s != nil; %s = nil { %sfor %s := range %s { %s %s %s;", m, m, label, k, m, lhs, op, rhs))
	r.edits = append(r.edits, edit{r.off(rs.Body.Rbrace) + 1, r.off(rs.Body.Rbrace) + 1, "}"})
	return true
}
