package kernel

import (
	"context"
	"errors"
	"runtime"
	"strings"
	"time"

	"github.com/gopherlab/gopherlab/kernel/session"
	"github.com/gopherlab/gopherlab/kernel/wire"
)

// needsSession lists the requests that wait for the session.
var needsSession = map[wire.MsgType]bool{
	wire.ExecuteRequest: true, wire.IsCompleteRequest: true, wire.CompleteRequest: true, wire.InspectRequest: true,
}

// handle serves one request on ch.
func (s *Server) handle(ch channel, m *wire.Message) {
	if needsSession[m.Type()] {
		if _, err := s.session(); err != nil {
			s.reply(ch, m, m.Type().Reply(), wire.ErrorReplyContent{
				Status: wire.StatusError, EName: "KernelError",
				EValue: "the Go session could not start: " + err.Error(), Traceback: []string{},
			})
			return
		}
	}
	switch m.Type() {
	case wire.KernelInfoRequest:
		s.reply(ch, m, wire.KernelInfoReply, s.kernelInfo())
	case wire.ExecuteRequest:
		s.execute(ch, m)
	case wire.IsCompleteRequest:
		var req wire.IsCompleteRequestContent
		if !s.decode(ch, m, &req) {
			return
		}
		status, indent := s.sess.IsComplete(req.Code)
		s.reply(ch, m, wire.IsCompleteReply, wire.IsCompleteReplyContent{Status: status, Indent: indent})
	case wire.CompleteRequest:
		var req wire.CompleteRequestContent
		if !s.decode(ch, m, &req) {
			return
		}
		cursor := clampCursor(req.Code, req.CursorPos)
		ms, start, end := s.sess.CompleteMatches(req.Code, cursor)
		matches := make([]string, len(ms))
		// What each match is, as ipykernel sends it: JupyterLab shows the
		// type as an icon and the signature beside the match.
		types := make([]map[string]any, len(ms))
		for i, c := range ms {
			matches[i] = c.Text
			types[i] = map[string]any{"start": start, "end": end, "text": c.Text, "type": c.Type, "signature": c.Signature}
		}
		s.reply(ch, m, wire.CompleteReply, wire.CompleteReplyContent{
			Status: wire.StatusOK, Matches: matches, CursorStart: start, CursorEnd: end,
			Metadata: map[string]any{"_jupyter_types_experimental": types},
		})
	case wire.InspectRequest:
		var req wire.InspectRequestContent
		if !s.decode(ch, m, &req) {
			return
		}
		data, found := s.sess.Inspect(req.Code, clampCursor(req.Code, req.CursorPos), req.DetailLevel)
		if data == nil {
			data = map[string]any{}
		}
		s.reply(ch, m, wire.InspectReply, wire.InspectReplyContent{
			Status: wire.StatusOK, Found: found, Data: data, Metadata: map[string]any{},
		})
	case wire.HistoryRequest:
		var req wire.HistoryRequestContent
		if !s.decode(ch, m, &req) {
			return
		}
		s.reply(ch, m, wire.HistoryReply, wire.HistoryReplyContent{Status: wire.StatusOK, History: s.queryHistory(req)})
	case wire.CommInfoRequest:
		s.reply(ch, m, wire.CommInfoReply, wire.CommInfoReplyContent{Status: wire.StatusOK, Comms: map[string]any{}})
	case wire.CommOpen, wire.CommMsg, wire.CommClose:
		// No comm targets: ignored quietly, as the protocol allows.
	case wire.ConnectRequest:
		s.reply(ch, m, wire.ConnectReply, map[string]any{
			"status": wire.StatusOK, "shell_port": s.conn.ShellPort, "iopub_port": s.conn.IOPubPort,
			"stdin_port": s.conn.StdinPort, "control_port": s.conn.ControlPort, "hb_port": s.conn.HBPort,
		})
	case wire.InterruptRequest:
		s.interrupt()
		s.reply(ch, m, wire.InterruptReply, wire.InterruptReplyContent{Status: wire.StatusOK})
	case wire.ShutdownRequest:
		var req wire.ShutdownContent
		_ = m.DecodeContent(&req) // a malformed request still shuts down
		rep := wire.ShutdownContent{Status: wire.StatusOK, Restart: req.Restart}
		s.reply(ch, m, wire.ShutdownReply, rep)
		s.publish(m, wire.ShutdownReply, rep)
		s.debugf("shutdown requested (restart %v)", req.Restart)
		s.interrupt()
		s.close()
	default:
		s.debugf("unknown message type %q", m.Type())
		if m.Type().IsRequest() {
			s.reply(ch, m, m.Type().Reply(), wire.ErrorReplyContent{
				Status: wire.StatusError, EName: "UnknownMessageType",
				EValue:    "gopherlab does not handle " + string(m.Type()),
				Traceback: []string{},
			})
		}
	}
}

