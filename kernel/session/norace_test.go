//go:build !race

package session

// raceEnabled is set when the tests run with the race detector.
const raceEnabled = false
