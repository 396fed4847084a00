package wire

// Message contents, one struct per message type the kernel reads or
// writes. Field names follow the messaging specification:
// https://jupyter-client.readthedocs.io/en/stable/messaging.html.

// Reply statuses.
const (
	StatusOK      = "ok"
	StatusError   = "error"
	StatusAborted = "aborted"
)

// Kernel execution states of a status message.
const (
	StateStarting = "starting"
	StateBusy     = "busy"
	StateIdle     = "idle"
)

// ExecuteRequestContent is the content of an execute_request.
// Use [DefaultExecuteRequest] as the base to decode into, so that absent
// fields take the specification's defaults.
type ExecuteRequestContent struct {
	Code            string         `json:"code"`
	Silent          bool           `json:"silent"`
	StoreHistory    bool           `json:"store_history"`
	UserExpressions map[string]any `json:"user_expressions"`
	AllowStdin      bool           `json:"allow_stdin"`
	StopOnError     bool           `json:"stop_on_error"`
}

// DefaultExecuteRequest returns the defaults of an execute_request:
// store_history, allow_stdin and stop_on_error true.
func DefaultExecuteRequest() ExecuteRequestContent {
	return ExecuteRequestContent{StoreHistory: true, AllowStdin: true, StopOnError: true}
}

// ExecuteReplyContent is the content of an execute_reply with status "ok"
// or "aborted".
type ExecuteReplyContent struct {
	Status          string         `json:"status"`
	ExecutionCount  int            `json:"execution_count"`
	Payload         []any          `json:"payload"`
	UserExpressions map[string]any `json:"user_expressions"`
}

// ExecuteErrorReplyContent is the content of an execute_reply with status
// "error".
type ExecuteErrorReplyContent struct {
	Status         string   `json:"status"`
	ExecutionCount int      `json:"execution_count"`
	EName          string   `json:"ename"`
	EValue         string   `json:"evalue"`
	Traceback      []string `json:"traceback"`
}

// ErrorReplyContent is a reply with status "error" and nothing else.
type ErrorReplyContent struct {
	Status    string   `json:"status"`
	EName     string   `json:"ename"`
	EValue    string   `json:"evalue"`
	Traceback []string `json:"traceback"`
}

// ErrorIOPubContent is an IOPub error message: ename, evalue and
// traceback, always present.
type ErrorIOPubContent struct {
	EName     string   `json:"ename"`
	EValue    string   `json:"evalue"`
	Traceback []string `json:"traceback"`
}

// StatusContent is the content of a status message.
type StatusContent struct {
	ExecutionState string `json:"execution_state"`
}

// StreamContent is the content of a stream message.
type StreamContent struct {
	Name string `json:"name"`
	Text string `json:"text"`
}

// ExecuteInputContent is the content of an execute_input message.
type ExecuteInputContent struct {
	Code           string `json:"code"`
	ExecutionCount int    `json:"execution_count"`
}

// ExecuteResultContent is the content of an execute_result message.
type ExecuteResultContent struct {
	ExecutionCount int            `json:"execution_count"`
	Data           map[string]any `json:"data"`
	Metadata       map[string]any `json:"metadata"`
}

// DisplayDataContent is the content of display_data and
// update_display_data.
type DisplayDataContent struct {
	Data      map[string]any `json:"data"`
	Metadata  map[string]any `json:"metadata"`
	Transient map[string]any `json:"transient,omitempty"`
}

// ClearOutputContent is the content of clear_output.
type ClearOutputContent struct {
	Wait bool `json:"wait"`
}

// LanguageInfo describes the language in a kernel_info_reply.
type LanguageInfo struct {
	Name              string `json:"name"`
	Version           string `json:"version"`
	MIMEType          string `json:"mimetype"`
	FileExtension     string `json:"file_extension"`
	PygmentsLexer     string `json:"pygments_lexer"`
	CodeMirrorMode    string `json:"codemirror_mode"`
	NBConvertExporter string `json:"nbconvert_exporter,omitempty"`
}

// HelpLink is one entry of help_links in a kernel_info_reply.
type HelpLink struct {
	Text string `json:"text"`
	URL  string `json:"url"`
}

// KernelInfoReplyContent is the content of a kernel_info_reply.
type KernelInfoReplyContent struct {
	Status                string       `json:"status"`
	ProtocolVersion       string       `json:"protocol_version"`
	Implementation        string       `json:"implementation"`
	ImplementationVersion string       `json:"implementation_version"`
	LanguageInfo          LanguageInfo `json:"language_info"`
	Banner                string       `json:"banner"`
	Debugger              bool         `json:"debugger"`
	HelpLinks             []HelpLink   `json:"help_links"`
}

// IsCompleteRequestContent is the content of an is_complete_request.
type IsCompleteRequestContent struct {
	Code string `json:"code"`
}

// IsCompleteReplyContent is the content of an is_complete_reply.
type IsCompleteReplyContent struct {
	Status string `json:"status"`
	Indent string `json:"indent,omitempty"`
}

// CompleteRequestContent is the content of a complete_request. CursorPos
// counts Unicode code points.
type CompleteRequestContent struct {
	Code      string `json:"code"`
	CursorPos int    `json:"cursor_pos"`
}

// CompleteReplyContent is the content of a complete_reply.
type CompleteReplyContent struct {
	Status      string         `json:"status"`
	Matches     []string       `json:"matches"`
	CursorStart int            `json:"cursor_start"`
	CursorEnd   int            `json:"cursor_end"`
	Metadata    map[string]any `json:"metadata"`
}

// InspectRequestContent is the content of an inspect_request.
type InspectRequestContent struct {
	Code        string `json:"code"`
	CursorPos   int    `json:"cursor_pos"`
	DetailLevel int    `json:"detail_level"`
}

// InspectReplyContent is the content of an inspect_reply.
type InspectReplyContent struct {
	Status   string         `json:"status"`
	Found    bool           `json:"found"`
	Data     map[string]any `json:"data"`
	Metadata map[string]any `json:"metadata"`
}

// HistoryRequestContent is the content of a history_request.
type HistoryRequestContent struct {
	Output         bool   `json:"output"`
	Raw            bool   `json:"raw"`
	HistAccessType string `json:"hist_access_type"`
	Session        int    `json:"session"`
	Start          int    `json:"start"`
	Stop           int    `json:"stop"`
	N              int    `json:"n"`
	Pattern        string `json:"pattern"`
	Unique         bool   `json:"unique"`
}

// HistoryReplyContent is the content of a history_reply. Each entry is
// [session, line, input] or, with output, [session, line, [input, output]].
type HistoryReplyContent struct {
	Status  string  `json:"status"`
	History [][]any `json:"history"`
}

// CommInfoReplyContent is the content of a comm_info_reply.
type CommInfoReplyContent struct {
	Status string         `json:"status"`
	Comms  map[string]any `json:"comms"`
}

// ShutdownContent is the content of shutdown_request and shutdown_reply.
type ShutdownContent struct {
	Status  string `json:"status,omitempty"`
	Restart bool   `json:"restart"`
}

// InterruptReplyContent is the content of an interrupt_reply.
type InterruptReplyContent struct {
	Status string `json:"status"`
}

// InputRequestContent is the content of an input_request.
type InputRequestContent struct {
	Prompt   string `json:"prompt"`
	Password bool   `json:"password"`
}

// InputReplyContent is the content of an input_reply.
type InputReplyContent struct {
	Value string `json:"value"`
}
