package lessons

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// This file holds, for each lesson, what its text says the output shows,
// as checks of an executed notebook (lessonChecks), and for each "Try this"
// item, what the text promises once its edit is applied (tryChecks, in
// tries_test.go). Every check holds in every run, in both editions: where
// the text says something varies, the check asserts only what it says holds.

// lessonChecks holds, per lesson number, what its output must show.
var lessonChecks = map[string]func(l *lessonT){
	"00": func(l *lessonT) {
		l.contains("hello", l.text(`greet("gopher")`), "hello, gopher")
		l.contains("result", l.text(`greet("notebook")`), `hello, notebook!`)
		l.contains("visits", l.text("var visits int"), l.tr("this cell ran 1 time(s)", "这个单元格运行了 1 次"))
		l.contains("runs", l.exact("runs++\nruns"), "1")
		l.contains("error", l.text("total += p"), "cell line 3", "undefined: total")
	},
	"01": func(l *lessonT) {
		text := l.stdout(`mp.NewProcess(work, "A", 5)`)
		re := l.tr(`child A \(pid (\d+)\): counter = 5\n(?s:.*)parent \(pid (\d+)\): counter = 0`,
			`子进程 A（pid (\d+)）：counter = 5\n(?s:.*)父进程（pid (\d+)）：counter = 0`)
		if m := regexp.MustCompile(re).FindStringSubmatch(text); m == nil || m[1] == m[2] {
			l.Errorf("%s: want the child (counter 5) then the parent (counter 0), with different pids:\n%s", l.path, text)
		}
		l.contains("process state", l.text("p.ExitCode()"), l.tr("exit code: 0", "退出码： 0"), l.tr("alive: false", "仍在运行： false"))
		slow := l.stdout("slowWork")
		l.contains("without join", slow, "main end\n")
		for _, child := range []string{l.tr("child A: counter = 1", "子进程 A：counter = 1"), l.tr("child B: counter = 2", "子进程 B：counter = 2")} {
			l.contains("without join", slow, "main end\n", child)
		}
	},
	"02": func(l *lessonT) {
		src := []string{"p2 := mp.NewProcess(add, number, 3)"}
		text := l.stdout(src...)
		l.mainEnd(text)
		l.mainEndEarly(text)
		procs, nums, inits := adds(text)
		if len(procs) != 10 || inits != 2 {
			l.Errorf("%s: %d addition lines and %d init lines, want 10 and 2:\n%s", l.path, len(procs), inits, text)
		}
		l.interleaved(text, procs)
		if got := lasts(procs, nums); got["1"] != 5 || got["3"] != 15 {
			l.Errorf("%s: add1 ended at %d and add3 at %d, want 5 and 15 (own copies)", l.path, got["1"], got["3"])
		}
		l.contains("number", l.exact("number"), "0")
		holds, _ := l.timeline("steps.Timeline()")
		var pids []string
		for _, h := range holds {
			pids = append(pids, strconv.Itoa(h.pid))
		}
		if len(holds) != 10 || longestRun(pids) > 2 {
			l.Errorf("%s: the check's picture has %d steps and a process with %d in a row; want 10 steps taking turns", l.path, len(holds), longestRun(pids))
		}
		// Both run at once unless the second started after the first ended,
		// which only a very busy machine does.
		if overlapping(procs) {
			running := l.tr("running", "运行中")
			l.sawView(src, "both processes running at once", `(?s)Process-\d+ \(pid \d+\): `+running+`\n.*Process-\d+ \(pid \d+\): `+running+`\n`)
		}
		l.finalProcesses(src, 2, 0)
	},
	"03": func(l *lessonT) {
		src := []string{"p2 := mp.NewProcess(add, number, 3, lock)"}
		text := l.stdout(src...)
		l.mainEnd(text)
		l.mainEndEarly(text)
		procs, nums, _ := adds(text)
		l.grouped(text, procs)
		if got := lasts(procs, nums); got["1"] != 5 || got["3"] != 15 {
			l.Errorf("%s: add1 ended at %d and add3 at %d, want 5 and 15", l.path, got["1"], got["3"])
		}
		holds, waits := l.timeline("lock.Timeline()")
		l.oneAfterOther(holds, 2)
		if len(holds) == 2 && l.waitedForRelease(waits, holds[1], holds[0]) {
			l.sawView(src, "one process holds the lock, the other waits", l.tr(`: running, holds Lock\n`, `: 运行中，持有 Lock\n`), l.tr(`: waiting for Lock`, `: 等待 Lock`))
		}
		l.finalProcesses(src, 2, 0)
	},
	"04": func(l *lessonT) {
		src := []string{"p2 := mp.NewProcess(add, number, 3, lock)"}
		text := l.stdout(src...)
		l.mainEnd(text)
		procs, nums, _ := adds(text)
		l.grouped(text, procs)
		if got := lasts(procs, nums); got["1"] != 5 || got["3"] != 15 {
			l.Errorf("%s: add1 ended at %d and add3 at %d, want 5 and 15", l.path, got["1"], got["3"])
		}
		holder, p1, p2 := l.parentSees(text)
		if holder == 0 || holder != p1 && holder != p2 {
			l.Errorf("%s: the parent saw the lock held by pid %d, want p1 (%d) or p2 (%d)", l.path, holder, p1, p2)
		}
		l.contains("TryLock", text, l.tr("parent: TryLock says the lock is busy; I do not wait", "父进程：TryLock 说锁正忙；我不等待"))
		holds, waits := l.timeline("lock.Timeline()")
		l.oneAfterOther(holds, 2)
		if len(holds) == 2 {
			if l.waitedForRelease(waits, holds[1], holds[0]) {
				l.sawView(src, "one process holds the lock, the other waits", l.tr(`: running, holds Lock\n`, `: 运行中，持有 Lock\n`), l.tr(`: waiting for Lock`, `: 等待 Lock`))
			}
			if holds[0].pid != holder {
				l.Errorf("%s: the parent saw pid %d holding the lock, but pid %d held it first", l.path, holder, holds[0].pid)
			}
		}
		l.finalProcesses(src, 2, 0)
	},
	"05": func(l *lessonT) {
		src := []string{"p2 := mp.NewProcess(add, number, 3)"}
		text := l.stdout(src...)
		l.mainEnd(text)
		l.mainEndEarly(text)
		procs, nums, _ := adds(text)
		if len(procs) != 10 {
			l.Errorf("%s: %d addition lines, want 10:\n%s", l.path, len(procs), text)
			return
		}
		l.interleaved(text, procs)
		if nums[len(nums)-1] != 20 {
			l.Errorf("%s: the last line printed %d, want 20:\n%s", l.path, nums[len(nums)-1], text)
		}
		l.contains("value", l.exact("number.Load()"), "20")
		l.svg("steps.Timeline()")
		if values := l.viewValues(src, "Value Value('i'): "); values != nil && len(values) < 3 {
			l.Errorf("%s: the live view showed number as %v; want it seen climbing (3 values or more)", l.path, values)
		}
		l.finalProcesses(src, 2, 0)
		l.contains("final view", l.finalView(src...), "Value Value('i'): 20")
	},
	"06": func(l *lessonT) {
		src := []string{"p2 := mp.NewProcess(add, number, 3, lock)"}
		text := l.stdout(src...)
		l.mainEnd(text)
		procs, nums, _ := adds(text)
		l.grouped(text, procs)
		l.continues(text)
		if len(nums) == 10 && nums[9] != 20 {
			l.Errorf("%s: the last line shows %d, want 20", l.path, nums[9])
		}
		holds, waits := l.timeline("lock.Timeline()")
		l.oneAfterOther(holds, 2)
		if len(holds) == 2 && l.waitedForRelease(waits, holds[1], holds[0]) {
			l.sawView(src, "the holder, the waiter and the number", l.tr(`: running, holds Lock\n`, `: 运行中，持有 Lock\n`), l.tr(`: waiting for Lock`, `: 等待 Lock`), `Value Value\('i'\): \d+`)
		}
		l.finalProcesses(src, 2, 0)
		final := l.finalView(src...)
		l.contains("final view", final, "Value Value('i'): 20")
		l.contains("final view", final, "Lock Lock: "+l.tr("free", "空闲"))
	},
	"07": func(l *lessonT) {
		src := []string{"p3 := mp.NewProcess(change, arr)"}
		text := l.stdout(src...)
		l.contains("array", text, "[0 1 2 3 4 5 6 7 8 9]\n", "[0 -1 -2 -3 -4 -5 -6 -7 -8 -9]\n", "main end\n")
		procs, _, _ := adds(text)
		l.grouped(text, procs)
		l.contains("value", l.exact("number.Load()"), "20")
		holds, _ := l.timeline("lock.Timeline()")
		l.oneAfterOther(holds, 2)
		l.sawView(src, "the array half negated", `Array Array\('i', 10\): \[0 -1 [^\]]* 9\]`)
		l.finalProcesses(src, 3, 0)
		final := l.finalView(src...)
		l.contains("final view", final, "Array Array('i', 10): [0 -1 -2 -3 -4 -5 -6 -7 -8 -9]")
		l.contains("final view", final, "Value Value('i'): 20")
	},
	"08": func(l *lessonT) {
		wrote, appended := l.tr("writer:   wrote line 1", "写者：  写入了第 1 行"), l.tr("appender: appended line 2", "追加者：追加了第 2 行")
		both := l.tr(`reader:   read "line 1, written by the writer\nline 2, appended by the appender\n"`,
			`读者：  读到 "第 1 行，由写者写入\n第 2 行，由追加者追加\n"`)
		src := []string{"turnWriter, path, lock, turn"}
		l.contains("turns", l.stdout(src...), wrote, appended, both)
		l.contains("join", l.stdout("jw.Join()"), wrote, appended, both)
		holds, _ := l.timeline("lock.Timeline()")
		var long []int // the pids of the jobs: holds of 150 ms or more
		for _, h := range holds {
			if h.to-h.from >= 150 {
				long = append(long, h.pid)
			}
		}
		if len(long) != 3 || long[0] == long[1] || long[1] == long[2] {
			l.Errorf("%s: %d long holds (the jobs) in the timeline, want 3, by three processes: %+v", l.path, len(long), holds)
		}
		for _, turn := range []string{"0", "1", "2"} {
			l.sawView(src, "turn "+turn, `turn Value\('i'\): `+turn+`\n`)
		}
		final := l.finalView(src...)
		l.contains("final view", final, "turn Value('i'): 3")
		l.contains("final view", final, "lines Value('i'): 2")
		l.finalProcesses(src, 3, 0)
	},
	"09": func(l *lessonT) {
		src := []string{"crasher := mp.NewProcess(crash, lock, holding, asking)"}
		text := l.stdout(src...)
		l.contains("crasher", text, l.tr("crasher: I hold the lock, and now I crash", "崩溃者：我持有锁，现在我要崩溃了"))
		l.contains("panic", l.stderr(src...), l.tr("crash while holding the lock", "持有锁时崩溃"))
		l.contains("patient", text, l.tr("the previous owner died: true", "上一个持有者已死亡：true"))
		l.contains("exit codes", text, l.tr("exit codes: crasher 1 , patient 0", "退出码：崩溃者 1 ，耐心的进程 0"))
		holds, waits := l.timeline("lock.Timeline()")
		if len(holds) != 2 || holds[0].process != "crasher" || !holds[0].open || holds[1].process != "patient" {
			l.Errorf("%s: holds %+v; want the crasher's, hatched, then the patient's", l.path, holds)
		} else {
			if d := holds[0].to - holds[0].from; d < 250 {
				l.Errorf("%s: the crasher's hatched bar lasts %.1f ms, want the ~300 ms until its process died", l.path, d)
			}
			if holds[1].from < holds[0].to {
				l.Errorf("%s: the patient took the lock at %.1f ms, before the crasher died at %.1f ms", l.path, holds[1].from, holds[0].to)
			}
			if len(waits) != 1 || waits[0].process != "patient" || waits[0].to < holds[0].to || waits[0].from > holds[0].to-250 {
				l.Errorf("%s: waits %+v; want the patient waiting from the crasher's hold until after its end (%.1f ms)", l.path, waits, holds[0].to)
			}
		}
		l.sawView(src, "the patient waiting", l.tr(`patient \(pid \d+\): waiting for Lock`, `patient \(pid \d+\): 等待 Lock`))
		final := l.finalView(src...)
		l.contains("final view", final, l.tr("failed, exit code 1", "失败，退出码 1"), l.tr("finished, exit code 0", "已结束，退出码 0"))
		l.atomicsVersusLocks(l.stdout("func adder("))
	},
	"10": func(l *lessonT) {
		first := l.stdout("pool := mp.NewPool(4)")
		l.contains("counts", first, "[10000 20000 30000 40000] : [1229 2262 3245 4203] <nil>")
		m := regexp.MustCompile(`\[([0-9 ]+)\].*?(\d+)\s*$`).FindStringSubmatch(strings.TrimSpace(strings.Split(strings.TrimSpace(first), "\n")[1]))
		if m == nil {
			l.Errorf("%s: no line of worker pids in:\n%s", l.path, first)
		} else {
			pids := strings.Fields(m[1])
			for _, p := range pids {
				if p == m[2] {
					l.Errorf("%s: an item ran in the notebook's process %s:\n%s", l.path, p, first)
				}
			}
			if len(pids) < 1 || len(pids) > 4 {
				l.Errorf("%s: %d worker pids, want 1 to 4:\n%s", l.path, len(pids), first)
			}
		}
		l.speedups(l.stdout("func spin("))
		l.svgIn("display.SVG(plot(")
		l.sawView([]string{"func spin("}, "the pool's workers", `PoolWorker-\d+ \(pid \d+\): `+l.tr("running", "运行中"))
	},
	"11": func(l *lessonT) {
		src := []string{"func producer("}
		text := l.stdout(src...)
		l.queueRun(text, 2)
		full := l.sawView(src, "a full queue", `q Queue: 4 `+l.tr("items", "项"))
		_ = full
		if views, ok := l.views(src...); ok {
			for _, v := range views {
				if m := regexp.MustCompile(`q Queue: (\d+)`).FindStringSubmatch(v); m != nil {
					if n, _ := strconv.Atoi(m[1]); n > 4 {
						l.Errorf("%s: a live view shows %d items in a queue of 4:\n%s", l.path, n, v)
					}
				}
			}
		}
		l.finalProcesses(src, 3, 0)
	},
	"12": func(l *lessonT) {
		text := l.stdout("func squarer(")
		var want []string
		for i := 1; i <= 5; i++ {
			want = append(want, fmt.Sprintf(l.tr("sent %d, got back %d\n", "发送 %d，收回 %d\n"), i, i*i))
		}
		want = append(want, l.tr("anything more? false", "还有别的吗？ false"), "EOF", l.tr("the child's exit code: 0", "子进程的退出码： 0"))
		l.contains("pipe", text, want...)
	},
	"13": func(l *lessonT) {
		l.eventRun(l.stdout("func runner("), false)
		l.barrierRun(l.stdout("func hiker("), true)
		l.semaphoreRun(l.stdout("func visitor("), 2)
		l.sawView([]string{"func hiker("}, "one hiker waiting", `meet Barrier: 1 `+l.tr("of 3 waiting", "/ 3 在等待"))
		l.sawView([]string{"func hiker("}, "two hikers waiting", `meet Barrier: 2 `+l.tr("of 3 waiting", "/ 3 在等待"))
		l.sawView([]string{"func visitor("}, "a full room", `room Semaphore: `+l.tr("0 free", "剩余 0"))
		l.sawView([]string{"func runner("}, "the gun not fired yet", `gun Event: `+l.tr("not set", "未设置"))
	},
	"14": func(l *lessonT) {
		src := []string{"func transfer("}
		text := l.stdout(src...)
		gave := l.tr("gave up waiting for its second lock: deadlock", "放弃等待第二把锁：死锁")
		if strings.Count(text, gave) != 2 || !strings.Contains(text, "P1 "+gave) || !strings.Contains(text, "P2 "+gave) {
			l.Errorf("%s: want P1 and P2 both giving up:\n%s", l.path, text)
		}
		l.sawDeadlock(src)
		for _, lock := range []string{"a.Timeline()", "b.Timeline()"} {
			holds, waits := l.timeline(lock)
			if len(holds) != 1 || len(waits) != 1 || holds[0].pid == waits[0].pid || waits[0].to-waits[0].from < 900 {
				l.Errorf("%s: %s: holds %+v, waits %+v; want one process holding it while the other waited a second", l.path, lock, holds, waits)
			}
		}
		ordered := l.stdout("func orderedTransfer(")
		l.contains("ordered", ordered, "Q")
		if strings.Count(ordered, l.tr("got both locks", "拿到了两把锁")) != 2 {
			l.Errorf("%s: want Q1 and Q2 both getting both locks:\n%s", l.path, ordered)
		}
		holds, _ := l.timeline("a2.Timeline()")
		l.oneAfterOther(holds, 2)
		l.sawView([]string{"func orderedTransfer("}, "one waiting for a", l.tr(`: waiting for a`, `: 等待 a`))
	},
	"15": func(l *lessonT) {
		l.contains("grader", l.stdout("want := 5133"), l.tr("✗ Not yet: countPrimes started no process.", "✗ 还没有：countPrimes 没有启动任何进程。"))
		l.contains("hidden", l.stdout("showSolution := false"), l.tr("(the solution stays hidden", "（解答仍然隐藏着"))
		l.lacks("hidden", l.stdout("showSolution := false"), "func countRange")
	},
}

