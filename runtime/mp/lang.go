package mp

import (
	"fmt"
	"sync/atomic"
)

// language is the language of the words mp puts in pictures and views.
var language atomic.Value // string: "en" or "zh"

// SetLanguage chooses the language of the words in what mp draws for
// people to read: the titles, legends and descriptions of [Timeline] (its
// SVG and String) and of [View]. lang is "en" (English, the default) or
// "zh" (Chinese); any other value is refused with an error and changes
// nothing. Process names, type names and numbers are the same in both. It
// applies to the whole program from the next drawing on; the lessons call
// it once at the top of each Chinese notebook.
func SetLanguage(lang string) error {
	if _, ok := words[lang]; !ok {
		return fmt.Errorf("mp: SetLanguage(%q): want \"en\" or \"zh\"", lang)
	}
	language.Store(lang)
	return nil
}

// Language returns the language set with [SetLanguage]: "en" or "zh".
func Language() string {
	if l, ok := language.Load().(string); ok {
		return l
	}
	return "en"
}

// say returns the text of key in the current language, formatted with
// args when there are any.
func say(key string, args ...any) string {
	w, ok := words[Language()][key]
	if !ok {
		w = words["en"][key]
	}
	if len(args) > 0 {
		return fmt.Sprintf(w, args...)
	}
	return w
}

// words holds, for each language, the text of every key say uses.
var words = map[string]map[string]string{
	"en": {
		"timeline.title":     "Who held the lock when",
		"timeline.none":      "no events recorded (make the lock with mp.NewTracedLock)",
		"timeline.noneText":  "Timeline(no events: make the lock with mp.NewTracedLock)",
		"timeline.legend":    "bar: holds the lock",
		"timeline.waitLeg":   "thin bar: waits for it",
		"timeline.openLeg":   "hatched: ended holding it",
		"timeline.stillLeg":  "hatched: still holds it",
		"timeline.held":      "%s (pid %d) held %.1f ms .. %.1f ms",
		"timeline.waited":    "%s (pid %d) waited %.1f ms .. %.1f ms",
		"timeline.gaveUp":    " and gave up",
		"timeline.ended":     " (ended holding it)",
		"timeline.still":     " (still holds it)",
		"timeline.stillWait": " (still waiting)",
		"timeline.endedWait": " (ended waiting)",
		"timeline.unknown":   " (no release recorded)",
		"timeline.heldTip":   "%s (pid %d) held the lock %.1f ms .. %.1f ms",
		"timeline.waitTip":   "%s (pid %d) waited %.1f ms .. %.1f ms",
		"timeline.dropped":   "%d later events were not recorded (the trace holds 4096)",

		"view.title":      "Processes and shared objects",
		"view.process":    "process",
		"view.pid":        "pid",
		"view.state":      "state",
		"view.exit":       "exit code",
		"view.sep":        ", ",
		"view.then":       "; ",
		"view.object":     "shared object",
		"view.now":        "now",
		"view.notStarted": "not started",
		"view.running":    "running",
		"view.holds":      "running, holds %s",
		"view.waits":      "waiting for %s",
		"view.waitsSince": "waiting for %s (%.1f s)",
		"view.finished":   "finished",
		"view.failed":     "failed",
		"view.killed":     "killed by %s",
		"view.free":       "free",
		"view.heldBy":     "held by %s",
		"view.waiting":    "; waiting: %s",
		"view.deadlock":   "deadlock: %s",
		"view.waitsFor":   "%s waits for %s, held by %s",
		"view.items":      "%d items",
		"view.set":        "set",
		"view.clear":      "not set",
		"view.semaphore":  "%d free",
		"view.barrier":    "%d of %d waiting",
		"view.broken":     "broken",
		"view.closed":     "closed",
		"view.running.n":  "%d running",
		"view.allEnded":   "all ended",
		"view.none":       "no processes yet",
	},
	"zh": {
		"timeline.title":     "谁在何时持有锁",
		"timeline.none":      "没有记录到事件（请用 mp.NewTracedLock 创建锁）",
		"timeline.noneText":  "时间线（没有事件：请用 mp.NewTracedLock 创建锁）",
		"timeline.legend":    "色块：持有锁",
		"timeline.waitLeg":   "细条：等待锁",
		"timeline.openLeg":   "斜线：结束时仍持有锁",
		"timeline.stillLeg":  "斜线：仍持有锁",
		"timeline.held":      "%s（pid %d）持有 %.1f 毫秒 .. %.1f 毫秒",
		"timeline.waited":    "%s（pid %d）等待 %.1f 毫秒 .. %.1f 毫秒",
		"timeline.gaveUp":    "，然后放弃",
		"timeline.ended":     "（结束时仍持有锁）",
		"timeline.still":     "（仍持有锁）",
		"timeline.stillWait": "（仍在等待）",
		"timeline.endedWait": "（结束时仍在等待）",
		"timeline.unknown":   "（没有记录到释放）",
		"timeline.heldTip":   "%s（pid %d）持有锁 %.1f 毫秒 .. %.1f 毫秒",
		"timeline.waitTip":   "%s（pid %d）等待 %.1f 毫秒 .. %.1f 毫秒",
		"timeline.dropped":   "之后的 %d 个事件没有记录（最多记录 4096 个）",

		"view.title":      "进程与共享对象",
		"view.process":    "进程",
		"view.pid":        "pid",
		"view.state":      "状态",
		"view.exit":       "退出码",
		"view.sep":        "，",
		"view.then":       "；",
		"view.object":     "共享对象",
		"view.now":        "当前",
		"view.notStarted": "未启动",
		"view.running":    "运行中",
		"view.holds":      "运行中，持有 %s",
		"view.waits":      "等待 %s",
		"view.waitsSince": "等待 %s（%.1f 秒）",
		"view.finished":   "已结束",
		"view.failed":     "失败",
		"view.killed":     "被 %s 终止",
		"view.free":       "空闲",
		"view.heldBy":     "被 %s 持有",
		"view.waiting":    "；等待者：%s",
		"view.deadlock":   "死锁：%s",
		"view.waitsFor":   "%s 等待 %s，而它被 %s 持有",
		"view.items":      "%d 项",
		"view.set":        "已设置",
		"view.clear":      "未设置",
		"view.semaphore":  "剩余 %d",
		"view.barrier":    "%d / %d 在等待",
		"view.broken":     "已损坏",
		"view.closed":     "已关闭",
		"view.running.n":  "%d 个运行中",
		"view.allEnded":   "全部已结束",
		"view.none":       "还没有进程",
	},
}
