// Package hub is the gopherlab lessons for a class, on JupyterHub: the set-up
// and its test. It holds no Go API; the set-up is in the files next to this
// one:
//
//   - run-hub.sh: one command that builds gopherlab, installs it with the
//     lessons and starts JupyterHub (Debian's jupyterhub and
//     node-configurable-http-proxy) with jupyterhub_config.py; learners are
//     Unix users of the server (PAM, LocalProcessSpawner, the hub runs as
//     root) or, for a trial, demo accounts (any name, one password,
//     SimpleLocalProcessSpawner, each learner in a home of their own under
//     the hub's state directory, no isolation);
//   - gopherlab-singleuser: each learner's server (the classic Notebook),
//     which copies the lessons into ~/lessons on first login, trusts them,
//     and runs kernels on the ipc transport in a runtime directory short
//     enough for a socket path (no TCP port to race for);
//   - loadtest.py: a class logging in, running lessons over the kernels'
//     websockets with think time, leaving a kernel per lesson running, and
//     logging out; it prints the checks, cell and process-start latencies,
//     memory and threads, and what is left;
//   - Containerfile: the single-user image for DockerSpawner or
//     KubeSpawner, beyond one server (and the way in from macOS and
//     Windows).
//
// The kernels follow GOPHERLAB_WORKERS (kernel/worker's Policy), which the
// hub sets: few workers kept in advance, ended once a kernel is idle, and a
// cap for the machine; and GOPHERLAB_SIGNALS=off, which saves the two
// threads the Go runtime keeps for a program that handles signals.
//
// [TestClassroom] runs a small class through a real hub when
// GOPHERLAB_HUB_TEST is set (.ci/run sets it).
package hub