// speedups checks lesson 10's figures: at most cores processors busy, and
// about the same processor time however the work is cut.
func (l *lessonT) speedups(text string) {
	l.Helper()
	m := regexp.MustCompile(l.tr(`(\d+) cores; the work is (\d+) units`, `(\d+) 个核心；工作量为 (\d+) 单位`)).FindStringSubmatch(text)
	if m == nil {
		l.Errorf("%s: no line of cores in:\n%s", l.path, text)
		return
	}
	cores, _ := strconv.Atoi(m[1])
	re := regexp.MustCompile(l.tr(`(?m)^(\d+) pieces:\s+(\d+) ms, speedup ([0-9.]+), processors busy ([0-9.]+), processor time\s+(\d+) ms$`,
		`(?m)^(\d+) 份：\s*(\d+) 毫秒，加速比 ([0-9.]+)，忙碌的处理器 ([0-9.]+)，处理器时间\s*(\d+) 毫秒$`))
	rows := re.FindAllStringSubmatch(text, -1)
	if len(rows) < 3 || len(rows) != min(cores+2, 8) {
		l.Errorf("%s: %d rows of figures for %d cores, want %d:\n%s", l.path, len(rows), cores, min(cores+2, 8), text)
		return
	}
	work1, _ := strconv.ParseFloat(rows[0][5], 64)
	for _, r := range rows {
		k, _ := strconv.Atoi(r[1])
		speedup, _ := strconv.ParseFloat(r[3], 64)
		busy, _ := strconv.ParseFloat(r[4], 64)
		work, _ := strconv.ParseFloat(r[5], 64)
		if speedup <= 0 || busy > float64(cores)*1.05 || work < work1/2 || work > work1*2 {
			l.Errorf("%s: %d pieces: speedup %.2f, busy %.2f, processor time %.0f ms (one piece: %.0f ms); want at most %d busy and about the same time:\n%s",
				l.path, k, speedup, busy, work, work1, cores, text)
		}
	}
}

