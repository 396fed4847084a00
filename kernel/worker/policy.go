package worker

import (
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"time"

	"golang.org/x/sys/unix"
)

// WorkersEnv names the environment variable that sets the kernel's
// [Policy], for instance in the env of a kernelspec or in the environment a
// JupyterHub spawner gives single-user servers (their kernels inherit it):
//
//	GOPHERLAB_WORKERS=ready=2,idle=30s,machine=32
//
// Settings are separated by commas or spaces; those not given keep the
// value of [DefaultPolicy]. "off" keeps no worker in advance at all (every
// Process.Start starts a worker, as Python's spawn does).
const WorkersEnv = "GOPHERLAB_WORKERS"

// Policy says which workers a [Launcher] starts in advance, so that a
// Process.Start from a cell finds one waiting, and for how long it keeps
// them. Each costs a process (about 4 MiB of memory of its own and 4
// threads); on a machine shared by a class, a kernel per open notebook, most
// of them idle, those are the cost of a kernel nobody uses, which Idle and
// Machine bound. The zero Policy keeps no worker in advance.
type Policy struct {
	// Ready is the most workers kept ready with the current declarations
	// (setting "ready"): as many as the last cell that started processes
	// started, at least 2, at most Ready. 0 keeps none.
	Ready int
	// Spare keeps a worker started that waits for its declarations, for a
	// Start right after the declarations changed (setting "spare", on or
	// off).
	Spare bool
	// Idle is how long after the end of the last cell the launcher keeps
	// its workers (setting "idle", a Go duration such as 30s or 10m; 0 or
	// "never": as long as the kernel runs). Then it ends them, those still
	// starting too, and calls the functions given to [Launcher.OnIdle]; the
	// next cell starts them again, so that only a Start in the first cell
	// after a pause waits for a new worker.
	Idle time.Duration
	// Machine caps the workers kept in advance by all the kernels on the
	// machine together, whoever runs them (setting "machine"; 0: no cap).
	// Each takes a slot, an abstract Unix socket name, which the system
	// frees when the kernel exits; a kernel that finds none free keeps
	// fewer workers, or none, until slots free up. The names are per
	// network namespace: in containers, the cap is per container.
	Machine int

	pool string // the slots' name prefix; tests use their own
}

// DefaultPolicy is the policy of a kernel without [WorkersEnv]: up to 8
// workers ready and a spare, ended after 10 minutes without a cell, no
// machine cap.
var DefaultPolicy = Policy{Ready: maxReady, Spare: true, Idle: 10 * time.Minute}

// defaultPool prefixes the names of the machine's worker slots.
const defaultPool = "gopherlab-workers"

// ParsePolicy returns the policy s describes in the format of
// [WorkersEnv]; settings s does not give keep the values of
// [DefaultPolicy].
func ParsePolicy(s string) (Policy, error) {
	p := DefaultPolicy
	fields := strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' })
	for _, f := range fields {
		if f == "off" {
			p.Ready, p.Spare = 0, false
			continue
		}
		key, val, ok := strings.Cut(f, "=")
		if !ok {
			return DefaultPolicy, fmt.Errorf("worker: %s: %q is not a setting (want key=value: ready, spare, idle, machine; or off)", WorkersEnv, f)
		}
		bad := func(want string) error {
			return fmt.Errorf("worker: %s: %s=%s: want %s", WorkersEnv, key, val, want)
		}
		switch key {
		case "ready":
			n, err := strconv.Atoi(val)
			if err != nil || n < 0 || n > maxReady {
				return DefaultPolicy, bad(fmt.Sprintf("a number from 0 to %d", maxReady))
			}
			p.Ready = n
		case "spare":
			switch val {
			case "on", "1", "true", "yes":
				p.Spare = true
			case "off", "0", "false", "no":
				p.Spare = false
			default:
				return DefaultPolicy, bad("on or off")
			}
		case "idle":
			if val == "never" || val == "0" {
				p.Idle = 0
				continue
			}
			d, err := time.ParseDuration(val)
			if err != nil || d < 0 {
				return DefaultPolicy, bad("a duration such as 30s or 10m, or never")
			}
			p.Idle = d
		case "machine":
			n, err := strconv.Atoi(val)
			if err != nil || n < 0 || n > 1<<16 {
				return DefaultPolicy, bad("a number of workers, 0 for no cap")
			}
			p.Machine = n
		default:
			return DefaultPolicy, fmt.Errorf("worker: %s: unknown setting %q (want ready, spare, idle, machine or off)", WorkersEnv, key)
		}
	}
	return p, nil
}

// PolicyFromEnv returns the policy [WorkersEnv] sets, [DefaultPolicy] when
// it is unset, and DefaultPolicy with an error saying why when it cannot
// be read.
func PolicyFromEnv() (Policy, error) {
	return ParsePolicy(os.Getenv(WorkersEnv))
}

// String returns p in the format of [WorkersEnv].
func (p Policy) String() string {
	spare, idle := "off", "never"
	if p.Spare {
		spare = "on"
	}
	if p.Idle > 0 {
		idle = p.Idle.String()
	}
	return fmt.Sprintf("ready=%d,spare=%s,idle=%s,machine=%d", p.Ready, spare, idle, p.Machine)
}

// policyState is a launcher's policy and what it holds for it; l.mu guards
// it.
type policyState struct {
	p        Policy
	busy     bool        // a cell runs: CellStart came, CellDone not yet
	released bool        // the workers were ended for idleness; the next Prestart clears it
	timer    *time.Timer // ends the workers once idle; nil when not armed
	gen      int         // counts the timer's arming, so that a stale one does nothing
	slots    []int       // descriptors of the machine slots held
	onIdle   []func()
}

