// Package mp runs functions in separate OS processes that share locks and
// memory, after Python's multiprocessing module.
//
// A [Process] runs a top-level function (its target) in a new process.
// Ordinary arguments are copied into the child; shared objects — [Lock],
// [RLock], [Semaphore], [Event], [Condition], [Barrier], [Value], [Array],
// [Queue], [Conn] — passed as arguments are the same objects in parent and
// child, backed by shared memory and sockets:
//
//	func add(number *mp.Value, value int, lock *mp.Lock) {
//		lock.Lock()
//		defer lock.Unlock()
//		number.Store(number.Load() + value)
//	}
//
//	func main() {
//		mp.Main() // first thing: a child runs its target here
//		number, lock := mp.NewValue("i", 0), mp.NewLock()
//		p := mp.NewProcess(add, number, 5, lock)
//		if err := p.Start(); err != nil {
//			log.Fatal(err)
//		}
//		if err := p.Join(); err != nil {
//			log.Fatal(err)
//		}
//		fmt.Println(number.Load()) // 5
//	}
//
// # From Python
//
//	Python multiprocessing                      Go, package mp
//	------------------------------------------  ---------------------------------------------
//	if __name__ == "__main__":                  mp.Main() first in main (TestMain in tests)
//	p = Process(target=f, args=(a, b))          p := mp.NewProcess(f, a, b)
//	p.start()                                   err := p.Start()
//	p.join()                                    err := p.Join()   // *mp.ExitError if it failed
//	p.join(timeout)                             exited := p.JoinTimeout(d)
//	p.is_alive()                                p.IsAlive()
//	p.exitcode  (None, 0, 1, -9, -15)           p.ExitCode()  (-1 until exited, 0, 1, -9, -15)
//	p.pid, p.name, p.daemon = True              p.Pid(), p.Name(), p.SetName(s), p.SetDaemon(true)
//	p.terminate(), p.kill()                     p.Terminate(), p.Kill()
//	current_process().name                      mp.CurrentProcess().Name()
//	set_start_method("spawn"|"forkserver")      mp.SetStartMethod("spawn"|"forkserver")  (notebooks: "fork")
//	Lock(); with lock: ...                      l := mp.NewLock(); l.Lock(); defer l.Unlock()
//	lock.acquire(timeout=t)                     l.LockTimeout(t)
//	RLock(), Semaphore(n), BoundedSemaphore(n)  mp.NewRLock(), mp.NewSemaphore(n), mp.NewBoundedSemaphore(n)
//	Event(), Condition(lock), Barrier(n)        mp.NewEvent(), mp.NewCondition(l), mp.NewBarrier(n)
//	Value('i', 0); v.value += 1                 v := mp.NewValue("i", 0); v.Store(v.Load() + 1)
//	with v.get_lock(): ...                      v.GetLock().Lock() ... Unlock()
//	Value('i', 0, lock=False)                   mp.NewRawValue("i", 0)
//	Array('i', 10); Array('d', [1.5, 2])        mp.NewArray("i", 10); mp.NewArray("d", []float64{1.5, 2})
//	arr[i] = -arr[i]; arr[:]                    arr.Store(i, -arr.Load(i)); arr.Ints(), or arr.Int32s()[i]
//	q = Queue(maxsize)                          q := mp.NewQueue(capacity)
//	q.put(x); q.get()                           err := q.Put(x); x, err := q.Get()  (or q.GetInto(&x))
//	q.put([42, None, 'hello'])                  q.Put([]any{42, nil, "hello"})
//	q.get(timeout=t), queue.Empty, queue.Full   q.GetTimeout(t), mp.ErrEmpty, mp.ErrFull
//	q.qsize(); q.close()                        q.Len(); q.Close()
//	a, b = Pipe(); a.send(x); b.recv()          a, b := mp.NewPipe(); a.Send(x); x, err := b.Recv()
//	b.poll(timeout)                             b.Poll(d)
//	with Pool(4) as pool: pool.map(f, xs)       pool := mp.NewPool(4); defer pool.Close(); res, err := pool.Map(f, xs)
//	                                            (xs any slice; res []any), or pool.MapInto(f, xs, &typed)
//	pool.starmap(f, [(1, 2)]); pool.apply(f, a) pool.Starmap(f, [][]any{{1, 2}}); pool.Apply(f, a)
//	r = pool.map_async(f, xs); r.get()          r := pool.MapAsync(f, xs); res, err := r.Get()  (ApplyAsync too)
//	for x in pool.imap(f, xs): ...              for x, err := range pool.Imap(f, xs).All() { ... }
//
// # Targets and children
//
// A child is a new run of the same program: the default launcher
// re-executes os.Executable with a socket at file descriptor 3, and [Main]
// (or [RunChild]) receives the target and its arguments over it, runs the
// target and exits. Targets need no registration, but they must be
// top-level functions: function literals, closures and method values are
// refused by [Process.Start] with a message saying what to write instead,
// because the child cannot see the variables they capture. Arguments are
// copied deeply, as a fork copies memory: numbers, strings, slices, arrays,
// maps, structs (unexported fields too), pointers (the child's point to its
// copies), interface values, top-level functions (by name); shared objects
// anywhere inside them are shared, not copied. Channels, function literals
// and open files are refused, and numbers convert to the parameter's type
// as an untyped constant would.
//
// A child exits with status 0 when its target returns, 1 when the target
// panics or returns a non-nil error, n when it calls os.Exit(n), and is
// killed (-9) when its parent dies. A panic is printed to the child's
// stderr as Go prints it, followed by the process's name:
//
//	panic: boom
//
//	goroutine 1 [running]:
//	main.work(...)
//		/src/prog/main.go:12
//	[in process Process-1]
//
// Its standard output and error are the parent's. [SetStartMethod]
// ("forkserver") keeps one child started in advance so that Start only has
// to hand it the target.
//
// # Copying
//
// What goes to another process — arguments, [Queue] items, [Conn]
// messages, a notebook's variables — is copied as a fork copies memory,
// by structure: numbers, strings, slices, arrays, maps, structs (their
// unexported fields too), pointers (the copy's point to copies, nil stays
// nil, two pointers to one variable still point to one, and cycles end),
// interface values whose dynamic value can be copied, types that marshal
// themselves (time.Time, big.Int) and top-level functions (by name). The
// receiver decodes into its own type of the same structure: the same
// fields in the same order, with the same names and kinds; numbers convert
// to any numeric type they fit; anything else is an error saying what
// differs. Slices of numbers are copied as memory, and a large one going to
// a child is mapped by it rather than copied again. Shared objects — a
// [Lock] anywhere inside an argument, a slice of [Value]s, a struct field
// holding a [*Queue] — are shared, not copied. Channels, function literals
// and closures, unsafe pointers and open files (other than os.Stdin,
// os.Stdout and os.Stderr) cannot be copied: Start, Put and Send return an
// error naming the value and saying what to use instead.
//
// # Notebooks
//
// gopherlab's kernel runs functions defined in notebook cells in children
// through a [Launcher] that is a [Namespace] ([SetLauncher], [RunChild]). A
// child starts from the notebook as it is at Start, as a child of Python on
// Linux (fork) does: it gets a copy of every notebook variable its target
// can reach, directly or through the functions it calls, with the value
// the variable has at Start, and the mp objects among them are the
// parent's (a global lock excludes across processes). No statement of any
// cell runs again in the child. A variable whose value cannot be copied (a
// channel, a closure, an open file) is the zero value in the child, and a
// note on the cell's stderr names it and says why. A [Pool]'s workers,
// which may run any function, get every variable when they start. A function declared in a
// cell that panics in a child is reported with the line of its cell. In a
// notebook, [SetStartMethod]("fork") is what cells do; "spawn" and
// "forkserver" return an error saying so.
//
// # Sharing
//
// Shared objects live in memory files (memfd) mapped by every process that
// holds them, or in sockets; nothing is left in /dev/shm, and the memory is
// freed when the last process holding it closes it or exits. Lock, Value
// and the other synchronisation types are futex words in that memory, so an
// uncontended Lock is a compare-and-swap and waiters sleep in the kernel.
package mp
