// Package mp runs functions in separate OS processes that share locks and
// memory, after Python's multiprocessing module.
package mp
