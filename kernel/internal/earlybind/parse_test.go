package earlybind

import (
	"encoding/json"
	"net"
	"testing"

	"github.com/gopherlab/gopherlab/kernel"
)

const jupyterFile = `{
  "shell_port": 53794,
  "iopub_port": 39467,
  "stdin_port": 35177,
  "control_port": 43309,
  "hb_port": 53213,
  "ip": "127.0.0.1",
  "key": "2f1e0a0c-5b4d5a7e9c0b1f0e8d7c6b5a",
  "transport": "tcp",
  "signature_scheme": "hmac-sha256",
  "kernel_name": "gopherlab"
}
`

func TestParse(t *testing.T) {
	ports := `"shell_port": 1, "iopub_port": 2, "stdin_port": 3, "control_port": 4, "hb_port": 5`
	for _, tt := range []struct {
		name, json string
		ok         bool
	}{
		{"jupyter", jupyterFile, true},
		{"ipc", `{"transport": "ipc", "ip": "/tmp/k", ` + ports + `}`, true},
		{"default transport", `{"ip": "127.0.0.1", ` + ports + `}`, true},
		{"extra fields", `{"ip": "127.0.0.1", ` + ports + `, "x": -1.5e3, "y": true, "z": null, "w": "a\"\u00e9\\"}`, true},
		{"escaped key value", `{"ip": "127.0.0.1", ` + ports + `, "key": "a\\b\u0041"}`, true},
		{"duplicate ip, last wins", `{"ip": "10.0.0.1", ` + ports + `, "ip": "127.0.0.1"}`, true},
		{"empty", `{}`, false},
		{"not an object", `[]`, false},
		{"missing port", `{"ip": "127.0.0.1", "shell_port": 1, "iopub_port": 2, "stdin_port": 3, "control_port": 4}`, false},
		{"zero port", `{"ip": "127.0.0.1", ` + ports + `, "hb_port": 0}`, false},
		{"port too large", `{"ip": "127.0.0.1", ` + ports + `, "hb_port": 65536}`, false},
		{"port as string", `{"ip": "127.0.0.1", ` + ports + `, "hb_port": "5"}`, false},
		{"port as float", `{"ip": "127.0.0.1", ` + ports + `, "hb_port": 5.0}`, false},
		{"port with leading zero", `{"ip": "127.0.0.1", ` + ports + `, "hb_port": 05}`, false},
		{"negative port", `{"ip": "127.0.0.1", ` + ports + `, "hb_port": -5}`, false},
		{"null port", `{"ip": "127.0.0.1", ` + ports + `, "hb_port": null}`, false},
		{"no ip", `{` + ports + `}`, false},
		{"null ip", `{"ip": null, ` + ports + `}`, false},
		{"escaped ip", `{"ip": "127.0.0.\u0031", ` + ports + `}`, false},
		{"ip not a string", `{"ip": 127, ` + ports + `}`, false},
		{"key not a string", `{"ip": "127.0.0.1", ` + ports + `, "key": 5}`, false},
		{"unknown transport", `{"transport": "udp", "ip": "127.0.0.1", ` + ports + `}`, false},
		{"field in another case", `{"IP": "127.0.0.1", ` + ports + `}`, false},
		{"port in another case", `{"ip": "127.0.0.1", ` + ports + `, "Shell_Port": 7}`, false},
		{"non-ASCII key", `{"ip": "127.0.0.1", ` + ports + `, "ſhell_port": 7}`, false},
		{"nested", `{"ip": "127.0.0.1", ` + ports + `, "x": {}}`, false},
		{"trailing comma", `{"ip": "127.0.0.1", ` + ports + `,}`, false},
		{"trailing data", `{"ip": "127.0.0.1", ` + ports + `} x`, false},
		{"truncated", `{"ip": "127.0.0.1", ` + ports, false},
		{"control character", "{\"ip\": \"127.0.0.1\", " + ports + ", \"x\": \"a\tb\"}", false},
		{"bad escape", `{"ip": "127.0.0.1", ` + ports + `, "x": "\q"}`, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c, ok := parse([]byte(tt.json))
			if ok != tt.ok {
				t.Fatalf("parse(%s): ok = %v, want %v", tt.json, ok, tt.ok)
			}
			if !ok {
				return
			}
			// What parse accepts, encoding/json decodes alike.
			// The kernel's own type: the package must not import it (it
			// would be initialised later), but its test may.
			var ci kernel.ConnectionInfo
			if err := json.Unmarshal([]byte(tt.json), &ci); err != nil {
				t.Fatalf("parse accepted what encoding/json rejects: %v", err)
			}
			if ci.Transport == "" {
				ci.Transport = "tcp"
			}
			want := conn{ci.Transport, ci.IP, [5]int{ci.ShellPort, ci.IOPubPort, ci.StdinPort, ci.ControlPort, ci.HBPort}}
			if c != want {
				t.Errorf("parse = %+v, encoding/json gives %+v", c, want)
			}
		})
	}
}

func TestParseIPv4(t *testing.T) {
	for _, s := range []string{"127.0.0.1", "0.0.0.0", "10.1.255.9", "::1", "localhost", "127.0.0.01", "256.0.0.1", "1.2.3", "1.2.3.4.", "1.2.3.4.5", "", "1..2.3"} {
		ip, ok := parseIPv4(s)
		n := net.ParseIP(s).To4()
		if ok != (n != nil) || ok && !n.Equal(net.IP(ip[:])) {
			t.Errorf("parseIPv4(%q) = %v, %v; package net: %v", s, ip, ok, n)
		}
	}
}
