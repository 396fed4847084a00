package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"image/png"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

func TestInstallPrefix(t *testing.T) {
	prefix := t.TempDir()
	var stderr bytes.Buffer
	for range 2 { // the second run upgrades in place
		if code := run([]string{"install", "--prefix", prefix}, &stderr); code != 0 {
			t.Fatalf("install exit %d: %s", code, stderr.String())
		}
	}
	dir := filepath.Join(prefix, "share", "jupyter", "kernels", "gopherlab")
	b, err := os.ReadFile(filepath.Join(dir, "kernel.json"))
	if err != nil {
		t.Fatal(err)
	}
	var spec kernelspec
	if err := json.Unmarshal(b, &spec); err != nil {
		t.Fatal(err)
	}
	exe, _ := os.Executable()
	exe, _ = filepath.EvalSymlinks(exe)
	if len(spec.Argv) != 3 || spec.Argv[0] != exe || spec.Argv[1] != "kernel" || spec.Argv[2] != "{connection_file}" {
		t.Errorf("argv = %q, want [%s kernel {connection_file}]", spec.Argv, exe)
	}
	if !filepath.IsAbs(spec.Argv[0]) {
		t.Errorf("argv[0] %q is not absolute", spec.Argv[0])
	}
	if spec.DisplayName != "Go (gopherlab)" || spec.Language != "go" || spec.InterruptMode != "message" {
		t.Errorf("kernel.json = %s", b)
	}
	for _, size := range []int{32, 64} {
		f, err := os.Open(filepath.Join(dir, "logo-"+itoa(size)+"x"+itoa(size)+".png"))
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(f)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		if r := img.Bounds(); r.Dx() != size || r.Dy() != size {
			t.Errorf("logo %d is %v", size, r)
		}
		// The corners are transparent, the centre is painted.
		if _, _, _, a := img.At(0, 0).RGBA(); a != 0 {
			t.Errorf("logo %d: corner alpha %d", size, a)
		}
		if _, _, _, a := img.At(size/2, size/2).RGBA(); a == 0 {
			t.Errorf("logo %d: centre is transparent", size)
		}
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 3 {
		t.Errorf("kernelspec dir holds %d files, want 3 (no temporary files left)", len(entries))
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

func TestInstallUserUsesJupyterDataDir(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("JUPYTER_DATA_DIR", dir)
	var stderr bytes.Buffer
	if code := run([]string{"install", "--user"}, &stderr); code != 0 {
		t.Fatalf("install --user exit %d: %s", code, stderr.String())
	}
	if _, err := os.Stat(filepath.Join(dir, "kernels", "gopherlab", "kernel.json")); err != nil {
		t.Error(err)
	}
}

func TestCommandLineErrors(t *testing.T) {
	for _, tt := range []struct {
		args []string
		code int
		want string
	}{
		{nil, 2, "Usage:"},
		{[]string{"help"}, 0, "gopherlab kernel [--debug] CONNECTION_FILE"},
		{[]string{"frobnicate"}, 2, `unknown command "frobnicate"`},
		{[]string{"install", "--user", "--prefix", "/tmp/x"}, 2, "only one of"},
		{[]string{"install", "--bogus"}, 2, "flag provided but not defined"},
		{[]string{"install", "--prefix", "/proc/self/nonexistent"}, 1, "cannot create"},
		{[]string{"kernel"}, 2, "connection file"},
		{[]string{"kernel", "/nonexistent/kernel.json"}, 1, "gopherlab kernel: read connection file"}, // said once
		{[]string{"version", "extra"}, 2, "no arguments"},
	} {
		var stderr bytes.Buffer
		code := run(tt.args, &stderr)
		if code != tt.code || !strings.Contains(stderr.String(), tt.want) {
			t.Errorf("gopherlab %q: exit %d, stderr %q; want exit %d and %q", tt.args, code, stderr.String(), tt.code, tt.want)
		}
	}
}

func TestDrawLogo(t *testing.T) {
	var a, b bytes.Buffer
	png.Encode(&a, drawLogo(64))
	png.Encode(&b, drawLogo(64))
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Error("drawLogo is not deterministic")
	}
}

// TestUninstallPrefix removes what install wrote, and only a gopherlab
// kernelspec.
func TestUninstallPrefix(t *testing.T) {
	prefix := t.TempDir()
	var stderr bytes.Buffer
	if code := run([]string{"install", "--prefix", prefix}, &stderr); code != 0 {
		t.Fatalf("install exit %d: %s", code, stderr.String())
	}
	dir := filepath.Join(prefix, "share", "jupyter", "kernels", "gopherlab")
	if code := run([]string{"uninstall", "--prefix", prefix}, &stderr); code != 0 {
		t.Fatalf("uninstall exit %d: %s", code, stderr.String())
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("%s still there: %v", dir, err)
	}
	// Again: nothing to remove, not an error.
	if code := run([]string{"uninstall", "--prefix", prefix}, &stderr); code != 0 {
		t.Fatalf("second uninstall exit %d: %s", code, stderr.String())
	}
	// Another kernel's spec under the name is left alone.
	other := filepath.Join(prefix, "share", "jupyter", "kernels", "gopherlab")
	if err := os.MkdirAll(other, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(other, "kernel.json"), []byte(`{"argv": ["python3", "-m", "ipykernel_launcher"]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if code := run([]string{"uninstall", "--prefix", prefix}, &stderr); code != 1 {
		t.Errorf("uninstall of another kernel's spec: exit %d, want 1", code)
	}
	if _, err := os.Stat(filepath.Join(other, "kernel.json")); err != nil {
		t.Errorf("another kernel's spec was removed: %v", err)
	}
}

// TestRunOutput runs a notebook with --output: the executed notebook is
// written there and the original is left as it was.
func TestRunOutput(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "in.ipynb")
	src := []byte(`{"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [
 {"cell_type": "code", "id": "a", "metadata": {}, "execution_count": null, "outputs": [], "source": "6 * 7"}]}
`)
	if err := os.WriteFile(in, src, 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out.ipynb")
	var stderr bytes.Buffer
	if code := run([]string{"run", "--quiet", "--output", out, in}, &stderr); code != 0 {
		t.Fatalf("run exit %d: %s", code, stderr.String())
	}
	if b, _ := os.ReadFile(in); !bytes.Equal(b, src) {
		t.Errorf("the input notebook changed:\n%s", b)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var nb struct {
		Cells []struct {
			ExecutionCount int `json:"execution_count"`
			Outputs        []struct {
				Data map[string]any `json:"data"`
			}
		}
	}
	if err := json.Unmarshal(b, &nb); err != nil {
		t.Fatal(err)
	}
	if len(nb.Cells) != 1 || nb.Cells[0].ExecutionCount != 1 || len(nb.Cells[0].Outputs) != 1 ||
		fmt.Sprint(nb.Cells[0].Outputs[0].Data["text/plain"]) != "[42]" { // a list of lines
		t.Errorf("executed notebook:\n%s", b)
	}
	for _, args := range [][]string{{"run", "--inplace", "--output", out, in}, {"run", "--output", out, in, in}} {
		if code := run(args, &stderr); code != 2 {
			t.Errorf("%q: exit %d, want 2 (usage)", args, code)
		}
	}
}
