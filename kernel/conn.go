package kernel

import (
	"encoding/json"
	"fmt"
	"net"
	"os"
	"strconv"
)

// ConnectionInfo is the content of a Jupyter connection file: where the
// five sockets listen and how messages are signed. See
// https://jupyter-client.readthedocs.io/en/stable/kernels.html#connection-files.
type ConnectionInfo struct {
	Transport       string `json:"transport"` // "tcp" or "ipc"
	IP              string `json:"ip"`        // host for tcp, path prefix for ipc
	ShellPort       int    `json:"shell_port"`
	IOPubPort       int    `json:"iopub_port"`
	StdinPort       int    `json:"stdin_port"`
	ControlPort     int    `json:"control_port"`
	HBPort          int    `json:"hb_port"`
	Key             string `json:"key"`
	SignatureScheme string `json:"signature_scheme"`
	KernelName      string `json:"kernel_name,omitempty"`
}

// ReadConnectionFile reads and checks a connection file.
func ReadConnectionFile(name string) (ConnectionInfo, error) {
	var c ConnectionInfo
	b, err := os.ReadFile(name)
	if err != nil {
		return c, fmt.Errorf("kernel: read connection file: %w", err)
	}
	if err := json.Unmarshal(b, &c); err != nil {
		return c, fmt.Errorf("kernel: connection file %s: %w", name, err)
	}
	if c.Transport == "" {
		c.Transport = "tcp"
	}
	if c.Transport != "tcp" && c.Transport != "ipc" {
		return c, fmt.Errorf("kernel: connection file %s: unknown transport %q (want tcp or ipc)", name, c.Transport)
	}
	if c.IP == "" {
		return c, fmt.Errorf("kernel: connection file %s: no ip", name)
	}
	return c, nil
}

// Addr returns the ZeroMQ endpoint of a port: tcp://IP:PORT, or
// ipc://IP-PORT as jupyter_client names ipc endpoints.
func (c ConnectionInfo) Addr(port int) string {
	if c.Transport == "ipc" {
		return "ipc://" + c.IP + "-" + strconv.Itoa(port)
	}
	return "tcp://" + net.JoinHostPort(c.IP, strconv.Itoa(port))
}
