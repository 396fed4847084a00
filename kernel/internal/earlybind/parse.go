package earlybind

// conn is what earlybind needs of a connection file.
type conn struct {
	transport string // "tcp" or "ipc"
	ip        string
	ports     [5]int // in the order of portKeys
}

// portKeys are the port fields of a connection file.
var portKeys = [5]string{"shell_port", "iopub_port", "stdin_port", "control_port", "hb_port"}

// stringKeys are the other fields package kernel reads, all strings.
var stringKeys = []string{"transport", "ip", "key", "signature_scheme", "kernel_name"}

// parse parses a connection file. It accepts only what encoding/json would
// decode into kernel.ConnectionInfo with the same result and what
// kernel.ReadConnectionFile accepts, and only the plain shapes Jupyter
// writes: one flat object; for anything else (escapes in keys or in ip and
// transport, nested values, keys differing from a field only in case, a
// zero or missing port) it returns false and the kernel reads the file
// itself.
func parse(b []byte) (c conn, ok bool) {
	p := parser{b: b}
	p.space()
	if !p.byte('{') {
		return c, false
	}
	p.space()
	if !p.byte('}') {
		for {
			p.space()
			key, plain, ok := p.str()
			if !ok || !plain || !p.space() || !p.byte(':') {
				return c, false
			}
			p.space()
			if !c.field(&p, key) {
				return c, false
			}
			p.space()
			if p.byte(',') {
				continue
			}
			if p.byte('}') {
				break
			}
			return c, false
		}
	}
	p.space()
	if p.i != len(p.b) {
		return c, false
	}
	if c.transport == "" {
		c.transport = "tcp"
	}
	if c.transport != "tcp" && c.transport != "ipc" || c.ip == "" {
		return c, false
	}
	for _, port := range c.ports {
		if port == 0 {
			return c, false
		}
	}
	return c, true
}

// field parses the value of key into c.
func (c *conn) field(p *parser, key string) bool {
	for i, k := range portKeys {
		if key == k {
			n, ok := p.port()
			c.ports[i] = n
			return ok
		}
		if foldEqual(key, k) {
			return false // encoding/json matches case-insensitively
		}
	}
	for _, k := range stringKeys {
		if key == k {
			s, plain, ok := p.str()
			switch {
			case !ok:
				return false
			case key == "transport" || key == "ip":
				if !plain {
					return false
				}
				if key == "transport" {
					c.transport = s
				} else {
					c.ip = s
				}
			}
			return true
		}
		if foldEqual(key, k) {
			return false
		}
	}
	for i := 0; i < len(key); i++ {
		if key[i] >= 0x80 {
			return false // Unicode case folding could match a field
		}
	}
	return p.scalar()
}

// foldEqual reports whether a and b are equal under ASCII case folding.
func foldEqual(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		x, y := a[i], b[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}

// parser reads JSON from b at i.
type parser struct {
	b []byte
	i int
}

// space skips white space; it always returns true.
func (p *parser) space() bool {
	for p.i < len(p.b) {
		switch p.b[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return true
		}
	}
	return true
}

// byte consumes c if it comes next.
func (p *parser) byte(c byte) bool {
	if p.i < len(p.b) && p.b[p.i] == c {
		p.i++
		return true
	}
	return false
}

// str reads a string. plain reports that it has no escapes (then s is its
// value) and only printable ASCII.
func (p *parser) str() (s string, plain, ok bool) {
	if !p.byte('"') {
		return "", false, false
	}
	start := p.i
	plain = true
	for p.i < len(p.b) {
		c := p.b[p.i]
		switch {
		case c == '"':
			s = string(p.b[start:p.i])
			p.i++
			return s, plain, true
		case c < 0x20:
			return "", false, false
		case c == '\\':
			plain = false
			p.i++
			if p.i >= len(p.b) {
				return "", false, false
			}
			switch p.b[p.i] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			case 'u':
				if p.i+4 >= len(p.b) {
					return "", false, false
				}
				for _, h := range p.b[p.i+1 : p.i+5] {
					if !('0' <= h && h <= '9' || 'a' <= h && h <= 'f' || 'A' <= h && h <= 'F') {
						return "", false, false
					}
				}
				p.i += 4
			default:
				return "", false, false
			}
		case c >= 0x7f:
			plain = false
		}
		p.i++
	}
	return "", false, false
}

// port reads a port number: digits without a leading zero, 1 to 65535.
func (p *parser) port() (int, bool) {
	n, digits := 0, 0
	for p.i < len(p.b) && '0' <= p.b[p.i] && p.b[p.i] <= '9' {
		if digits == 0 && p.b[p.i] == '0' {
			return 0, false
		}
		n = n*10 + int(p.b[p.i]-'0')
		digits++
		p.i++
		if n > 65535 {
			return 0, false
		}
	}
	if p.i < len(p.b) {
		switch p.b[p.i] {
		case '.', 'e', 'E':
			return 0, false
		}
	}
	return n, digits > 0
}

// scalar skips a string, number, true, false or null.
func (p *parser) scalar() bool {
	if p.i >= len(p.b) {
		return false
	}
	switch c := p.b[p.i]; {
	case c == '"':
		_, _, ok := p.str()
		return ok
	case c == '-' || '0' <= c && c <= '9':
		return p.number()
	}
	for _, lit := range [...]string{"true", "false", "null"} {
		if len(p.b)-p.i >= len(lit) && string(p.b[p.i:p.i+len(lit)]) == lit {
			p.i += len(lit)
			return true
		}
	}
	return false
}

// number skips a JSON number.
func (p *parser) number() bool {
	p.byte('-')
	if p.byte('0') {
		// no more integer digits
	} else if !p.digits() {
		return false
	}
	if p.byte('.') && !p.digits() {
		return false
	}
	if p.byte('e') || p.byte('E') {
		if !p.byte('+') {
			p.byte('-')
		}
		if !p.digits() {
			return false
		}
	}
	return true
}

// digits skips one or more decimal digits.
func (p *parser) digits() bool {
	start := p.i
	for p.i < len(p.b) && '0' <= p.b[p.i] && p.b[p.i] <= '9' {
		p.i++
	}
	return p.i > start
}

// parseIPv4 parses a dotted-decimal IPv4 address as package net does (no
// leading zeros).
func parseIPv4(s string) (ip [4]byte, ok bool) {
	for i := range ip {
		if i > 0 {
			if s == "" || s[0] != '.' {
				return ip, false
			}
			s = s[1:]
		}
		n, digits := 0, 0
		for digits < len(s) && '0' <= s[digits] && s[digits] <= '9' {
			if digits > 0 && n == 0 {
				return ip, false // leading zero
			}
			n = n*10 + int(s[digits]-'0')
			digits++
			if n > 255 {
				return ip, false
			}
		}
		if digits == 0 {
			return ip, false
		}
		ip[i] = byte(n)
		s = s[digits:]
	}
	return ip, s == ""
}

// itoa formats a non-negative n in decimal.
func itoa(n int) string {
	var b [20]byte
	i := len(b)
	for {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
		if n == 0 {
			return string(b[i:])
		}
	}
}