// decode unmarshals m's content into v; on failure it logs, sends an error
// reply and returns false.
func (s *Server) decode(ch channel, m *wire.Message, v any) bool {
	if err := m.DecodeContent(v); err != nil {
		s.log.Printf("%v", err)
		s.reply(ch, m, m.Type().Reply(), wire.ErrorReplyContent{
			Status: wire.StatusError, EName: "BadRequest", EValue: err.Error(), Traceback: []string{},
		})
		return false
	}
	return true
}

// clampCursor keeps a cursor within the code's runes.
func clampCursor(code string, cursor int) int {
	n := len([]rune(code))
	return min(max(cursor, 0), n)
}

// kernelInfo is the content of kernel_info_reply.
func (s *Server) kernelInfo() wire.KernelInfoReplyContent {
	goVersion := strings.TrimPrefix(runtime.Version(), "go")
	version := s.opts.Version
	if version == "" {
		version = "devel"
	}
	return wire.KernelInfoReplyContent{
		Status:                wire.StatusOK,
		ProtocolVersion:       wire.ProtocolVersion,
		Implementation:        "gopherlab",
		ImplementationVersion: version,
		LanguageInfo: wire.LanguageInfo{
			Name: "go", Version: goVersion, MIMEType: "text/x-go", FileExtension: ".go",
			PygmentsLexer: "go", CodeMirrorMode: "go", NBConvertExporter: "script",
		},
		Banner: "gopherlab " + version + ": Go " + goVersion + " in a notebook (cells interpreted by yaegi)\n" +
			"Write imports, declarations and statements in any cell; the last expression is shown.",
		HelpLinks: []wire.HelpLink{
			{Text: "Go documentation", URL: "https://go.dev/doc/"},
			{Text: "Go standard library", URL: "https://pkg.go.dev/std"},
			{Text: "A Tour of Go", URL: "https://go.dev/tour/"},
		},
	}
}

