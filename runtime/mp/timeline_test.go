package mp

import (
	"regexp"
	"slices"
	"strconv"
	"testing"
	"time"
)

// TestTimelineSVGAxis checks the time axis of the picture: round tick
// values covering the last event, in a unit that suits them, and a last
// label that ends at its tick so that it stays inside the picture.
func TestTimelineSVGAxis(t *testing.T) {
	t0 := time.Unix(1000, 0)
	tick := regexp.MustCompile(`<text x="([0-9.]+)" y="[0-9]+" text-anchor="(middle|end)">([^<]*)</text>`)
	width := regexp.MustCompile(`^<svg [^>]*width="([0-9]+)"`)
	for _, tc := range []struct {
		last time.Duration
		want []string
	}{
		{2103 * time.Millisecond, []string{"0 ms", "500 ms", "1000 ms", "1500 ms", "2000 ms", "2500 ms"}},
		{120 * time.Millisecond, []string{"0 ms", "20 ms", "40 ms", "60 ms", "80 ms", "100 ms", "120 ms"}},
		{7 * time.Second, []string{"0 s", "2 s", "4 s", "6 s", "8 s"}},
		{300 * time.Microsecond, []string{"0 µs", "50 µs", "100 µs", "150 µs", "200 µs", "250 µs", "300 µs"}},
		{0, []string{"0 ns", "200 ns", "400 ns", "600 ns", "800 ns", "1000 ns"}},
	} {
		tl := &Timeline{Events: []LockEvent{
			{Time: t0, Pid: 10, Process: "Process-1", Kind: LockAcquired},
			{Time: t0.Add(tc.last), Pid: 10, Process: "Process-1", Kind: LockReleased},
		}}
		svg := tl.SVG()
		w, _ := strconv.ParseFloat(width.FindStringSubmatch(svg)[1], 64)
		var got []string
		ms := tick.FindAllStringSubmatch(svg, -1)
		for i, m := range ms {
			got = append(got, m[3])
			x, _ := strconv.ParseFloat(m[1], 64)
			if x >= w {
				t.Errorf("last %v: label %q at x=%v, outside the %v-wide picture", tc.last, m[3], x, w)
			}
			if last := i == len(ms)-1; last != (m[2] == "end") {
				t.Errorf("last %v: label %q anchored %s", tc.last, m[3], m[2])
			}
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("last %v: tick labels %q, want %q", tc.last, got, tc.want)
		}
	}
}
