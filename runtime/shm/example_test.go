package shm_test

import (
	"fmt"
	"sync/atomic"
	"time"

	"github.com/gopherlab/gopherlab/runtime/shm"
)

func ExampleNew() {
	seg, err := shm.New(4096)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer seg.Close()
	copy(seg.Bytes(), "shared")
	// A child process given seg.File() (exec.Cmd.ExtraFiles) maps the same
	// memory with shm.Open.
	fmt.Println(seg.Len(), string(seg.Bytes()[:6]))
	// Output: 4096 shared
}

func ExampleMutex() {
	seg, err := shm.New(64)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer seg.Close()
	m := seg.Mutex(0)
	ownerDied := m.Lock()
	ok, _ := m.TryLock()
	fmt.Println(ownerDied, ok, m.Owner() != 0, m.Unlock(), m.Unlock())
	// Output: false false true <nil> shm: unlock of unlocked mutex
}

func ExampleWait() {
	seg, err := shm.New(64)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer seg.Close()
	flag := seg.Uint32(0)
	go func() {
		atomic.StoreUint32(flag, 1)
		shm.Wake(flag, 1)
	}()
	for atomic.LoadUint32(flag) == 0 {
		shm.Wait(flag, 0, time.Second)
	}
	fmt.Println("woken")
	// Output: woken
}
