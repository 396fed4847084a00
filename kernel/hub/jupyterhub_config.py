# JupyterHub configuration for a gopherlab classroom. run-hub.sh starts
# JupyterHub with it and sets the GOPHERLAB_HUB_* variables it reads; to
# change something else, add a file of your own with --config (it is loaded
# after this one and overrides it).
#
# Learners (GOPHERLAB_HUB_ACCOUNTS):
#   unix  each learner is a Unix user of this machine, logging in with their
#         password (PAM); their server and kernels run as that user, in
#         their home directory. The hub runs as root. The default.
#   demo  any name logs in with one shared password; every server runs as
#         the user running the hub, each learner in a home of their own
#         under the state directory, with no isolation between learners.
#         For trying the set-up and for tests only.
#
# Each learner's server is kernel/hub/gopherlab-singleuser: it copies the
# lessons into ~/lessons on first login, trusts them, and starts the classic
# Notebook with kernels on the ipc transport.
import os
import resource

env = os.environ
state = env["GOPHERLAB_HUB_STATE"]
prefix = env["GOPHERLAB_HUB_PREFIX"]
accounts = env.get("GOPHERLAB_HUB_ACCOUNTS", "unix")

c = get_config()  # noqa: F821 (defined by JupyterHub)

# Where the hub listens, and its own ports (on loopback).
c.JupyterHub.bind_url = "http://%s:%s" % (env.get("GOPHERLAB_HUB_IP", ""), env.get("GOPHERLAB_HUB_PORT", "8000"))
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = int(env.get("GOPHERLAB_HUB_HUB_PORT", "8081"))
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:%s" % env.get("GOPHERLAB_HUB_PROXY_API_PORT", "8001")

# State: the database, the cookie secret and the proxy's pid.
c.JupyterHub.db_url = "sqlite:///" + os.path.join(state, "jupyterhub.sqlite")
c.JupyterHub.cookie_secret_file = os.path.join(state, "jupyterhub_cookie_secret")
c.JupyterHub.pid_file = os.path.join(state, "jupyterhub.pid")
c.ConfigurableHTTPProxy.pid_file = os.path.join(state, "jupyterhub-proxy.pid")

# Logging out stops the learner's server, and with it their kernels.
c.JupyterHub.shutdown_on_logout = True
c.JupyterHub.cleanup_servers = True

# A class logs in at once: on 2 cores, 60 servers took 36 s to start, over
# the default 30 s.
c.Spawner.start_timeout = 300
c.Spawner.http_timeout = 300
c.JupyterHub.concurrent_spawn_limit = int(env.get("GOPHERLAB_HUB_SPAWN_LIMIT", "200"))

# Each learner's server: the lessons, the gopherlab kernel, its policy.
# A server starts at nice 19: starting one costs about two seconds of
# processor time, which 60 learners logging in over a minute would take
# from the cells of those already working. It serves at GOPHERLAB_HUB_NICE
# (0 by default). Linux weighs sessions against each other (sched(7),
# autogroup): the server sets its session's nice value, which any process
# may raise and bring back down to 0, and its threads' (coming back takes
# an RLIMIT_NICE of 20 - the value, which the hub, as root, gives the
# servers it starts; no learner can go below it).
nice = env.get("GOPHERLAB_HUB_NICE") or "0"
c.Spawner.cmd = ["/usr/bin/python3", os.path.join(prefix, "bin", "gopherlab-singleuser")]
try:
    resource.setrlimit(resource.RLIMIT_NICE, (20 - int(nice), 20 - int(nice)))
except (OSError, ValueError):  # not root: the servers start at GOPHERLAB_HUB_NICE
    pass
c.Spawner.default_url = "/tree/lessons"
c.Spawner.notebook_dir = "~"
c.Spawner.environment = {
    "GOPHERLAB_LESSONS": os.path.join(prefix, "share", "gopherlab", "lessons"),
    "JUPYTER_PATH": os.path.join(prefix, "share", "jupyter"),
    "JUPYTERHUB_SINGLEUSER_APP": "notebook.notebookapp.NotebookApp",
    "GOPHERLAB_WORKERS": env.get("GOPHERLAB_HUB_WORKERS") or "ready=2,idle=10s,machine=32",
    # Interpreted workers only. A compiled worker is a `go build` per kernel
    # and declarations, cached in each learner's ~/.cache/gopherlab/workers
    # (a cache shared by learners would let one plant a binary the others'
    # kernels run): a class would run the same builds once per learner, on
    # processors it already saturates, for the lessons' small processes.
    # Besides, the build is offline and a learner has no module cache: it
    # would fail ("module lookup disabled by GOPROXY=off").
    "GOPHERLAB_COMPILED_WORKERS": "0",
    # No signal handlers in the kernels: the Go runtime keeps two threads
    # for a program that handles signals, two of the five of an idle
    # kernel, and Jupyter needs none (interrupts are messages, shutdown a
    # request).
    "GOPHERLAB_SIGNALS": "off",
    # The kernels' own GOGC (their workers keep Go's default): an idle
    # kernel's memory is mostly the pages its surviving objects are
    # scattered over, and collecting more often while cells run scatters
    # them over fewer (1.5 MiB less per learner at 50, 3 MiB at 30).
    "GOPHERLAB_GOGC": env.get("GOPHERLAB_HUB_GOGC", "30"),
    # The priority the servers serve at, after starting at the lowest.
    "GOPHERLAB_NICE": nice,
}
# The Go the kernels type-check against, and the build cache they share
# for its standard library (filled by run-hub.sh).
if env.get("GOPHERLAB_HUB_GOROOT"):
    c.Spawner.environment["GOROOT"] = env["GOPHERLAB_HUB_GOROOT"]
if env.get("GOPHERLAB_HUB_GOCACHE"):
    c.Spawner.environment["GOPHERLAB_GOCACHE"] = env["GOPHERLAB_HUB_GOCACHE"]

admins = [a for a in env.get("GOPHERLAB_HUB_ADMINS", "").split(",") if a]
c.Authenticator.admin_users = set(admins)

if accounts == "unix":
    c.JupyterHub.authenticator_class = "pam"
    c.JupyterHub.spawner_class = "localprocess"
    # Adding a user in the hub's admin page creates the Unix account.
    c.LocalAuthenticator.create_system_users = env.get("GOPHERLAB_HUB_CREATE_USERS") == "1"
elif accounts == "demo":
    c.JupyterHub.authenticator_class = "dummy"
    c.DummyAuthenticator.password = env["GOPHERLAB_HUB_PASSWORD"]
    c.JupyterHub.spawner_class = "simple"
    c.SimpleLocalProcessSpawner.home_dir_template = os.path.join(state, "homes", "{username}")
else:
    raise ValueError("GOPHERLAB_HUB_ACCOUNTS=%r: want unix or demo" % accounts)

# A token for scripts (the load test, a teacher's): admin of users and
# their servers.
token = env.get("GOPHERLAB_HUB_API_TOKEN")
if token:
    c.JupyterHub.services = [{"name": "gopherlab-admin", "api_token": token}]
    c.JupyterHub.load_roles = [
        {
            "name": "gopherlab-admin",
            "scopes": ["admin:users", "admin:servers", "tokens", "admin:server_state"],
            "services": ["gopherlab-admin"],
        }
    ]

# run-hub.sh --config FILE: the teacher's own settings, last.
if env.get("GOPHERLAB_HUB_EXTRA_CONFIG"):
    load_subconfig(env["GOPHERLAB_HUB_EXTRA_CONFIG"])  # noqa: F821 (defined by traitlets)
