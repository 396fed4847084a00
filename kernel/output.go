package kernel

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/gopherlab/gopherlab/kernel/session"
	"github.com/gopherlab/gopherlab/kernel/wire"
)

// cellOutput is the session.Output of one execute_request. It coalesces
// stream text: a buffer per stream, flushed when it passes FlushSize,
// FlushInterval after its first write, before any other output and at the
// end of the cell. It stays usable after the cell ends (late output of
// goroutines and child processes goes to the cell that started them).
type cellOutput struct {
	s          *Server
	ctx        context.Context
	parent     *wire.Message
	silent     bool
	allowStdin bool

	mu    sync.Mutex
	bufs  map[string][]byte
	order []string // stream names in order of first write since the last flush
	armed bool     // a flush timer is pending
}

func (s *Server) newCellOutput(ctx context.Context, parent *wire.Message, silent, allowStdin bool) *cellOutput {
	return &cellOutput{s: s, ctx: ctx, parent: parent, silent: silent, allowStdin: allowStdin,
		bufs: make(map[string][]byte, 2)}
}

var _ session.Output = (*cellOutput)(nil)

// Stream buffers text for stream name ("stdout" or "stderr").
func (o *cellOutput) Stream(name, text string) error {
	if o.silent || text == "" {
		return nil
	}
	if name != "stdout" && name != "stderr" {
		name = "stdout"
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	b, ok := o.bufs[name]
	if !ok || len(b) == 0 {
		o.order = append(o.order, name)
	}
	b = append(b, text...)
	o.bufs[name] = b
	if len(b) >= o.s.opts.FlushSize {
		o.flushLocked()
		return nil
	}
	if !o.armed {
		o.armed = true
		time.AfterFunc(o.s.opts.FlushInterval, o.Flush)
	}
	return nil
}

// Flush sends the buffered stream text now.
func (o *cellOutput) Flush() {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.flushLocked()
}

func (o *cellOutput) flushLocked() {
	o.armed = false
	for _, name := range o.order {
		b := o.bufs[name]
		if len(b) == 0 {
			continue
		}
		o.s.publish(o.parent, wire.Stream, wire.StreamContent{Name: name, Text: string(b)})
		if cap(b) > 4*o.s.opts.FlushSize {
			b = nil
		}
		o.bufs[name] = b[:0]
	}
	o.order = o.order[:0]
}

// Display sends display_data or update_display_data.
func (o *cellOutput) Display(d session.Display) error {
	if o.silent {
		return nil
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	o.flushLocked()
	c := wire.DisplayDataContent{Data: d.Data, Metadata: d.Metadata}
	if c.Data == nil {
		c.Data = map[string]any{}
	}
	if c.Metadata == nil {
		c.Metadata = map[string]any{}
	}
	t := wire.DisplayData
	if d.ID != "" {
		c.Transient = map[string]any{"display_id": d.ID}
		if d.Update {
			t = wire.UpdateDisplayData
		}
	}
	o.s.publish(o.parent, t, c)
	return nil
}

// Clear sends clear_output.
func (o *cellOutput) Clear(wait bool) error {
	if o.silent {
		return nil
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	o.flushLocked()
	o.s.publish(o.parent, wire.ClearOutput, wire.ClearOutputContent{Wait: wait})
	return nil
}

// ErrInterrupted is returned by an input request cut short by an interrupt.
var ErrInterrupted = errors.New("kernel: input interrupted")

// inputOutput is a cellOutput whose frontend accepts input: it implements
// session.Inputter.
type inputOutput struct{ *cellOutput }

var _ session.Inputter = inputOutput{}

// Input sends input_request on stdin to the frontend that sent the
// execute_request and waits for its input_reply, or for an interrupt.
func (o inputOutput) Input(prompt string, password bool) (string, error) {
	o.Flush()
	s := o.s
	// Drop stale replies to earlier, interrupted requests.
	for len(s.stdinQ) > 0 {
		<-s.stdinQ
	}
	req := wire.Reply(o.parent, wire.InputRequest)
	req.Header.Session = s.id // the kernel's, as on every message it sends
	if err := req.SetContent(wire.InputRequestContent{Prompt: prompt, Password: password}); err != nil {
		return "", err
	}
	s.send(channel{s.stdin, &s.stdinMu}, req)
	for {
		select {
		case m := <-s.stdinQ:
			if m.Type() != wire.InputReply {
				s.debugf("stdin: ignored %s", m.Type())
				continue
			}
			var rep wire.InputReplyContent
			if err := m.DecodeContent(&rep); err != nil {
				return "", err
			}
			return rep.Value, nil
		case <-o.ctx.Done():
			return "", ErrInterrupted
		case <-s.done:
			return "", ErrInterrupted
		}
	}
}
