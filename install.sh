#!/usr/bin/env bash
# install.sh builds gopherlab, puts the binary in a bin directory and
# registers it as a Jupyter kernel.
#
#   ./install.sh                 binary in ~/.local/bin, kernelspec for the user
#   ./install.sh --prefix DIR    binary DIR/bin/gopherlab, kernelspec in
#                                DIR/share/jupyter/kernels/gopherlab
#                                (JUPYTER_PATH=DIR/share/jupyter finds it)
#   ./install.sh --sys-prefix    binary in ~/.local/bin, kernelspec in the
#                                prefix of the Python that runs jupyter
#   ./install.sh --with-jupyter  also install Jupyter from Debian packages
#
# Rerunning upgrades in place.
set -euo pipefail

die() { echo "install.sh: error: $*" >&2; exit 1; }

prefix=""
mode="--user"
with_jupyter=0
while [ $# -gt 0 ]; do
  case "$1" in
    --prefix) [ $# -ge 2 ] || die "--prefix needs a directory"; prefix="$2"; mode="--prefix"; shift 2 ;;
    --prefix=*) prefix="${1#--prefix=}"; mode="--prefix"; shift ;;
    --user) mode="--user"; shift ;;
    --sys-prefix) mode="--sys-prefix"; shift ;;
    --with-jupyter) with_jupyter=1; shift ;;
    -h|--help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown option $1 (see ./install.sh --help)" ;;
  esac
done

src="$(cd "$(dirname "$0")" && pwd)"
[ -f "$src/go.mod" ] || die "run install.sh from the gopherlab source tree (no go.mod next to it)"

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

# Where things go.
if [ "$mode" = "--prefix" ]; then
  [ -n "$prefix" ] || die "--prefix needs a directory"
  mkdir -p "$prefix" 2>/dev/null || die "cannot create $prefix (no write access?)"
  prefix="$(cd "$prefix" && pwd)"
  bindir="$prefix/bin"
else
  bindir="$HOME/.local/bin"
fi
mkdir -p "$bindir" 2>/dev/null || die "cannot create $bindir (no write access?)"
[ -w "$bindir" ] || die "no write access to $bindir"

# Jupyter.
jupyter_pkgs="python3-jupyter-client python3-nbclient python3-nbformat jupyter-nbconvert jupyter-console jupyter-notebook"
if ! command -v jupyter >/dev/null 2>&1 && [ ! -x /usr/bin/jupyter ]; then
  if [ "$with_jupyter" = 1 ]; then
    command -v apt-get >/dev/null 2>&1 || die "--with-jupyter needs apt-get (Debian/Ubuntu); install Jupyter with your package manager or pip"
    sudo=""
    [ "$(id -u)" = 0 ] || sudo="sudo"
    echo "install.sh: installing Jupyter: apt-get install -y $jupyter_pkgs"
    $sudo apt-get update -q
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y $jupyter_pkgs
  else
    echo "install.sh: Jupyter is not installed; the kernel is installed anyway." >&2
    echo "  To get Jupyter on Debian/Ubuntu: sudo apt-get install -y $jupyter_pkgs" >&2
    echo "  or rerun: ./install.sh --with-jupyter $mode ${prefix}" >&2
  fi
fi

# Build into a temporary file, then move it over the old binary (a running
# kernel keeps its old file).
echo "install.sh: building gopherlab with $(go env GOVERSION)"
tmp="$bindir/.gopherlab.tmp.$$"
trap 'rm -f "$tmp"' EXIT
rev=$(git -C "$src" describe --always --dirty 2>/dev/null || echo devel)
# Static (CGO_ENABLED=0): the kernel and every child process start faster
# without the dynamic loader (~8 ms less an exec here); nothing needs cgo.
(cd "$src" && CGO_ENABLED=0 go build -trimpath -ldflags "-X main.version=$rev -X github.com/gopherlab/gopherlab/kernel/internal/srctree.dir=$src" -o "$tmp" ./kernel/cmd/gopherlab) \
  || die "go build failed (see above)"
mv -f "$tmp" "$bindir/gopherlab" || die "cannot write $bindir/gopherlab"
echo "install.sh: installed $bindir/gopherlab"

if [ "$mode" = "--prefix" ]; then
  "$bindir/gopherlab" install --prefix "$prefix" || die "kernelspec registration failed"
  echo "install.sh: use it with JUPYTER_PATH=$prefix/share/jupyter jupyter notebook"
else
  "$bindir/gopherlab" install "$mode" || die "kernelspec registration failed"
fi
case ":$PATH:" in
  *":$bindir:"*) ;;
  *) echo "install.sh: note: $bindir is not on PATH (the kernelspec uses the absolute path, so Jupyter finds it anyway)" ;;
esac
