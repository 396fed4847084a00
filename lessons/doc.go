// Package lessons holds the gopherlab lessons: notebooks that port a Python
// multiprocessing tutorial (processes, locks, shared memory) to Go, one step
// per notebook, in English (NN-topic.ipynb) and Chinese (zh/NN-topic.ipynb).
//
// Both editions are generated from one source per lesson,
// internal/gen/src/NN-topic.txt, so they cannot drift: edit the source, then
// run go generate (which keeps the outputs of unchanged code cells) and
// regenerate the outputs with a real run:
//
//	go generate ./lessons
//	gopherlab run --inplace lessons/*.ipynb lessons/zh/*.ipynb
//
// The tests in this directory run every lesson through the real kernel with
// nbclient and through gopherlab run, and check that each lesson's output
// shows the behaviour it teaches.
package lessons

//go:generate go run ./internal/gen
