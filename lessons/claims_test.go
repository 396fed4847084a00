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
		l.mainEndFirst(text)
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
		running := l.tr("running", "运行中")
		l.sawView(src, "both processes running at once", `(?s)Process-\d+ \(pid \d+\): `+running+`\n.*Process-\d+ \(pid \d+\): `+running+`\n`)
		l.finalProcesses(src, 2, 0)
	},
	"03": func(l *lessonT) {
		src := []string{"p2 := mp.NewProcess(add, number, 3, lock)"}
		text := l.stdout(src...)
		l.mainEnd(text)
		l.mainEndFirst(text)
		procs, nums, _ := adds(text)
		l.grouped(text, procs)
		if got := lasts(procs, nums); got["1"] != 5 || got["3"] != 15 {
			l.Errorf("%s: add1 ended at %d and add3 at %d, want 5 and 15", l.path, got["1"], got["3"])
		}
		holds, waits := l.timeline("lock.Timeline()")
		l.oneAfterOther(holds, 2)
		if len(holds) == 2 {
			l.waitedForRelease(waits, holds[1], holds[0])
		}
		l.sawView(src, "one process holds the lock, the other waits", l.tr(`: running, holds Lock\n`, `: 运行中，持有 Lock\n`), l.tr(`: waiting for Lock`, `: 等待 Lock`))
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
			l.waitedForRelease(waits, holds[1], holds[0])
			if holds[0].pid != holder {
				l.Errorf("%s: the parent saw pid %d holding the lock, but pid %d held it first", l.path, holder, holds[0].pid)
			}
		}
		l.sawView(src, "one process holds the lock, the other waits", l.tr(`: running, holds Lock\n`, `: 运行中，持有 Lock\n`), l.tr(`: waiting for Lock`, `: 等待 Lock`))
		l.finalProcesses(src, 2, 0)
	},
	"05": func(l *lessonT) {
		src := []string{"p2 := mp.NewProcess(add, number, 3)"}
		text := l.stdout(src...)
		l.mainEnd(text)
		l.mainEndFirst(text)
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
		if len(holds) == 2 {
			l.waitedForRelease(waits, holds[1], holds[0])
		}
		l.sawView(src, "the holder, the waiter and the number", l.tr(`: running, holds Lock\n`, `: 运行中，持有 Lock\n`), l.tr(`: waiting for Lock`, `: 等待 Lock`), `Value Value\('i'\): \d+`)
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
		src := []string{"crasher := mp.NewProcess(crash, lock, holding)"}
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
			if len(waits) != 1 || waits[0].process != "patient" || waits[0].to < holds[0].to || waits[0].from > holds[0].from+250 {
				l.Errorf("%s: waits %+v; want the patient waiting from the crasher's hold until after its end (%.1f ms)", l.path, waits, holds[0].to)
			}
		}
		l.sawView(src, "the patient waiting", l.tr(`patient \(pid \d+\): waiting for Lock`, `patient \(pid \d+\): 等待 Lock`))
		final := l.finalView(src...)
		l.contains("final view", final, l.tr("failed, exit code 1", "失败，退出码 1"), l.tr("finished, exit code 0", "已结束，退出码 0"))
		l.atomicsVersusLocks(l.stdout("func adder("))
	},
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

// waitedForRelease checks that the process of hold `next` waited for the
// lock while `first` held it, and got it as it was released.
func (l *lessonT) waitedForRelease(waits []bar, next, first bar) {
	l.Helper()
	for _, w := range waits {
		if w.pid != next.pid {
			continue
		}
		if w.from > first.from+first.to/2 || w.to < first.to || w.to-first.to > 150 {
			l.Errorf("%s: %s waited %.1f..%.1f ms; want from about the start of the first hold until its end at %.1f ms", l.path, w.process, w.from, w.to, first.to)
		}
		return
	}
	l.Errorf("%s: no thin bar shows %s waiting for the lock: %+v", l.path, next.process, waits)
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
