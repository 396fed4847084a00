package worker

import (
	"errors"
	"strings"
	"sync"
)

// Workers started in advance: the ready ones, with the current
// declarations, and the spare, waiting for its declarations.

// maxReady caps the number of workers kept ready.
const maxReady = 8

// Prestart starts workers with the current declarations in the background
// and keeps them for the next [mp.Process.Start] calls, replacing those with
// older declarations: as many as the last cell that started processes
// started, at least 2 and at most 8, so that a cell starting several
// processes gets them all at once. It also keeps one spare worker, started
// but waiting for its declarations, for a Start that finds the
// declarations changed. Until the session has started a process it keeps
// only the spare, and only if the notebook imports package mp (for its
// first Start, which would otherwise start a worker then). It returns when
// the workers it started, and those being started by earlier calls, are
// ready.
func (l *Launcher) Prestart() {
	src := l.source()
	l.requestBuild(src)
	l.mu.Lock()
	// Before the first Start, only a notebook that imports package mp gets a
	// spare, and no worker with its declarations.
	first := !l.used
	if l.closed || l.noPrestart || l.inherit || first && !strings.Contains(src, `"`+MPPath+`"`) {
		l.mu.Unlock()
		return
	}
	var stale []*child
	keep := l.warm[:0]
	for _, w := range l.warm {
		if l.fits(w, src) {
			keep = append(keep, w)
		} else {
			stale = append(stale, w)
		}
	}
	l.warm = keep
	want := max(2, l.lastStarts, l.cellStarts)
	want = min(want, maxReady)
	n := want - len(l.warm) - l.warming[src]
	if first {
		n = 0
	}
	n, spare := l.planLocked(len(l.warm)+l.warming[src], n, l.spare == nil && !l.spareStarts)
	if n > 0 {
		if l.warming == nil {
			l.warming = map[string]int{}
		}
		l.warming[src] += n
	}
	l.spareStarts = l.spareStarts || spare
	l.mu.Unlock()
	closeAll(stale)
	var wg sync.WaitGroup
	if spare {
		wg.Add(1)
		go func() {
			defer wg.Done()
			l.prestartSpare()
		}()
	}
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			l.prestartOne(src)
		}()
	}
	wg.Wait()
	l.mu.Lock()
	for (l.warming[src] > 0 || l.spareStarts) && !l.closed {
		ch := l.changedLocked()
		l.mu.Unlock()
		<-ch
		l.mu.Lock()
	}
	l.mu.Unlock()
}

// prestartSpare starts a spare worker (l.spareStarts is set) and keeps it
// once it has started.
func (l *Launcher) prestartSpare() {
	c, err := l.start("", true, true)
	if err == nil {
		select {
		case <-c.alive:
		case <-c.done:
			err = errors.New("worker: the spare worker exited")
		}
		if err != nil {
			c.close()
		}
	}
	l.mu.Lock()
	l.spareStarts = false
	if err == nil {
		if l.closed || l.noPrestart || l.pol.released {
			defer c.close()
		} else {
			l.spare = c
		}
	}
	l.broadcastLocked()
	l.mu.Unlock()
}

// prestartOne starts a worker with src, counted in l.warming, and keeps it
// ready.
func (l *Launcher) prestartOne(src string) {
	c, err := l.start(src, false, true)
	if err == nil {
		if err = c.child.WaitReady(); err != nil {
			c.close()
		}
	}
	l.mu.Lock()
	if l.warming[src]--; l.warming[src] <= 0 {
		delete(l.warming, src)
	}
	if err == nil {
		if l.closed || l.noPrestart || l.pol.released {
			defer c.close()
		} else {
			l.warm = append(l.warm, c)
		}
	}
	l.broadcastLocked()
	l.mu.Unlock()
}

// changedLocked returns the channel closed at the next change of the
// workers being started in advance; l.mu is held.
func (l *Launcher) changedLocked() chan struct{} {
	if l.changed == nil {
		l.changed = make(chan struct{})
	}
	return l.changed
}

// broadcastLocked wakes those waiting on changedLocked; l.mu is held.
func (l *Launcher) broadcastLocked() {
	if l.changed != nil {
		close(l.changed)
		l.changed = nil
	}
}

func closeAll(cs []*child) {
	for _, c := range cs {
		c.close()
	}
}

// SetPrestart turns the worker kept ready (Python's forkserver idea) on,
// the default, or off: then every Process.Start starts a worker and waits
// for it to rebuild the declarations (Python's spawn).
func (l *Launcher) SetPrestart(on bool) {
	l.mu.Lock()
	l.noPrestart = !on
	var warm []*child
	if !on {
		warm, l.warm = l.warm, nil
		if l.spare != nil {
			warm, l.spare = append(warm, l.spare), nil
		}
	}
	l.mu.Unlock()
	closeAll(warm)
}
