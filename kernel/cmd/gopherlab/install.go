package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io/fs"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
)

func init() {
	register(&command{
		name:    "install",
		args:    "[--user | --sys-prefix | --prefix DIR] [--name NAME]",
		summary: "register this binary as a Jupyter kernel (default --user)",
		run:     runInstall,
	})
	register(&command{
		name:    "uninstall",
		args:    "[--user | --sys-prefix | --prefix DIR] [--name NAME]",
		summary: "remove the kernelspec install wrote",
		run:     runUninstall,
	})
}

func runInstall(args []string) error {
	dir, err := kernelspecDir("install", args)
	if err != nil {
		return err
	}
	exe, err := os.Executable()
	if err != nil {
		return fmt.Errorf("find this binary: %w", err)
	}
	if exe, err = filepath.EvalSymlinks(exe); err != nil {
		return fmt.Errorf("find this binary: %w", err)
	}
	if err := writeKernelspec(dir, exe); err != nil {
		return err
	}
	fmt.Printf("installed kernelspec %s in %s\n", filepath.Base(dir), dir)
	return nil
}

// runUninstall removes the kernelspec install wrote.
func runUninstall(args []string) error {
	dir, err := kernelspecDir("uninstall", args)
	if err != nil {
		return err
	}
	b, err := os.ReadFile(filepath.Join(dir, "kernel.json"))
	if errors.Is(err, fs.ErrNotExist) {
		fmt.Printf("no kernelspec %s in %s\n", filepath.Base(dir), filepath.Dir(dir))
		return nil
	}
	if err != nil {
		return err
	}
	var spec kernelspec
	if json.Unmarshal(b, &spec) != nil || len(spec.Argv) < 2 || spec.Argv[1] != "kernel" {
		return fmt.Errorf("%s is not a gopherlab kernelspec; left alone", dir)
	}
	if err := os.RemoveAll(dir); err != nil {
		return err
	}
	fmt.Printf("removed kernelspec %s from %s\n", filepath.Base(dir), filepath.Dir(dir))
	return nil
}

// kernelspecDir parses the options of install or uninstall (cmd) and
// returns the directory of the kernelspec.
func kernelspecDir(cmd string, args []string) (string, error) {
	flags := newFlagSet(cmd)
	user := flags.Bool("user", false, cmd+" for the current user (the default)")
	sysPrefix := flags.Bool("sys-prefix", false, cmd+" in the prefix of the Python that runs jupyter")
	prefix := flags.String("prefix", "", cmd+" in DIR/share/jupyter/kernels")
	name := flags.String("name", "gopherlab", "kernel name (directory of the kernelspec)")
	if err := flags.Parse(args); err != nil {
		return "", usageError{err.Error()}
	}
	if flags.NArg() > 0 {
		return "", usageError{fmt.Sprintf("unexpected argument %q", flags.Arg(0))}
	}
	n := 0
	for _, set := range []bool{*user, *sysPrefix, *prefix != ""} {
		if set {
			n++
		}
	}
	if n > 1 {
		return "", usageError{"use only one of --user, --sys-prefix and --prefix"}
	}
	if *name == "" || strings.ContainsAny(*name, `/\ `) {
		return "", usageError{fmt.Sprintf("bad kernel name %q", *name)}
	}
	var kernels string
	switch {
	case *prefix != "":
		p, err := filepath.Abs(*prefix)
		if err != nil {
			return "", err
		}
		kernels = filepath.Join(p, "share", "jupyter", "kernels")
	case *sysPrefix:
		p, err := jupyterSysPrefix()
		if err != nil {
			return "", err
		}
		kernels = filepath.Join(p, "share", "jupyter", "kernels")
	default:
		d, err := userDataDir()
		if err != nil {
			return "", err
		}
		kernels = filepath.Join(d, "kernels")
	}
	return filepath.Join(kernels, *name), nil
}

// kernelspec is the content of kernel.json. See
// https://jupyter-client.readthedocs.io/en/stable/kernels.html#kernel-specs.
type kernelspec struct {
	Argv          []string       `json:"argv"`
	DisplayName   string         `json:"display_name"`
	Language      string         `json:"language"`
	InterruptMode string         `json:"interrupt_mode"`
	Metadata      map[string]any `json:"metadata"`
}

