#!/usr/bin/env bash
# install.sh builds gopherlab, puts the binary in a bin directory, registers
# it as a Jupyter kernel and marks the lessons trusted for you.
#
#   ./install.sh                 binary in ~/.local/bin, kernelspec for the user
#   ./install.sh --prefix DIR    binary DIR/bin/gopherlab, kernelspec in
#                                DIR/share/jupyter/kernels/gopherlab
#                                (JUPYTER_PATH=DIR/share/jupyter finds it)
#   ./install.sh --sys-prefix    binary in ~/.local/bin, kernelspec in the
#                                prefix of the Python that runs jupyter
#   ./install.sh --with-jupyter  also install (Debian packages, apt-get) the
#                                Jupyter commands the README uses that are
#                                missing: notebook, kernelspec, nbconvert,
#                                console
#   ./install.sh --uninstall     remove the binary and the kernelspec (give
#                                the --prefix or --sys-prefix you installed with)
#
# Rerunning upgrades in place and installs only what is missing.
set -euo pipefail

die() { echo "install.sh: error: $*" >&2; exit 1; }
say() { echo "install.sh: $*"; }

prefix=""
mode="--user"
with_jupyter=0
uninstall=0
while [ $# -gt 0 ]; do
  case "$1" in
    --prefix) [ $# -ge 2 ] || die "--prefix needs a directory"; prefix="$2"; mode="--prefix"; shift 2 ;;
    --prefix=*) prefix="${1#--prefix=}"; mode="--prefix"; shift ;;
    --user) mode="--user"; shift ;;
    --sys-prefix) mode="--sys-prefix"; shift ;;
    --with-jupyter) with_jupyter=1; shift ;;
    --uninstall) uninstall=1; shift ;;
    -h|--help) sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown option $1 (see ./install.sh --help)" ;;
  esac
done

src="$(cd "$(dirname "$0")" && pwd)"
[ -f "$src/go.mod" ] || die "run install.sh from the gopherlab source tree (no go.mod next to it)"

# Where things go.
if [ "$mode" = "--prefix" ]; then
  [ -n "$prefix" ] || die "--prefix needs a directory"
  mkdir -p "$prefix" 2>/dev/null || die "cannot create $prefix (no write access?)"
  prefix="$(cd "$prefix" && pwd)"
  bindir="$prefix/bin"
else
  bindir="$HOME/.local/bin"
fi
mode_args=("$mode")
[ "$mode" = "--prefix" ] && mode_args=(--prefix "$prefix")

if [ "$uninstall" = 1 ]; then
  if [ -x "$bindir/gopherlab" ]; then
    "$bindir/gopherlab" uninstall "${mode_args[@]}" || die "could not remove the kernelspec (see above)"
    rm -f "$bindir/gopherlab"
    say "removed $bindir/gopherlab"
  elif command -v jupyter >/dev/null 2>&1 && jupyter kernelspec list 2>/dev/null | grep -q '^ *gopherlab '; then
    jupyter kernelspec remove -y gopherlab
    say "no $bindir/gopherlab to remove"
  else
    say "nothing to remove: no $bindir/gopherlab and no gopherlab kernelspec"
  fi
  say "left in place: Jupyter and its Debian packages, the lessons' trust signatures (in Jupyter's data directory) and any PATH line you added"
  exit 0
fi

# Go: present, and at least the version go.mod asks for.
goroot_fallback="${GOPHERLAB_GOROOT_FALLBACK:-/usr/local/go}"
if ! command -v go >/dev/null 2>&1; then
  if [ -x "$goroot_fallback/bin/go" ]; then
    PATH="$goroot_fallback/bin:$PATH"
  else
    die "Go is not installed (no 'go' on PATH). Get it from https://go.dev/dl/ and add its bin directory to PATH."
  fi
fi
want=$(sed -n 's/^go \([0-9][0-9.]*\).*/\1/p' "$src/go.mod" | head -1)
have=$(go env GOVERSION | sed 's/^go//; s/[^0-9.].*//')
older() { # older A B: A < B as dotted versions
  [ "$1" != "$2" ] && [ "$(printf '%s\n%s\n' "$1" "$2" | sort -V | head -1)" = "$1" ]
}
if older "$have" "$want"; then
  die "Go $have is older than go $want required by go.mod. Install Go $want or later from https://go.dev/dl/."
fi
mkdir -p "$bindir" 2>/dev/null || die "cannot create $bindir (no write access?)"
[ -w "$bindir" ] || die "no write access to $bindir"

