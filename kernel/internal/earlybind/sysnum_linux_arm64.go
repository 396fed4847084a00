package earlybind

// System call numbers of linux/arm64.
const (
	sysUnlinkat   = 35
	sysOpenat     = 56
	sysCloseNum   = 57
	sysReadNum    = 63
	sysSocketNum  = 198
	sysMadvise    = 233
	sysBind       = 200
	sysListenNum  = 201
	sysSetsockopt = 208
)
