#!/usr/bin/env bash
# run-hub.sh: the gopherlab lessons for a class, on one server, with JupyterHub.
#
#   sudo kernel/hub/run-hub.sh                  learners are Unix users (PAM), hub on port 8000
#   kernel/hub/run-hub.sh --accounts demo       any name, one shared password, no isolation (a trial)
#
# It builds gopherlab (install.sh --prefix, from a copy of the source tree the learners can
# read), installs the lessons (read-only) and the learners' server script into the prefix,
# then runs JupyterHub in the foreground with
# kernel/hub/jupyterhub_config.py. Each learner gets their own copy of the lessons on
# first login, trusted. Options:
#
#   --accounts unix|demo   who the learners are (default unix; needs root)
#   --password PW          demo: the shared password (default: a random one, printed)
#   --admin NAME[,NAME]    hub administrators
#   --create-users         unix: adding a user in the admin page creates the Unix account
#   --ip IP --port N       where the hub listens (default all interfaces, 8000)
#   --hub-port N --proxy-api-port N   the hub's own ports on 127.0.0.1 (8081, 8001)
#   --state DIR            database, cookie secret, homes of demo learners
#                          (default /var/lib/gopherlab-hub as root, else ~/.local/share/gopherlab-hub)
#   --prefix DIR           gopherlab, its kernelspec and the lessons (default /opt/gopherlab
#                          for unix accounts, else STATE/gopherlab); readable by the learners
#   --no-build             use the gopherlab already in PREFIX
#   --workers POLICY       GOPHERLAB_WORKERS for the kernels (default jupyterhub_config.py's:
#                          ready=2,idle=10s,machine=32)
#   --nice N               the learners' servers run at nice N once started (default
#                          jupyterhub_config.py's: 0); a server starts at nice 19, below the
#                          cells of the learners already working
#   --gocache DIR          the go build cache the kernels share for the standard library's types
#                          (default PREFIX/share/gopherlab/go-build, filled at start)
#   --api-token-file F     write an admin API token for scripts to F (mode 600)
#   --install-deps         apt-get install JupyterHub, the proxy and the Notebook first
#   --config FILE          another JupyterHub config file, loaded after ours
set -euo pipefail

die() { echo "run-hub.sh: error: $*" >&2; exit 1; }
say() { echo "run-hub.sh: $*" >&2; }

here="$(cd "$(dirname "$0")" && pwd)"
src="$(cd "$here/../.." && pwd)"
root=0; [ "$(id -u)" = 0 ] && root=1

accounts=unix password="" admins="" create_users=0 ip="" port=8000 hub_port=8081 proxy_api_port=8001
state="" prefix="" build=1 workers="" token_file="" install_deps=0 extra_config=""
gocache="" nice=""
while [ $# -gt 0 ]; do
  case "$1" in
    --accounts) accounts="${2:?}"; shift 2 ;;
    --password) password="${2:?}"; shift 2 ;;
    --admin) admins="${2:?}"; shift 2 ;;
    --create-users) create_users=1; shift ;;
    --ip) ip="${2?}"; shift 2 ;;
    --port) port="${2:?}"; shift 2 ;;
    --hub-port) hub_port="${2:?}"; shift 2 ;;
    --proxy-api-port) proxy_api_port="${2:?}"; shift 2 ;;
    --state) state="${2:?}"; shift 2 ;;
    --prefix) prefix="${2:?}"; shift 2 ;;
    --no-build) build=0; shift ;;
    --workers) workers="${2:?}"; shift 2 ;;
    --gocache) gocache="${2:?}"; shift 2 ;;
    --nice) nice="${2:?}"; shift 2 ;;
    --api-token-file) token_file="${2:?}"; shift 2 ;;
    --install-deps) install_deps=1; shift ;;
    --config) extra_config="${2:?}"; shift 2 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown option $1 (see --help)" ;;
  esac
done

case "$accounts" in
  unix) [ "$root" = 1 ] || die "--accounts unix runs each learner's server as their Unix user: run as root, or use --accounts demo" ;;
  demo) ;;
  *) die "--accounts: want unix or demo, not $accounts" ;;
esac

# Go: the kernels type-check cells against the standard library of the Go
# that built them.
if ! command -v go >/dev/null 2>&1; then
  [ -x /usr/local/go/bin/go ] || die "Go is not installed (see install.sh)"
  PATH="/usr/local/go/bin:$PATH"
fi
goroot="$(go env GOROOT)"
export PATH="$goroot/bin:$PATH"

# What JupyterHub needs, from Debian.
deps="jupyterhub node-configurable-http-proxy jupyter-notebook"
missing=0
[ -x /usr/bin/jupyterhub ] && [ -x /usr/bin/jupyterhub-singleuser ] || missing=1
command -v configurable-http-proxy >/dev/null 2>&1 || missing=1
/usr/bin/python3 -c 'import notebook.notebookapp' 2>/dev/null || missing=1
if [ "$missing" = 1 ]; then
  if [ "$install_deps" = 1 ]; then
    sudo=""; [ "$root" = 1 ] || sudo=sudo
    say "installing $deps"
    $sudo apt-get update -q
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q $deps
  else
    die "JupyterHub is not installed. Run: sudo apt-get install -y $deps (or add --install-deps)"
  fi
