// Package lessons holds the gopherlab lessons: notebooks that port a Python
// multiprocessing tutorial (processes, locks, shared memory) to Go, one step
// per notebook, then go on through the rest of multiprocessing (Pool, Queue,
// Pipe, Event, Barrier, Semaphore, deadlock) to an exercise, in English
// (NN-topic.ipynb) and Chinese (zh/NN-topic.ipynb).
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
// nbclient and through gopherlab run, apply and run every "Try this" edit,
// and check that each lesson's output shows what its text says, in every
// run (set GOPHERLAB_LESSONS_REPEAT=5 to run each five times).
package lessons

//go:generate go run ./internal/gen
