package wire

// MsgType is the msg_type of a message header. Every protocol string is
// written once, here.
type MsgType string

// Shell and control channel requests and replies.
const (
	ExecuteRequest    MsgType = "execute_request"
	ExecuteReply      MsgType = "execute_reply"
	InspectRequest    MsgType = "inspect_request"
	InspectReply      MsgType = "inspect_reply"
	CompleteRequest   MsgType = "complete_request"
	CompleteReply     MsgType = "complete_reply"
	HistoryRequest    MsgType = "history_request"
	HistoryReply      MsgType = "history_reply"
	IsCompleteRequest MsgType = "is_complete_request"
	IsCompleteReply   MsgType = "is_complete_reply"
	CommInfoRequest   MsgType = "comm_info_request"
	CommInfoReply     MsgType = "comm_info_reply"
	KernelInfoRequest MsgType = "kernel_info_request"
	KernelInfoReply   MsgType = "kernel_info_reply"
	ShutdownRequest   MsgType = "shutdown_request"
	ShutdownReply     MsgType = "shutdown_reply"
	InterruptRequest  MsgType = "interrupt_request"
	InterruptReply    MsgType = "interrupt_reply"
	ConnectRequest    MsgType = "connect_request"
	ConnectReply      MsgType = "connect_reply"
)

// Comm messages, which may travel on shell and IOPub.
const (
	CommOpen  MsgType = "comm_open"
	CommMsg   MsgType = "comm_msg"
	CommClose MsgType = "comm_close"
)

// IOPub messages.
const (
	Status            MsgType = "status"
	Stream            MsgType = "stream"
	DisplayData       MsgType = "display_data"
	UpdateDisplayData MsgType = "update_display_data"
	ExecuteInput      MsgType = "execute_input"
	ExecuteResult     MsgType = "execute_result"
	Error             MsgType = "error"
	ClearOutput       MsgType = "clear_output"
)

// Stdin channel messages.
const (
	InputRequest MsgType = "input_request"
	InputReply   MsgType = "input_reply"
)

// IsRequest reports whether t names a request, one that expects a reply.
func (t MsgType) IsRequest() bool {
	const suffix = "_request"
	return len(t) > len(suffix) && string(t[len(t)-len(suffix):]) == suffix
}

// Reply returns the reply type of a request type: "x_request" gives
// "x_reply". For a type that is not a request it returns t unchanged.
func (t MsgType) Reply() MsgType {
	if !t.IsRequest() {
		return t
	}
	return t[:len(t)-len("_request")] + "_reply"
}