// SetPolicy makes l follow p from the next [Launcher.Prestart] on; workers
// started before stay until they are used or idle.
func (l *Launcher) SetPolicy(p Policy) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if p.pool == "" {
		p.pool = defaultPool
	}
	l.pol.p = p
	if !l.pol.busy {
		l.armIdleLocked()
	}
}

// Policy returns the policy l follows.
func (l *Launcher) Policy() Policy {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.pol.p
}

// OnIdle registers f to be called when l has ended its workers after the
// policy's Idle time without a cell and no process started through l runs
// (the kernel uses it to give back its idle threads and free memory).
func (l *Launcher) OnIdle(f func()) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.pol.onIdle = append(l.pol.onIdle, f)
}

// busyLocked tells the policy that a cell starts: no idle timer runs until
// it ends.
func (l *Launcher) busyLocked() {
	l.pol.busy = true
	l.pol.gen++
	if l.pol.timer != nil {
		l.pol.timer.Stop()
		l.pol.timer = nil
	}
}

// idleLocked tells the policy that the running cell has ended.
func (l *Launcher) idleLocked() {
	l.pol.busy = false
	l.armIdleLocked()
}

// armIdleLocked starts the idle timer anew.
func (l *Launcher) armIdleLocked() {
	l.pol.gen++
	if l.pol.timer != nil {
		l.pol.timer.Stop()
		l.pol.timer = nil
	}
	if l.pol.p.Idle <= 0 || l.closed {
		return
	}
	gen := l.pol.gen
	l.pol.timer = time.AfterFunc(l.pol.p.Idle, func() { l.idle(gen) })
}

// idle ends the workers kept in advance, gives back the machine slots and
// calls the OnIdle functions, unless a cell started since the timer was
// armed.
func (l *Launcher) idle(gen int) {
	l.mu.Lock()
	if gen != l.pol.gen || l.pol.busy || l.closed {
		l.mu.Unlock()
		return
	}
	l.pol.timer = nil
	l.pol.released = true
	warm := l.warm
	l.warm = nil
	if l.spare != nil {
		warm, l.spare = append(warm, l.spare), nil
	}
	l.releaseSlotsLocked(0)
	hooks := append([]func(){}, l.pol.onIdle...)
	l.broadcastLocked()
	l.mu.Unlock()
	closeAll(warm)
	// Workers still being started in advance are ended too: on a busy
	// machine, at the background priority, they may take minutes to be
	// ready (to be closed then), and the kernel is not idle until they are.
	// Those closed above have left l.procs (as Stop also relies on).
	l.mu.Lock()
	var starting []*child
	for c := range l.procs {
		if c.advance && !c.taken {
			starting = append(starting, c)
		}
	}
	l.mu.Unlock()
	for _, c := range starting {
		c.signal(unix.SIGKILL)
	}
	for _, c := range starting {
		<-c.done
	}
	// The OnIdle functions wait until no process runs: a daemon the cells
	// started keeps the kernel from being idle (and frugal.Release, which
	// ends threads, must not end the one that started it: it would get
	// its Pdeathsig).
	l.mu.Lock()
	running := len(l.procs) > 0 || l.starting > 0 || len(l.warming) > 0
	if running && !l.closed && !l.pol.busy {
		l.armIdleLocked()
	}
	l.mu.Unlock()
	if running {
		return
	}
	for _, f := range hooks {
		f()
	}
}

// planLocked fits a Prestart to the policy: given the ready workers l has
// or is starting (have) and those it would start (n, and a spare), it
// returns those it may start. With a machine cap it holds a slot for each
// worker kept in advance once they are started; when slots are short, the
// spare goes first, as it serves a Start whatever the declarations.
func (l *Launcher) planLocked(have, n int, spare bool) (int, bool) {
	l.pol.released = false
	n = max(0, min(n, l.pol.p.Ready-have))
	spare = spare && l.pol.p.Spare
	if l.pol.p.Machine <= 0 {
		return n, spare
	}
	hasSpare := l.spare != nil || l.spareStarts
	need := have + n + b2i(spare || hasSpare)
	if short := need - l.holdSlotsLocked(need); short > 0 {
		cut := min(short, n)
		n -= cut
		if short > cut && spare {
			spare = false
		}
	}
	l.releaseSlotsLocked(have + n + b2i(spare || hasSpare))
	return n, spare
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// holdSlotsLocked takes machine slots until l holds want of them, or none
// is free, and returns how many it holds.
func (l *Launcher) holdSlotsLocked(want int) int {
	for len(l.pol.slots) < want {
		fd := takeSlot(l.pol.p.pool, l.pol.p.Machine)
		if fd < 0 {
			break
		}
		l.pol.slots = append(l.pol.slots, fd)
	}
	return len(l.pol.slots)
}

// releaseSlotsLocked gives back the machine slots l holds beyond keep.
func (l *Launcher) releaseSlotsLocked(keep int) {
	for len(l.pol.slots) > max(keep, 0) {
		last := len(l.pol.slots) - 1
		unix.Close(l.pol.slots[last])
		l.pol.slots = l.pol.slots[:last]
	}
}

// takeSlot binds a free one of the abstract socket names "@pool/0" to
// "@pool/(n-1)", from a random start, and returns the socket, or -1 when
// all are taken. The system frees the name when the socket is closed, also
// when the process dies; children do not inherit it (close-on-exec).
func takeSlot(pool string, n int) int {
	fd, err := unix.Socket(unix.AF_UNIX, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return -1
	}
	start := rand.IntN(n)
	for k := range n {
		name := "@" + pool + "/" + strconv.Itoa((start+k)%n)
		if unix.Bind(fd, &unix.SockaddrUnix{Name: name}) == nil {
			return fd
		}
	}
	unix.Close(fd)
	return -1
}
