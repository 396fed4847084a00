package earlybind

// System call numbers of linux/amd64.
const (
	sysReadNum    = 0
	sysCloseNum   = 3
	sysMadvise    = 28
	sysSocketNum  = 41
	sysBind       = 49
	sysListenNum  = 50
	sysSetsockopt = 54
	sysOpenat     = 257
	sysUnlinkat   = 263
)