fi
# configurable-http-proxy from Debian finds its modules there; a Node.js from
# elsewhere (nodesource) does not look there by itself.
if [ -d /usr/share/nodejs ]; then
  export NODE_PATH="${NODE_PATH:+$NODE_PATH:}/usr/share/nodejs"
fi

if [ -z "$state" ]; then
  if [ "$root" = 1 ]; then state=/var/lib/gopherlab-hub; else state="$HOME/.local/share/gopherlab-hub"; fi
fi
mkdir -p "$state" && chmod 700 "$state"
state="$(cd "$state" && pwd)"
if [ -z "$prefix" ]; then
  if [ "$accounts" = unix ]; then prefix=/opt/gopherlab; else prefix="$state/gopherlab"; fi
fi
mkdir -p "$prefix"
prefix="$(cd "$prefix" && pwd)"

# gopherlab and its kernelspec, the lessons, the learners' server script.
# The kernels type-check cells that use runtime/mp and kernel/display against
# the source tree gopherlab was built from, which learners must be able to
# read: build from a copy of it in the prefix.
if [ "$build" = 1 ]; then
  tree="$prefix/share/gopherlab/src"
  rm -rf "$tree.new" && mkdir -p "$tree.new"
  tar -C "$src" --exclude=./.git -cf - . | tar -C "$tree.new" -xf - || die "cannot copy the source tree"
  rm -rf "$tree" && mv "$tree.new" "$tree"
  chmod -R a+rX "$tree"
  "$tree/install.sh" --prefix "$prefix" >&2 || die "install.sh failed"
fi
[ -x "$prefix/bin/gopherlab" ] || die "no $prefix/bin/gopherlab (drop --no-build)"
lessons="$prefix/share/gopherlab/lessons"
rm -rf "$lessons.new"
mkdir -p "$lessons.new/zh"
cp "$src"/lessons/*.ipynb "$src/lessons/README.md" "$lessons.new/"
cp "$src"/lessons/zh/*.ipynb "$lessons.new/zh/"
[ ! -f "$src/lessons/zh/README.md" ] || cp "$src/lessons/zh/README.md" "$lessons.new/zh/"
chmod -R a+rX,a-w "$lessons.new"
if [ -d "$lessons" ]; then chmod -R u+w "$lessons"; rm -rf "$lessons"; fi
mv "$lessons.new" "$lessons"
install -m 755 "$here/gopherlab-singleuser" "$prefix/bin/gopherlab-singleuser"
# The standard library's type information, from the go command's build
# cache: every learner's first kernel would otherwise fill a cache of its
# own (~10 s of processor time each). Once filled, this takes a second.
[ -n "$gocache" ] || gocache="$prefix/share/gopherlab/go-build"
mkdir -p "$gocache"
gocache="$(cd "$gocache" && pwd)"
say "the standard library's type information for the kernels, in $gocache (the first time: a few minutes)"
(cd "$goroot/src" && GOCACHE="$gocache" go list -e -export std >/dev/null) || die "go list -export std failed"
chmod -R a+rX "$gocache"
# The learners read and run what is in the prefix.
chmod a+rx "$prefix" "$prefix/bin" "$prefix/share" "$prefix/share/gopherlab"

if [ "$accounts" = demo ] && [ -z "$password" ]; then
  password="$(head -c 12 /dev/urandom | base64 | tr -d '/+=')"
  say "demo accounts: log in with any name and the password $password"
fi
token=""
if [ -n "$token_file" ]; then
  token="$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')"
  (umask 077; printf '%s\n' "$token" >"$token_file")
fi

export GOPHERLAB_HUB_STATE="$state" GOPHERLAB_HUB_PREFIX="$prefix" GOPHERLAB_HUB_ACCOUNTS="$accounts"
export GOPHERLAB_HUB_PASSWORD="$password" GOPHERLAB_HUB_ADMINS="$admins" GOPHERLAB_HUB_CREATE_USERS="$create_users"
export GOPHERLAB_HUB_IP="$ip" GOPHERLAB_HUB_PORT="$port" GOPHERLAB_HUB_HUB_PORT="$hub_port"
export GOPHERLAB_HUB_PROXY_API_PORT="$proxy_api_port" GOPHERLAB_HUB_WORKERS="$workers" GOPHERLAB_HUB_API_TOKEN="$token"
export GOPHERLAB_HUB_GOROOT="$goroot" GOPHERLAB_HUB_GOCACHE="$gocache" GOPHERLAB_HUB_NICE="$nice"
# JupyterHub loads one config file; ours loads the other one.
if [ -n "$extra_config" ]; then
  export GOPHERLAB_HUB_EXTRA_CONFIG="$(cd "$(dirname "$extra_config")" && pwd)/$(basename "$extra_config")"
fi
say "JupyterHub on http://${ip:-0.0.0.0}:$port (state $state, gopherlab in $prefix, learners: $accounts)"
cd "$state"
exec /usr/bin/jupyterhub -f "$here/jupyterhub_config.py"