// svgIn checks that the code cell whose source contains part shows an SVG
// picture.
func (l *lessonT) svgIn(part string) {
	l.Helper()
	for _, o := range l.cell(part).Outputs {
		if s, _ := o.Data["image/svg+xml"].(string); strings.Contains(s, "<svg") {
			return
		}
	}
	l.Errorf("%s: the cell with %q shows no SVG picture", l.path, part)
}

// queueRun checks lesson 11's output with n consumers: 20 items taken once
// each (sum 210), each consumer's items increasing.
func (l *lessonT) queueRun(text string, n int) {
	l.Helper()
	m := regexp.MustCompile(l.tr(`items taken by each consumer: \[([0-9 ]+)\] sum: (\d+)`, `每个消费者领取的项数： \[([0-9 ]+)\] 总和： (\d+)`)).FindStringSubmatch(text)
	if m == nil {
		l.Errorf("%s: no summary line in:\n%s", l.path, text)
		return
	}
	counts := strings.Fields(m[1])
	total := 0
	for _, c := range counts {
		k, _ := strconv.Atoi(c)
		total += k
		if k == 0 && n > 2 {
			l.Errorf("%s: a consumer took nothing: %v", l.path, counts)
		}
	}
	if len(counts) != n || total != 20 || m[2] != "210" {
		l.Errorf("%s: %d consumers took %v (sum %s); want %d consumers, 20 items, sum 210", l.path, len(counts), counts, m[2], n)
	}
	last := map[string]int{}
	squared := regexp.MustCompile(l.tr(`(?m)^consumer (\d+) squared\s+(\d+)`, `(?m)^消费者 (\d+) 把\s*(\d+) 平方`))
	seen := 0
	for _, s := range squared.FindAllStringSubmatch(text, -1) {
		seen++
		k, _ := strconv.Atoi(s[2])
		if k <= last[s[1]] {
			l.Errorf("%s: consumer %s took %d after %d: not in the producer's order", l.path, s[1], k, last[s[1]])
		}
		last[s[1]] = k
	}
	if seen != 20 {
		l.Errorf("%s: %d squares printed, want 20", l.path, seen)
	}
	l.lacks("order", text, l.tr("out of order", "顺序错了"))
}

