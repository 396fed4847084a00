package lessons

import (
	"regexp"
	"strconv"
	"strings"
)

// tryChecks holds, per "NN-n" (lesson NN, try n), what the text promises
// once the try's edit is applied. The check cells of a lesson may say ✗ in
// a try (it changed what they check); a try's own promise is checked here.
var tryChecks = map[string]func(l *lessonT){
	"00-1": func(l *lessonT) {
		l.contains("fixed", l.stdout("total += p"), "total: 12")
		if l.failed("total += p") {
			l.Errorf("%s: the fixed cell still fails:\n%s", l.path, l.text("total += p"))
		}
	},
	"00-2": func(l *lessonT) {
		n := 0
		for _, c := range l.nb.Cells {
			if c.Type == "code" && strings.Contains(c.Source, "var visits int") {
				n++
				l.contains("visits", cellText(c), l.tr("this cell ran 1 time(s)", "这个单元格运行了 1 次"))
			}
		}
		if n != 2 {
			l.Errorf("%s: %d visits cells, want the cell twice", l.path, n)
		}
	},
	"00-3": func(l *lessonT) {
		l.contains("check", l.stdout("greet(\"x\")"), l.tr("✓ the kernel kept runs = 3", "✓ 内核保留了之前单元格中的 runs（= 3）"))
	},
	"01-1": func(l *lessonT) {
		text := l.stdout(`mp.NewProcess(work, "A", 5)`)
		l.contains("child", text, l.tr("child A (pid ", "子进程 A（pid "), l.tr("): counter = 5", "）：counter = 5"))
		l.contains("parent", text, l.tr("parent (pid ", "父进程（pid "), l.tr("): counter = 0", "）：counter = 0"))
	},
	"01-2": func(l *lessonT) {
		text := l.stdout(`mp.NewProcess(work, "A", 5`)
		l.contains("slice", text, l.tr("the parent's slice: [1 2 3]", "父进程的切片： [1 2 3]"))
		l.contains("child", text, l.tr("): counter = 5", "）：counter = 5"))
	},
	"01-3": func(l *lessonT) {
		l.contains("refused", l.stdout("func() { fmt.Println(\"hi\") }"), "mp: cannot run a function literal in a child process", "declared at the top level")
	},
	"02-1": func(l *lessonT) {
		text := l.stdout("p2 := mp.NewProcess(add, number, 3)")
		l.mainEndEarly(text)
		procs, nums, _ := adds(text)
		l.interleaved(text, procs)
		if got := lasts(procs, nums); len(procs) != 10 || got["1"] != 5 || got["3"] != 15 {
			l.Errorf("%s: want lesson 02's output at a slower pace:\n%s", l.path, text)
		}
	},
	"02-2": func(l *lessonT) {
		text := l.stdout("p3 := mp.NewProcess(add, number, 5)")
		procs, nums, _ := adds(text)
		l.interleaved(text, procs)
		if got := lasts(procs, nums); len(procs) != 15 || got["1"] != 5 || got["3"] != 15 || got["5"] != 25 {
			l.Errorf("%s: want three interleaved lanes ending at 5, 15 and 25:\n%s", l.path, text)
		}
	},
	"02-3": func(l *lessonT) {
		text := l.stdout("p1.Join()\np2.Start()")
		l.contains("join", text, "init add1", "add1 number = 5\n", "main end\n")
		l.contains("join", text, "add1 number = 5\n", "init add3")
		procs, _, _ := adds(text)
		l.grouped(text, procs)
	},
	"03-1": func(l *lessonT) {
		holds, _ := l.timeline("lock.Timeline()")
		var pids []string
		count := map[int]int{}
		for i, h := range holds {
			pids = append(pids, strconv.Itoa(h.pid))
			count[h.pid]++
			if i > 0 && h.from < holds[i-1].to {
				l.Errorf("%s: holds overlap: %+v", l.path, holds)
			}
		}
		if len(holds) != 10 || len(count) != 2 {
			l.Errorf("%s: %d holds by %d processes, want 10 short ones by 2", l.path, len(holds), len(count))
		}
		if turns(pids) >= 9 {
			l.Errorf("%s: the holds alternate strictly (%v); the text says a lock is not fair and they rarely do", l.path, pids)
		}
	},
	"03-2": func(l *lessonT) {
		holds, _ := l.timeline("lock.Timeline()")
		var pids []string
		for _, h := range holds {
			pids = append(pids, strconv.Itoa(h.pid))
		}
		// Once both run: the first may hold it a turn or two alone before
		// the second has started, and the second as many after the first
		// has finished.
		both := pids
		for len(both) > 1 && both[1] == both[0] && len(pids)-len(both) < 2 {
			both = both[1:]
		}
		for n := 0; len(both) > 1 && both[len(both)-2] == both[len(both)-1] && n < 2; n++ {
			both = both[:len(both)-1]
		}
		if len(holds) != 10 || turns(both) != len(both)-1 {
			l.Errorf("%s: holds by %v; want 10 that alternate once both processes run", l.path, pids)
		}
	},
	"03-3": func(l *lessonT) {
		l.contains("empty timeline", l.svg("lock.Timeline()"), l.tr("no events recorded", "没有记录到事件"))
		text := l.stdout("p2 := mp.NewProcess(add, number, 3, lock)")
		procs, nums, _ := adds(text)
		l.interleaved(text, procs)
		if got := lasts(procs, nums); got["1"] != 5 || got["3"] != 15 {
			l.Errorf("%s: want lesson 02's output:\n%s", l.path, text)
		}
	},
	"03-4": func(l *lessonT) {
		holds, waits := l.timeline("lock.Timeline()")
		l.oneAfterOther(holds, 3)
		waited := map[int]bool{}
		for _, w := range waits {
			waited[w.pid] = true
		}
		if len(holds) == 3 && (!waited[holds[1].pid] || !waited[holds[2].pid]) {
			l.Errorf("%s: want the second and third holders waiting: holds %+v, waits %+v", l.path, holds, waits)
		}
		text := l.stdout("p3 := mp.NewProcess(add, number, 5, lock)")
		procs, nums, _ := adds(text)
		if got := lasts(procs, nums); turns(procs) != 2 || got["5"] != 25 {
			l.Errorf("%s: want three groups of lines, add5 ending at 25:\n%s", l.path, text)
		}
	},
	"04-1": func(l *lessonT) {
		text := l.stdout("p2 := mp.NewProcess(add, number, 3, lock)")
		procs, nums, _ := adds(text)
		count := map[string]int{}
		for _, p := range procs {
			count[p]++
		}
		if got := lasts(procs, nums); count["1"] != 5 || got["1"] != 5 || count["3"] != 2 {
			l.Errorf("%s: want add1's five lines and add3's two before it died:\n%s", l.path, text)
		}
		l.contains("panic", l.stderr("p2 := mp.NewProcess(add, number, 3, lock)"), "step failed")
		check := l.stdout("var spans []mp.Span")
		if strings.Count(check, l.tr("exit code 1", "退出码 1")) != 1 {
			l.Errorf("%s: want one process with exit code 1 in the check:\n%s", l.path, check)
		}
		holds, _ := l.timeline("lock.Timeline()")
		open := 0
		for _, h := range holds {
			if h.open {
				open++
				if h.to-h.from < 350 {
					l.Errorf("%s: add3's hatched hold lasts %.1f ms; it held the lock for two 200 ms steps until its process died", l.path, h.to-h.from)
				}
			}
		}
		if len(holds) != 2 || open != 1 {
			l.Errorf("%s: holds %+v; want add1's and add3's, add3's hatched", l.path, holds)
		}
	},
	"04-2": func(l *lessonT) {
		text := l.stdout("p2 := mp.NewProcess(add, number, 3, lock)")
		gave := regexp.MustCompile(`(?m)^add(\d) gave up$`).FindAllStringSubmatch(text, -1)
		procs, _, _ := adds(text)
		if len(gave) != 1 || len(procs) != 5 || procs[0] == gave[0][1] {
			l.Errorf("%s: want one process giving up and the other printing its five lines:\n%s", l.path, text)
		}
		holds, waits := l.timeline("lock.Timeline()")
		var child []bar
		for _, w := range waits {
			if w.process != "MainProcess" {
				child = append(child, w)
			}
		}
		if len(child) != 1 || child[0].to-child[0].from < 290 || child[0].to-child[0].from > 800 {
			l.Errorf("%s: waits %+v; want one thin bar of about 300 ms", l.path, waits)
		}
		if n := len(holds); n < 1 {
			l.Errorf("%s: no holds", l.path)
		}
	},
	"04-3": func(l *lessonT) {
		text := l.stdout("p2 := mp.NewProcess(add, number, 3, lock)")
		l.contains("busy", text, l.tr("parent: TryLock says the lock is busy", "父进程：TryLock 说锁正忙"))
		holder, _, _ := l.parentSees(text)
		holds, _ := l.timeline("lock.Timeline()")
		var kids []bar
		for _, h := range holds {
			if h.process != "MainProcess" {
				kids = append(kids, h)
			}
		}
		if len(kids) != 2 || kids[1].pid != holder {
			l.Errorf("%s: at 1.5 s the lock was held by pid %d; want the second holder: %+v", l.path, holder, kids)
		}
	},
	"05-1": func(l *lessonT) {
		l.contains("value", l.exact("number.Load()"), "40")
	},
	"05-2": func(l *lessonT) {
		text := l.stdout("p3 := mp.NewProcess(add, number, 5)")
		_, nums, _ := adds(text)
		if len(nums) != 15 || nums[14] != 45 {
			l.Errorf("%s: want 15 addition lines ending at 45:\n%s", l.path, text)
		}
		l.contains("value", l.exact("number.Load()"), "45")
	},
	"05-3": func(l *lessonT) {
		out := strings.TrimSpace(l.exact("number.Load()"))
		if n, err := strconv.Atoi(out); err != nil || n > 20 || n < 4 {
			l.Errorf("%s: number.Load() = %q; read-then-write adds at most 20", l.path, out)
		}
	},
	"06-1": func(l *lessonT) {
		text := l.stdout("p2 := mp.NewProcess(add, number, 3, lock)")
		procs, nums, _ := adds(text)
		l.interleaved(text, procs)
		if len(nums) != 10 || nums[9] != 20 {
			l.Errorf("%s: want lesson 05's output ending at 20:\n%s", l.path, text)
		}
	},
	"06-2": func(l *lessonT) {
		text := l.stdout("p2 := mp.NewProcess(add, number, 3, lock)")
		procs, nums, _ := adds(text)
		l.interleaved(text, procs)
		if len(nums) != 10 || nums[9] != 20 {
			l.Errorf("%s: want mixed lines ending at 20:\n%s", l.path, text)
		}
	},
	"06-3": func(l *lessonT) {
		text := l.stdout("p2 := mp.NewProcess(add, number, 3, lock)")
		procs, _, _ := adds(text)
		l.grouped(text, procs)
		l.continues(text)
		l.contains("empty timeline", l.svg("lock.Timeline()"), l.tr("no events recorded", "没有记录到事件"))
	},
	"07-1": func(l *lessonT) {
		text := l.stdout("p3 := mp.NewProcess(change, arr)")
		lines := regexp.MustCompile(`(?m)^\[.*\]$`).FindAllString(text, -1)
		if len(lines) != 2 {
			l.Errorf("%s: want two array lines:\n%s", l.path, text)
			return
		}
		positive := 0
		for _, f := range strings.Fields(strings.Trim(lines[1], "[]")) {
			if n, _ := strconv.Atoi(f); n > 0 {
				positive++
			}
		}
		if positive < 5 {
			l.Errorf("%s: the second line %s is mostly negated; without Join it is printed as change begins", l.path, lines[1])
		}
	},
	"07-2": func(l *lessonT) {
		l.contains("array", l.stdout("p3 := mp.NewProcess(change, arr)"), "[0 1 2 3 4 5 6 7 8 9]\n", "[0 -1 -2 -3 -4 -5 -6 -7 -8 -9]\n")
	},
	"07-3": func(l *lessonT) {
		out := l.stdout("negateAll")
		if !regexp.MustCompile(`^-7 [0-9.]+(µs|ms|s)\n$`).MatchString(out) {
			l.Errorf("%s: want the last element negated (-7) and the time it took: %q", l.path, out)
		}
	},
	"08-1": func(l *lessonT) {
		src := []string{"turnWriter, path, lock, turn"}
		if !l.failed(src...) {
			l.Errorf("%s: the part 3 cell was not interrupted:\n%s", l.path, l.text(src...))
		}
		l.contains("interrupt", l.stderr(src...), "stopped", "interrupted")
		final := l.finalView(src...)
		l.contains("final view", final, "turn Value('i'): 1\n")
		l.contains("final view", final, l.tr("killed by SIGTERM", "被 SIGTERM 终止"))
	},
	"08-2": func(l *lessonT) {
		l.contains("reader first", l.stdout("lockedReader, path, onlyLock"), l.tr("reader:   cannot read: the file does not exist yet", "读者：  无法读取： 文件还不存在"))
	},
	"08-3": func(l *lessonT) {
		l.contains("three lines", l.stdout("turnAppender3"), l.tr(`line 3, appended by the second appender\n"`, `第 3 行，由第二个追加者追加\n"`))
	},
	"09-1": func(l *lessonT) {
		l.atomicsVersusLocks(l.stdout("func adder("))
	},
	"09-2": func(l *lessonT) {
		src := []string{"crasher := mp.NewProcess(crash, lock, holding, asking)"}
		if !l.failed(src...) {
			l.Errorf("%s: the part 1 cell was not interrupted", l.path)
		}
		l.contains("interrupt", l.stderr(src...), "stopped", "interrupted")
		holds, waits := l.timeline("lock.Timeline()")
		// The cell is interrupted once it has said nothing for 3 s. Both
		// are stopped at once: when the crasher dies first, the lock passes
		// to the patient for the instant before it is stopped too.
		if len(holds) == 2 && holds[1].process == "patient" && holds[1].from-holds[0].to < 100 && holds[1].to-holds[1].from < 500 {
			holds = holds[:1]
		}
		if len(holds) != 1 || !holds[0].open || holds[0].to-holds[0].from < 1500 {
			l.Errorf("%s: holds %+v; want the crasher's, hatched, for the seconds until it was stopped", l.path, holds)
		} else if len(waits) != 1 || waits[0].process != "patient" || waits[0].to < holds[0].to-500 || waits[0].to > holds[0].to+500 {
			l.Errorf("%s: waits %+v; want the patient waiting until it was stopped with the crasher at %.1f ms", l.path, waits, holds[0].to)
		}
		l.atomicsVersusLocks(l.stdout("func adder("))
	},
	"09-3": func(l *lessonT) {
		src := []string{"crasher := mp.NewProcess(crash, lock, holding, asking)"}
		l.contains("gave up", l.stdout(src...), l.tr("patient: gave up after 20 ms", "耐心的进程：等了 20 毫秒后放弃"))
		_, waits := l.timeline("lock.Timeline()")
		if len(waits) != 1 || waits[0].to-waits[0].from < 19 || waits[0].to-waits[0].from > 200 {
			l.Errorf("%s: waits %+v; want the patient's 20 ms", l.path, waits)
		}
	},
	"10-1": func(l *lessonT) {
		l.contains("strings", l.stdout("func shout("), "[HELLO! POOL!] <nil>")
	},
	"10-2": func(l *lessonT) {
		l.contains("error", l.stdout("func mustBePositive("), "[1 0 3] mp: Pool.MapInts: item 1: -2 < 0")
	},
	"10-3": func(l *lessonT) {
		l.contains("closed", l.stdout("pool := mp.NewPool(4)"), "mp: Pool.MapInts: use of a closed Pool")
	},
	"11-1": func(l *lessonT) {
		src := []string{"func producer("}
		if !l.failed(src...) {
			l.Errorf("%s: the cell was not interrupted", l.path)
		}
		l.contains("interrupt", l.stderr(src...), "stopped consumer-", "interrupted")
	},
	"11-2": func(l *lessonT) {
		l.queueRun(l.stdout("func producer("), 3)
	},
	"11-3": func(l *lessonT) {
		src := []string{"func producer("}
		l.queueRun(l.stdout(src...), 2)
		views, ok := l.views(src...)
		if !ok {
			return
		}
		for _, v := range views {
			if m := regexp.MustCompile(`q Queue: (\d+)`).FindStringSubmatch(v); m != nil {
				if n, _ := strconv.Atoi(m[1]); n > 4 {
					return
				}
			}
		}
		l.Errorf("%s: no live view showed more than 4 items in the unbounded queue:\n%s", l.path, strings.Join(views, "----\n"))
	},
	"12-1": func(l *lessonT) {
		l.contains("poll", l.stdout("func squarer("), l.tr("anything more? true", "还有别的吗？ true"))
	},
	"12-2": func(l *lessonT) {
		src := []string{"func squarer("}
		if !l.failed(src...) {
			l.Errorf("%s: the cell was not interrupted", l.path)
		}
		l.contains("interrupt", l.stderr(src...), "stopped", "interrupted")
	},
	"12-3": func(l *lessonT) {
		l.contains("pipe", l.stdout("func squarer("), "EOF", l.tr("the child's exit code: 0", "子进程的退出码： 0"))
	},
	"13-1": func(l *lessonT) {
		l.semaphoreRun(l.stdout("func visitor("), 3)
	},
	"13-2": func(l *lessonT) {
		l.barrierRun(l.stdout("func hiker("), false)
	},
	"13-3": func(l *lessonT) {
		l.eventRun(l.stdout("func runner("), true)
	},
	"14-1": func(l *lessonT) {
		src := []string{"func transfer("}
		if !l.failed(src...) {
			l.Errorf("%s: the cell was not interrupted", l.path)
		}
		l.contains("interrupt", l.stderr(src...), "stopped", "interrupted")
		l.sawDeadlock(src)
		if final := l.finalView(src...); strings.Count(final, l.tr("killed by SIGTERM", "被 SIGTERM 终止")) != 2 {
			l.Errorf("%s: want both processes stopped in the last view:\n%s", l.path, final)
		}
	},
	"14-2": func(l *lessonT) {
		text := l.stdout("func transfer(")
		if strings.Count(text, l.tr("gave up waiting for its second lock", "放弃等待第二把锁")) != 2 {
			l.Errorf("%s: want both giving up:\n%s", l.path, text)
		}
	},
	"14-3": func(l *lessonT) {
		if n := strings.Count(l.stdout("func orderedTransfer("), l.tr("got both locks", "拿到了两把锁")); n != 2 {
			l.Errorf("%s: %d processes got both locks in the order b, a; want 2", l.path, n)
		}
	},
	"15-1": func(l *lessonT) {
		l.contains("solved", l.stdout("want := 5133"), l.tr("✓ 5133 primes below 50000, counted by 4 processes.", "✓ 小于 50000 的素数有 5133 个，由 4 个进程统计完成。"))
	},
	"15-2": func(l *lessonT) {
		// How many still run depends on how fast they count: at least the
		// last one started.
		text := l.stdout("want := 5133")
		if !regexp.MustCompile(l.tr(`✗ Not yet: countPrimes returned while [1-4] of its processes were still running`, `✗ 还没有：countPrimes 返回时还有 [1-4] 个进程在运行`)).MatchString(text) {
			l.Errorf("%s: want the check to say processes were still running when countPrimes returned:\n%s", l.path, text)
		}
		l.contains("join", text, "Join")
	},
	"15-3": func(l *lessonT) {
		l.contains("workers", l.stdout("want := 5133"), l.tr("✗ Not yet: countPrimes started 1 processes; the task asks for workers, that is 4.", "✗ 还没有：countPrimes 启动了 1 个进程；任务要求 workers 个，也就是 4 个。"))
	},
	"15-4": func(l *lessonT) {
		l.contains("twice", l.stdout("want := 5133"), l.tr("some numbers were counted twice", "有些数被数了两次"))
	},
	"15-5": func(l *lessonT) {
		l.contains("solution", l.stdout("showSolution := true"), "func countRange(from, to int, total *mp.Value) {", "p.Join()", "return total.Load()")
	},
}
