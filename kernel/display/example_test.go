package display_test

import (
	"fmt"
	"image"
	"image/color"

	"github.com/gopherlab/gopherlab/kernel/display"
	"github.com/gopherlab/gopherlab/runtime/mp"
)

// Outside the kernel, as in this example, each output prints its plain-text
// form to standard output.
func ExampleHTML() {
	display.HTML("<p>Hello, <b>world</b></p>")
	// Output: Hello, world
}

func ExampleMarkdown() {
	display.Markdown("# Shared memory\n\nTwo processes, one `Value`.")
	// Output:
	// # Shared memory
	//
	// Two processes, one `Value`.
}

func ExampleImage() {
	img := image.NewGray(image.Rect(0, 0, 64, 32))
	for x := 0; x < 64; x++ {
		img.SetGray(x, x/2, color.Gray{Y: 255})
	}
	display.Image(img)
	// Output: <PNG image 64x32>
}

func ExampleJSON() {
	display.JSON(map[string]any{"processes": 2, "lock": true})
	// Output:
	// {
	//   "lock": true,
	//   "processes": 2
	// }
}

// A Handle replaces its output in place, here a progress report.
func ExampleHandle() {
	progress := display.NewHandle()
	for done := 0; done <= 100; done += 50 {
		progress.HTML(fmt.Sprintf("<progress max=100 value=%d></progress> %d%%", done, done))
	}
	// Outside the kernel every version is printed.

	// Output:
	// 0%
	// 50%
	// 100%
}

type circle struct{ r int }

func (c circle) SVG() string {
	return `<svg xmlns="http://www.w3.org/2000/svg" width="20" height="20"><circle cx="10" cy="10" r="8"/></svg>`
}

func ExampleBundle() {
	data, ok := display.Bundle(circle{8})
	fmt.Println(ok, data["text/plain"])
	_, ok = display.Bundle(42)
	fmt.Println(ok)
	// Output:
	// true {8}
	// false
}

// Watch shows a live view of processes and shared objects in a notebook;
// outside the kernel it prints the last view as text when it stops.
func ExampleWatch() {
	number := mp.NewValue("i", 41)
	w := display.Watch("number", number)
	number.Add(1)
	w.Stop()
	// Output:
	// Processes and shared objects
	// no processes yet
	// number Value('i'): 42
}