// eventRun checks lesson 13's runners: after the gun (or, early, before
// the 300 ms).
func (l *lessonT) eventRun(text string, early bool) {
	l.Helper()
	m := regexp.MustCompile(l.tr(`the gun fired at (\d+) ms; the runners started at \[([0-9 ]+)\] ms`, `发令枪响于 (\d+) 毫秒；跑步者起跑于 \[([0-9 ]+)\] 毫秒`)).FindStringSubmatch(text)
	if m == nil {
		l.Errorf("%s: no line of the runners in:\n%s", l.path, text)
		return
	}
	fired, _ := strconv.Atoi(m[1])
	for _, f := range strings.Fields(m[2]) {
		t, _ := strconv.Atoi(f)
		switch {
		case early && t >= 1000:
			l.Errorf("%s: a runner started at %d ms, want before the second is over (the gun was fired first)", l.path, t)
		case !early && (t < fired || t > fired+300):
			l.Errorf("%s: a runner started at %d ms, want just after the gun at %d ms", l.path, t, fired)
		}
	}
}

// barrierRun checks lesson 13's hikers: with the barrier, nobody leaves
// before the last arrival; without, the first leaves long before it.
func (l *lessonT) barrierRun(text string, barrier bool) {
	l.Helper()
	m := regexp.MustCompile(l.tr(`arrived at \[([0-9 ]+)\] ms; left at \[([0-9 ]+)\] ms`, `到达于 \[([0-9 ]+)\] 毫秒；离开于 \[([0-9 ]+)\] 毫秒`)).FindStringSubmatch(text)
	if m == nil {
		l.Errorf("%s: no line of the hikers in:\n%s", l.path, text)
		return
	}
	ints := func(s string) (xs []int) {
		for _, f := range strings.Fields(s) {
			n, _ := strconv.Atoi(f)
			xs = append(xs, n)
		}
		return xs
	}
	arrived, left := ints(m[1]), ints(m[2])
	last := max(arrived[0], arrived[1], arrived[2])
	// One after another, each after its walk: on a busy machine a hiker
	// may wake up late, so the gaps are not always 300 ms.
	if arrived[0] < 100 || arrived[1]-arrived[0] < 0 || arrived[2]-arrived[1] < 0 || arrived[2] < 700 {
		l.Errorf("%s: the hikers arrived at %v; want them one after another, the last after 700 ms", l.path, arrived)
	}
	for i, t := range left {
		if barrier && t < last {
			l.Errorf("%s: hiker %d left at %d ms, before the last arrived at %d ms", l.path, i, t, last)
		}
	}
	if !barrier && left[0] >= arrived[2] {
		l.Errorf("%s: without the barrier the first hiker left at %d ms, not before the last arrived at %d ms", l.path, left[0], arrived[2])
	}
}