// writeKernelspec writes kernel.json and the logos into dir, replacing an
// earlier installation.
func writeKernelspec(dir, exe string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("cannot create the kernelspec directory: %w", err)
	}
	spec, err := json.MarshalIndent(kernelspec{
		Argv:          []string{exe, "kernel", "{connection_file}"},
		DisplayName:   "Go (gopherlab)",
		Language:      "go",
		InterruptMode: "message",
		Metadata:      map[string]any{"debugger": false},
	}, "", "  ")
	if err != nil {
		return err
	}
	files := map[string][]byte{"kernel.json": append(spec, '\n')}
	for _, size := range []int{32, 64} {
		var b bytes.Buffer
		if err := png.Encode(&b, drawLogo(size)); err != nil {
			return err
		}
		files[fmt.Sprintf("logo-%dx%d.png", size, size)] = b.Bytes()
	}
	for name, data := range files {
		if err := writeFileAtomic(filepath.Join(dir, name), data); err != nil {
			return err
		}
	}
	return nil
}

// writeFileAtomic writes data to name through a temporary file and a
// rename, so that a reinstall never leaves a half-written file.
func writeFileAtomic(name string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(name), ".tmp-"+filepath.Base(name))
	if err != nil {
		return fmt.Errorf("cannot write in %s: %w", filepath.Dir(name), err)
	}
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(f.Name(), 0o644)
	}
	if err == nil {
		err = os.Rename(f.Name(), name)
	}
	if err != nil {
		os.Remove(f.Name())
		return fmt.Errorf("write %s: %w", name, err)
	}
	return nil
}

// userDataDir returns Jupyter's per-user data directory, as jupyter_core
// computes it.
func userDataDir() (string, error) {
	if d := os.Getenv("JUPYTER_DATA_DIR"); d != "" {
		return d, nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("no home directory for --user: %w", err)
	}
	switch runtime.GOOS {
	case "darwin":
		return filepath.Join(home, "Library", "Jupyter"), nil
	case "windows":
		return filepath.Join(os.Getenv("APPDATA"), "jupyter"), nil
	}
	if x := os.Getenv("XDG_DATA_HOME"); x != "" {
		return filepath.Join(x, "jupyter"), nil
	}
	return filepath.Join(home, ".local", "share", "jupyter"), nil
}

// jupyterSysPrefix returns sys.prefix of the Python interpreter that runs
// the jupyter command.
func jupyterSysPrefix() (string, error) {
	jup, err := exec.LookPath("jupyter")
	if err != nil {
		return "", fmt.Errorf("--sys-prefix needs the jupyter command on PATH: %w", err)
	}
	python := "python3"
	if f, err := os.Open(jup); err == nil {
		line, _ := bufio.NewReader(f).ReadString('\n')
		f.Close()
		if fields := strings.Fields(strings.TrimPrefix(line, "#!")); strings.HasPrefix(line, "#!") && len(fields) > 0 {
			python = fields[0]
			if filepath.Base(python) == "env" && len(fields) > 1 {
				python = fields[1]
			}
		}
	}
	out, err := exec.Command(python, "-c", "import sys; print(sys.prefix)").Output()
	if err != nil {
		return "", fmt.Errorf("--sys-prefix: ask %s for sys.prefix: %w", python, err)
	}
	return strings.TrimSpace(string(out)), nil
}

// drawLogo draws the kernel logo, size×size: a Go-blue disc with a
// gopher's two eyes.
func drawLogo(size int) image.Image {
	img := image.NewNRGBA(image.Rect(0, 0, size, size))
	blue := color.NRGBA{0x00, 0xAD, 0xD8, 0xFF}
	dark := color.NRGBA{0x00, 0x3C, 0x4F, 0xFF}
	s := float64(size)
	type disc struct {
		x, y, r float64
		c       color.NRGBA
	}
	discs := []disc{
		{0.5, 0.5, 0.48, blue},
		{0.34, 0.42, 0.14, color.NRGBA{0xFF, 0xFF, 0xFF, 0xFF}},
		{0.66, 0.42, 0.14, color.NRGBA{0xFF, 0xFF, 0xFF, 0xFF}},
		{0.37, 0.44, 0.06, dark},
		{0.69, 0.44, 0.06, dark},
		{0.5, 0.66, 0.07, color.NRGBA{0xF6, 0xD2, 0xA2, 0xFF}},
	}
	for y := 0; y < size; y++ {
		for x := 0; x < size; x++ {
			px, py := (float64(x)+0.5)/s, (float64(y)+0.5)/s
			for _, d := range discs {
				dist := math.Hypot(px-d.x, py-d.y)
				// Anti-alias over one pixel.
				a := math.Min(1, math.Max(0, (d.r-dist)*s+0.5))
				if a == 0 {
					continue
				}
				c := d.c
				under := img.NRGBAAt(x, y)
				mix := func(top, bottom uint8) uint8 {
					return uint8(float64(top)*a + float64(bottom)*(1-a))
				}
				img.SetNRGBA(x, y, color.NRGBA{mix(c.R, under.R), mix(c.G, under.G), mix(c.B, under.B),
					uint8(math.Max(float64(under.A), a*255))})
			}
		}
	}
	return img
}