// execute runs an execute_request.
func (s *Server) execute(ch channel, m *wire.Message) {
	req := wire.DefaultExecuteRequest()
	if !s.decode(ch, m, &req) {
		return
	}
	s.mu.Lock()
	if req.StoreHistory && !req.Silent {
		s.count++
	}
	count := s.count
	s.mu.Unlock()
	if !req.Silent {
		s.publish(m, wire.ExecuteInput, wire.ExecuteInputContent{Code: req.Code, ExecutionCount: count})
	}
	if s.asksExit(req.Code) {
		// As IPython's exit and quit: jupyter console leaves (and shuts the
		// kernel down); notebook frontends ignore the payload.
		s.reply(ch, m, wire.ExecuteReply, wire.ExecuteReplyContent{
			Status: wire.StatusOK, ExecutionCount: count, UserExpressions: map[string]any{},
			Payload: []any{map[string]any{"source": "ask_exit", "keepkernel": false}},
		})
		return
	}

	ctx, cancel := context.WithCancel(session.WithExecutionCount(context.Background(), count))
	out := s.newCellOutput(ctx, m, req.Silent, req.AllowStdin)
	s.mu.Lock()
	s.cancel = cancel
	if !req.Silent {
		s.lastOut = out
	}
	s.mu.Unlock()
	var (
		res session.Result
		err error
	)
	if out.allowStdin {
		res, err = s.sess.Execute(ctx, req.Code, inputOutput{out})
	} else {
		res, err = s.sess.Execute(ctx, req.Code, out)
	}
	s.mu.Lock()
	s.cancel = nil
	s.mu.Unlock()
	cancel()
	s.syncStdio()
	out.Flush()

	var output string
	if err == nil && res.Data != nil && !req.Silent {
		md := res.Metadata
		if md == nil {
			md = map[string]any{}
		}
		s.publish(m, wire.ExecuteResult, wire.ExecuteResultContent{ExecutionCount: count, Data: res.Data, Metadata: md})
		output, _ = res.Data["text/plain"].(string)
	}
	if req.StoreHistory && !req.Silent {
		s.addHistory(count, req.Code, output)
	}
	if err == nil {
		s.reply(ch, m, wire.ExecuteReply, wire.ExecuteReplyContent{
			Status: wire.StatusOK, ExecutionCount: count, Payload: []any{}, UserExpressions: map[string]any{},
		})
		return
	}
	e := cellError(err)
	if !req.Silent {
		s.publish(m, wire.Error, wire.ErrorIOPubContent{EName: e.Name, EValue: e.Value, Traceback: e.Traceback})
	}
	// With stop_on_error, the execute_requests that arrived before the
	// error reply are aborted, and those sent after it (by a client that
	// saw the error) run.
	var arrived []*wire.Message
	if req.StopOnError {
		arrived = s.arrivedRequests()
	}
	s.reply(ch, m, wire.ExecuteReply, wire.ExecuteErrorReplyContent{
		Status: wire.StatusError, ExecutionCount: count, EName: e.Name, EValue: e.Value, Traceback: e.Traceback,
	})
	if req.StopOnError {
		s.abortRequests(arrived)
	}
}

// asksExit reports whether a cell is exit or quit (or exit(), quit()),
// as typed to leave a console, and not a name the notebook declared.
func (s *Server) asksExit(code string) bool {
	name := strings.TrimSuffix(strings.TrimSpace(code), "()")
	if name != "exit" && name != "quit" {
		return false
	}
	_, declared := s.sess.Inspect(name, len(name), 0)
	return !declared
}

// cellError turns an error from Execute into a session.Error with a
// non-nil traceback.
func cellError(err error) *session.Error {
	var e *session.Error
	if !errors.As(err, &e) {
		e = &session.Error{Name: "Error", Value: err.Error()}
	}
	if e.Traceback == nil {
		c := *e
		c.Traceback = []string{e.Name + ": " + e.Value}
		e = &c
	}
	return e
}

// arrivedRequests takes the shell requests that have arrived: those
// queued, and those still on their way through the shell socket (in the
// operating system's buffers, or being read by zmq4), which it waits for,
// a second at most (a client that sends without pause).
func (s *Server) arrivedRequests() []*wire.Message {
	var got []*wire.Message
	deadline := time.Now().Add(time.Second)
	for {
		for taking := true; taking; {
			select {
			case m := <-s.shellQ:
				got = append(got, m)
			default:
				taking = false
			}
		}
		if s.shellIn.drained(s.shellTaken.Load()) && len(s.shellQ) == 0 {
			return got
		}
		if time.Now().After(deadline) {
			s.debugf("stop_on_error: shell input still arriving after 1 s")
			return got
		}
		time.Sleep(20 * time.Microsecond)
	}
}

// abortRequests answers the execute_requests of reqs with status aborted,
// as ipykernel does after an error with stop_on_error, and serves the
// other requests, in order.
func (s *Server) abortRequests(reqs []*wire.Message) {
	for _, m := range reqs {
		if m.Type() != wire.ExecuteRequest {
			s.dispatch(s.shell, &s.shellMu, m)
			continue
		}
		s.publish(m, wire.Status, wire.StatusContent{ExecutionState: wire.StateBusy})
		s.mu.Lock()
		count := s.count
		s.mu.Unlock()
		s.reply(channel{s.shell, &s.shellMu}, m, wire.ExecuteReply, wire.ExecuteReplyContent{
			Status: wire.StatusAborted, ExecutionCount: count, Payload: []any{}, UserExpressions: map[string]any{},
		})
		s.publish(m, wire.Status, wire.StatusContent{ExecutionState: wire.StateIdle})
	}
}