// semaphoreRun checks lesson 13's room of n places: at most n inside, and
// five 200 ms visits taking as long as n at a time must.
func (l *lessonT) semaphoreRun(text string, n int) {
	l.Helper()
	want := fmt.Sprintf(l.tr("at most %d visitors inside at once", "同时最多 %d 位访客在里面"), n)
	l.contains("semaphore", text, want)
	m := regexp.MustCompile(`(\d+)ms\s*$`).FindStringSubmatch(strings.TrimSpace(text))
	if m == nil {
		return
	}
	if ms, _ := strconv.Atoi(m[1]); ms < (5+n-1)/n*200 {
		l.Errorf("%s: 5 visits took %d ms with %d places; they need at least %d", l.path, ms, n, (5+n-1)/n*200)
	}
}

// sawDeadlock checks that a live view of the cell named the deadlock of P1
// and P2.
func (l *lessonT) sawDeadlock(src []string) {
	l.Helper()
	l.sawView(src, "the deadlock", l.tr(`deadlock: P\d \(pid \d+\) waits for (a|b), held by P\d`, `死锁：P\d \(pid \d+\) 等待 (a|b)，而它被 P\d`))
}

// overlapping reports whether the addition lines of the processes overlap
// in time: the last to start printed before the first to end had finished.
func overlapping(procs []string) bool {
	first, last := map[string]int{}, map[string]int{}
	for i, p := range procs {
		if _, ok := first[p]; !ok {
			first[p] = i
		}
		last[p] = i
	}
	from, to := 0, len(procs)
	for p := range first {
		from, to = max(from, first[p]), min(to, last[p])
	}
	return len(first) > 1 && from < to
}

