#!/bin/sh
# bench.sh prints runtime/mp's benchmark figures beside Python
# multiprocessing's (/usr/bin/python3), measured in the same run, with the
# ratios. Usage, from anywhere in the repository:
#
#	runtime/mp/testdata/bench.sh [scale]
#
# scale (default 1) multiplies the Python loop counts; the Go side uses
# -benchtime=1s (or 0.2s times scale when scale < 1). The machine should be
# otherwise idle: both sides are timed in wall-clock time.
set -eu
scale=${1:-1}
dir=$(cd "$(dirname "$0")/.." && pwd)
benchtime=$(awk -v s="$scale" 'BEGIN { if (s < 1) printf "%.2fs", (s < 0.1 ? 0.1 : s); else print "1s" }')
out=$(mktemp)
trap 'rm -f "$out"' EXIT
echo "Go: go test -run XXX -bench 'LockUnlock|ValueAddLocked2Proc|ProcessStart|ArrayNegate1M' -benchtime $benchtime ./runtime/mp/" >&2
(cd "$dir" && go test -run XXX -bench 'LockUnlock|ValueAddLocked2Proc|ProcessStart|ArrayNegate1M' -benchtime "$benchtime" .) >"$out"
echo "Go: go test -run XXX -bench Pool -benchtime $benchtime ./runtime/mp/" >&2
(cd "$dir" && go test -run XXX -bench Pool -benchtime "$benchtime" .) >>"$out"
echo "Go: go test -run XXX -bench FirstTouch4M -benchtime 20x ./runtime/shm/" >&2
(cd "$dir/../shm" && go test -run XXX -bench FirstTouch4M -benchtime 20x .) >>"$out"
echo "Python: /usr/bin/python3 testdata/bench_python.py $scale" >&2
(cd "$dir/testdata" && /usr/bin/python3 bench_python.py "$scale") >>"$out"
awk '
function metric(line, unit,   i, n, f) {
	n = split(line, f, /[ \t]+/)
	for (i = 2; i <= n; i++) if (f[i] == unit) return f[i-1]
	return ""
}
/^BenchmarkLockUnlock/                 { go["lock"] = metric($0, "ns/op") }
/^BenchmarkValueAddLocked2Proc/        { go["add"] = metric($0, "ops/s") }
/^BenchmarkProcessStart\/spawn/        { go["spawn"] = metric($0, "ns/op") / 1e6 }
/^BenchmarkProcessStart\/forkserver/   { go["forkserver"] = metric($0, "ns/op") / 1e6 }
/^BenchmarkArrayNegate1M\/forkserver/  { go["negate"] = metric($0, "negate-ms"); go["negtotal"] = metric($0, "ns/op") / 1e6
                                         go["negstart"] = metric($0, "start-ms"); go["negexit"] = metric($0, "exit-ms") }
/^BenchmarkArrayNegate1M\/spawn/       { go["negspawn"] = metric($0, "ns/op") / 1e6; go["negspawnstart"] = metric($0, "start-ms") }
/^BenchmarkFirstTouch4M/               { go["touch"] = metric($0, "us/page") * 1024 / 1000 }
/^BenchmarkPoolMap\/64-/               { go["map64"] = metric($0, "us/task") }
/^BenchmarkPoolMap\/1000-/             { go["map1000"] = metric($0, "us/task") }
/^BenchmarkPoolApplyAsync/             { go["apply"] = metric($0, "us/task") }
/^BenchmarkPoolWarm-/                  { go["warm16"] = metric($0, "ns/op") / 1e6 }
/^BenchmarkPoolWarmAll/                { go["warm16all"] = metric($0, "warm-ms") }
/^BenchmarkPoolScale\//                { split($1, w, /[\/-]/); go["scale" w[2]] = metric($0, "tasks/s"); nscale = w[2] > nscale ? w[2] : nscale }
/^lock_ns /           { py["lock"] = $2 }
/^value_add_ops /     { py["add"] = $2 }
/^start_fork_ms /     { py["fork"] = $2 }
/^start_forkserver_ms / { py["forkserver"] = $2 }
/^start_spawn_ms /    { py["spawn"] = $2 }
/^negate_ms /         { py["negate"] = $2 }
/^negate_total_ms /   { py["negtotal"] = $2 }
/^pool_map_64_us /    { py["map64"] = $2 }
/^pool_map_1000_us /  { py["map1000"] = $2 }
/^pool_apply_us /     { py["apply"] = $2 }
/^pool_warm16_ms /    { py["warm16"] = $2 }
/^pool_warm16_all_ms / { py["warm16all"] = $2 }
/^pool_scale_/        { split($1, w, "_"); py["scale" w[3]] = $2 }
function row(what, g, p, unit, higher) {
	if (g != "" && p == "") { printf "%-46s %12.4g %12s %s\n", what, g, "", unit; return }
	if (g == "" || p == "" || g == 0 || p == 0) { printf "%-46s %12s %12s %s\n", what, g, p, unit; return }
	printf "%-46s %12.4g %12.4g %-8s %7.1fx\n", what, g, p, unit, higher ? g / p : p / g
}
END {
	printf "%-46s %12s %12s %-8s %8s\n", "figure", "Go", "Python", "unit", "Go gain"
	row("Lock+Unlock (acquire+release)", go["lock"], py["lock"], "ns", 0)
	row("2 processes, Value += 1 under its lock", go["add"], py["add"], "ops/s", 1)
	row("Start until target runs: spawn", go["spawn"], py["spawn"], "ms", 0)
	row("Start until target runs: forkserver", go["forkserver"], py["forkserver"], "ms", 0)
	row("  (Python fork, for reference)", go["forkserver"], py["fork"], "ms", 0)
	row("negate 1M Array(i) in a child: loop", go["negate"], py["negate"], "ms", 0)
	row("  (first touch of its 1024 pages, shm)", go["touch"], "", "ms", 0)
	row("negate 1M: start..join (forkserver; Py fork)", go["negtotal"], py["negtotal"], "ms", 0)
	row("  of which Start alone", go["negstart"], "", "ms", 0)
	row("  of which loop end..Join", go["negexit"], "", "ms", 0)
	row("negate 1M: start..join (spawn; Py fork)", go["negspawn"], py["negtotal"], "ms", 0)
	row("Pool(2).Map of 64 trivial tasks, a task", go["map64"], py["map64"], "us", 0)
	row("Pool(2).Map of 1000 trivial tasks, a task", go["map1000"], py["map1000"], "us", 0)
	row("Pool(2).ApplyAsync x100 then Get, a task", go["apply"], py["apply"], "us", 0)
	row("Pool(16) until a Map of 16 returned", go["warm16"], py["warm16"], "ms", 0)
	row("Pool(16) until all 16 workers ran a task", go["warm16all"], py["warm16all"], "ms", 0)
	for (k = 1; k <= nscale; k++) {
		row(sprintf("Pool(%d).Map, ~5 ms CPU tasks, throughput", k), go["scale" k], py["scale" k], "tasks/s", 1)
		if (k > 1 && go["scale1"] > 0 && py["scale1"] > 0)
			printf "%-46s %12.2f %12.2f %s\n", sprintf("  %d workers / 1 worker (target >= %.1f)", k, 0.8 * k), go["scale" k] / go["scale1"], py["scale" k] / py["scale1"], "x"
	}
}' "$out"