# Jupyter: the commands the README uses, each from its Debian package.
# (GOPHERLAB_APT_GET replaces apt-get, for install.sh's own test.)
readme_commands="notebook kernelspec nbconvert console"
debian_package() {
  case "$1" in
    jupyter) echo jupyter-core ;;
    notebook) echo jupyter-notebook ;;
    kernelspec) echo jupyter-client ;;
    nbconvert) echo jupyter-nbconvert ;;
    console) echo jupyter-console ;;
  esac
}
# missing_commands prints the commands that do not run, "jupyter" first if
# there is no jupyter at all.
missing_commands() {
  if ! command -v jupyter >/dev/null 2>&1; then
    echo jupyter $readme_commands
    return
  fi
  local c out=""
  for c in $readme_commands; do
    jupyter "$c" --help >/dev/null 2>&1 || out="$out $c"
  done
  echo $out
}
missing=$(missing_commands)
if [ -n "$missing" ]; then
  pkgs="" shown=""
  for c in $missing; do
    pkgs="$pkgs $(debian_package "$c")"
    if [ "$c" = jupyter ]; then shown="$shown, jupyter"; else shown="$shown, jupyter $c"; fi
  done
  pkgs="${pkgs# }" shown="${shown#, }"
  if [ "$with_jupyter" = 1 ]; then
    apt_get="${GOPHERLAB_APT_GET:-apt-get}"
    command -v "$apt_get" >/dev/null 2>&1 || die "--with-jupyter needs apt-get (Debian/Ubuntu); install $shown with your package manager or pip"
    sudo=""
    if [ -z "${GOPHERLAB_APT_GET:-}" ] && [ "$(id -u)" != 0 ]; then sudo="sudo"; fi
    say "missing: $shown; installing: apt-get install -y $pkgs"
    $sudo "$apt_get" update -q
    $sudo env DEBIAN_FRONTEND=noninteractive "$apt_get" install -y $pkgs
    hash -r
    still=$(missing_commands)
    if [ -n "$still" ]; then
      echo "install.sh: error: still missing after apt-get: $still" >&2
      echo "  'jupyter' here is $(command -v jupyter || echo absent); the Debian packages put their commands in /usr/bin." >&2
      echo "  If another jupyter (a virtualenv, conda) comes first on PATH, install these there: pip install notebook jupyter_client nbconvert jupyter_console" >&2
      exit 1
    fi
  else
    echo "install.sh: Jupyter is incomplete here: missing $shown (the kernel is installed anyway)." >&2
    echo "  Install them with: sudo apt-get install -y $pkgs" >&2
    echo "  or rerun: ./install.sh --with-jupyter ${mode_args[*]}" >&2
  fi
fi

# Build into a temporary file, then move it over the old binary (a running
# kernel keeps its old file).
say "building gopherlab with $(go env GOVERSION)"
tmp="$bindir/.gopherlab.tmp.$$"
trap 'rm -f "$tmp"' EXIT
rev=$(git -C "$src" describe --always --dirty 2>/dev/null || echo devel)
# Static (CGO_ENABLED=0): the kernel and every child process start faster
# without the dynamic loader (~8 ms less an exec here); nothing needs cgo.
(cd "$src" && CGO_ENABLED=0 go build -trimpath -ldflags "-X main.version=$rev -X github.com/gopherlab/gopherlab/kernel/internal/srctree.dir=$src" -o "$tmp" ./kernel/cmd/gopherlab) \
  || die "go build failed (see above)"
mv -f "$tmp" "$bindir/gopherlab" || die "cannot write $bindir/gopherlab"
say "installed $bindir/gopherlab"

"$bindir/gopherlab" install "${mode_args[@]}" || die "kernelspec registration failed"

# The lessons' outputs (SVG timelines, HTML) show in JupyterLab and Notebook
# only in notebooks the user trusts: sign them for this user, as
# `jupyter trust` does.
lessons=()
for nb in "$src"/lessons/*.ipynb "$src"/lessons/zh/*.ipynb; do
  [ -f "$nb" ] && lessons+=("$nb")
done
if [ ${#lessons[@]} -gt 0 ]; then
  if jupyter trust --help >/dev/null 2>&1; then
    trust=(jupyter trust)
  else
    # nbformat without its command (Debian's python3-nbformat alone).
    trust=(/usr/bin/python3 -m nbformat.sign)
  fi
  if "${trust[@]}" "${lessons[@]}" >/dev/null 2>&1; then
    say "marked the ${#lessons[@]} lesson notebooks trusted for $(id -un)"
  else
    echo "install.sh: note: could not mark the lessons trusted (${trust[*]} failed); JupyterLab will not show their SVG outputs until you run: jupyter trust lessons/*.ipynb lessons/zh/*.ipynb" >&2
  fi
fi

if [ "$mode" = "--prefix" ]; then
  say "use it with JUPYTER_PATH=$prefix/share/jupyter jupyter notebook"
fi
case ":$PATH:" in
  *":$bindir:"*) ;;
  *)
    say "$bindir is not on your PATH, so the command 'gopherlab' is not found yet (Jupyter finds the kernel anyway)."
    if [ "$bindir" = "$HOME/.local/bin" ]; then line='export PATH="$HOME/.local/bin:$PATH"'; else line="export PATH=\"$bindir:\$PATH\""; fi
    echo "  Run this line, and add it to ~/.bashrc (or your shell's startup file) to keep it:"
    echo
    echo "    $line"
    echo
    ;;
esac