// parentSees reads lesson 04's "the lock is held by pid X; p1 is pid A and
// p2 is pid B".
func (l *lessonT) parentSees(text string) (holder, p1, p2 int) {
	l.Helper()
	re := regexp.MustCompile(l.tr(`parent: the lock is held by pid (\d+); p1 is pid (\d+) and p2 is pid (\d+)`,
		`父进程：锁由 pid (\d+) 持有；p1 的 pid 是 (\d+)，p2 的 pid 是 (\d+)`))
	m := re.FindStringSubmatch(text)
	if m == nil {
		l.Errorf("%s: no line saying who holds the lock in:\n%s", l.path, text)
		return 0, 0, 0
	}
	holder, _ = strconv.Atoi(m[1])
	p1, _ = strconv.Atoi(m[2])
	p2, _ = strconv.Atoi(m[3])
	return holder, p1, p2
}

// oneAfterOther checks that a timeline has n holds by n processes, none
// overlapping another.
func (l *lessonT) oneAfterOther(holds []bar, n int) {
	l.Helper()
	pids := map[int]bool{}
	for i, h := range holds {
		pids[h.pid] = true
		if i > 0 && h.from < holds[i-1].to {
			l.Errorf("%s: holds overlap: %+v and %+v", l.path, holds[i-1], h)
		}
	}
	if len(holds) != n || len(pids) != n {
		l.Errorf("%s: %d holds by %d processes, want %d by %d: %+v", l.path, len(holds), len(pids), n, n, holds)
	}
}

