package session

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"
)

// watchRecorder records a cell's streams and the text of its displays.
type watchRecorder struct {
	procsRecorder
	mu       sync.Mutex
	displays []string
	ended    bool // Execute returned
	late     int  // displays after that
}

func (r *watchRecorder) Display(d Display) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	text, _ := d.Data["text/plain"].(string)
	r.displays = append(r.displays, text)
	if r.ended {
		r.late++
	}
	return nil
}

// TestProcsWatchLastPicture: a live view's last picture, drawn when its
// cell ends (the session is a display.CellEnder), shows the processes an
// interrupt stopped as killed, before the cell's reply; without it the view
// drew its last picture while one of them still ran.
func TestProcsWatchLastPicture(t *testing.T) {
	s := newProcsSession(t)
	if out, err := runProcsCell(t, s, context.Background(), tutorialImports+`

import "github.com/gopherlab/gopherlab/kernel/display"

func sleeper() { fmt.Println("sleeping"); time.Sleep(time.Minute) }`); err != nil {
		t.Fatal(err, out)
	}
	ctx, cancel := context.WithCancel(context.Background())
	rec := &watchRecorder{}
	go func() {
		for strings.Count(rec.String(), "sleeping") < 2 {
			time.Sleep(10 * time.Millisecond)
		}
		cancel()
	}()
	_, err := s.Execute(ctx, `display.Watch()
p1, p2 := mp.NewProcess(sleeper), mp.NewProcess(sleeper)
p1.Start()
p2.Start()
p1.Join()
p2.Join()`, rec)
	rec.mu.Lock()
	rec.ended = true
	displays := append([]string(nil), rec.displays...)
	rec.mu.Unlock()
	if err == nil {
		t.Fatalf("the cell was not interrupted: %q", rec.String())
	}
	if len(displays) == 0 {
		t.Fatalf("no live view; output %q", rec.String())
	}
	last := displays[len(displays)-1]
	if n := strings.Count(last, "killed by SIGTERM"); n != 2 || strings.Contains(last, ": running") {
		t.Errorf("the last picture before the reply shows %d processes killed:\n%s", n, last)
	}
	time.Sleep(2 * watchSettle)
	rec.mu.Lock()
	defer rec.mu.Unlock()
	if rec.late > 0 {
		t.Errorf("%d pictures after the cell's reply, the last:\n%s", rec.late, rec.displays[len(rec.displays)-1])
	}
}

// watchSettle is how long TestProcsWatchLastPicture waits for pictures
// that would come after the reply (display.WatchEvery is 100 ms).
const watchSettle = 300 * time.Millisecond

// TestProcsEndedBeforeNextCell: a cell ends once its processes have
// exited, so a view made in the next cell, which follows the processes
// still running, finds none of them (a process that had closed its output
// but not yet exited was taken for a running one).
func TestProcsEndedBeforeNextCell(t *testing.T) {
	s := newProcsSession(t)
	if out, err := runProcsCell(t, s, context.Background(), tutorialImports+`

func quick(i int) { fmt.Println("quick", i) }`); err != nil {
		t.Fatal(err, out)
	}
	for round := 0; round < 5; round++ {
		if out, err := runProcsCell(t, s, context.Background(), `for i := 0; i < 3; i++ { mp.NewProcess(quick, i).Start() }`); err != nil {
			t.Fatal(err, out)
		}
		out, err := runProcsCell(t, s, context.Background(), `fmt.Println(len(mp.NewView().Processes()))`)
		if err != nil || out != "0\n" {
			t.Fatalf("round %d: a view in the next cell follows %q processes (error %v); want 0", round, out, err)
		}
	}
}