// waitedForRelease checks that the process of hold `next`, if it asked for
// the lock while `first` held it (it usually does; on a busy machine it may
// start too late), waited until it was released, and got it then. It
// reports whether it waited.
func (l *lessonT) waitedForRelease(waits []bar, next, first bar) bool {
	l.Helper()
	for _, w := range waits {
		if w.pid != next.pid {
			continue
		}
		if w.from > first.to || w.to < first.to || w.to-first.to > 150 {
			l.Errorf("%s: %s waited %.1f..%.1f ms; want from a moment within the first hold until its end at %.1f ms", l.path, w.process, w.from, w.to, first.to)
		}
		return true
	}
	l.Logf("%s: %s asked for the lock only as it was released (%.1f ms): it did not wait", l.path, next.process, first.to)
	return false
}

// continues checks lesson 06's numbers: the first process counts alone
// from 0, the second starts where it stopped.
func (l *lessonT) continues(text string) {
	l.Helper()
	procs, nums, _ := adds(text)
	if len(nums) != 10 {
		l.Errorf("%s: %d addition lines, want 10:\n%s", l.path, len(nums), text)
		return
	}
	first, second := nums[4], nums[9]
	init2 := regexp.MustCompile(`init add\d number = (\d+)`).FindAllStringSubmatch(text, -1)
	ok := (procs[0] == "1" && first == 5 || procs[0] == "3" && first == 15) && second == 20
	if !ok || len(init2) != 2 || init2[1][1] != strconv.Itoa(first) && !strings.Contains(text, fmt.Sprintf("init add%s number = %d", procs[9], first)) {
		l.Errorf("%s: want 1..5 then init 5 and 8..20 (or 3..15 then init 15 and 16..20):\n%s", l.path, text)
	}
}

// viewValues returns the distinct values the live views of the cell
// showed after label, nil when views were not recorded.
func (l *lessonT) viewValues(src []string, label string) map[string]bool {
	l.Helper()
	views, recorded := l.views(src...)
	if !recorded {
		return nil
	}
	values := map[string]bool{}
	for _, v := range views {
		if i := strings.Index(v, label); i >= 0 {
			values[strings.Fields(v[i+len(label):])[0]] = true
		}
	}
	return values
}

// finalProcesses checks that the live view of the cell ends showing n
// processes, all finished with exit code code.
func (l *lessonT) finalProcesses(src []string, n, code int) {
	l.Helper()
	final := l.finalView(src...)
	done := l.tr(fmt.Sprintf("finished, exit code %d", code), fmt.Sprintf("已结束，退出码 %d", code))
	if code != 0 {
		done = l.tr(fmt.Sprintf("exit code %d", code), fmt.Sprintf("退出码 %d", code))
	}
	if c := strings.Count(final, done); c != n {
		l.Errorf("%s: the last live view shows %d processes %q, want %d:\n%s", l.path, c, done, n, final)
	}
	l.contains("final view", final, l.tr("(all ended)", "(全部已结束)"))
}

var wayLine = regexp.MustCompile(`(?m)^(\S+)\s+(?:(\d+) additions made, the counter says\s+(\d+):\s+(\d+) lost;\s+[0-9.]+ million a second,\s+([0-9.]+) ns of processor time each|做了\s+(\d+) 次加法，计数器为\s+(\d+)：丢失\s+(\d+) 次；每秒\s+[0-9.]+ 百万次，每次\s+([0-9.]+) 纳秒处理器时间)$`)

// atomicsVersusLocks checks lesson 09's figures: unsafe loses additions,
// locked and atomic none, atomic costs less processor time than locked.
func (l *lessonT) atomicsVersusLocks(text string) {
	l.Helper()
	type way struct {
		made, stuck, lost int
		cost              float64
	}
	ways := map[string]way{}
	for _, m := range wayLine.FindAllStringSubmatch(text, -1) {
		f := m[2:6]
		if m[2] == "" {
			f = m[6:10]
		}
		var w way
		w.made, _ = strconv.Atoi(f[0])
		w.stuck, _ = strconv.Atoi(f[1])
		w.lost, _ = strconv.Atoi(f[2])
		w.cost, _ = strconv.ParseFloat(f[3], 64)
		if w.lost != w.made-w.stuck {
			l.Errorf("%s: %s: %d made - %d stuck != %d lost", l.path, m[1], w.made, w.stuck, w.lost)
		}
		ways[m[1]] = w
	}
	unsafe, locked, atomic := ways[l.tr("unsafe", "不安全")], ways[l.tr("locked", "加锁")], ways[l.tr("atomic", "原子")]
	if len(ways) != 3 || unsafe.lost <= 0 || locked.lost != 0 || atomic.lost != 0 || locked.made == 0 || atomic.made == 0 || atomic.cost >= locked.cost {
		l.Errorf("%s: want unsafe losing additions, locked and atomic none, atomic cheaper than locked; got %+v from:\n%s", l.path, ways, text)
	}
}
