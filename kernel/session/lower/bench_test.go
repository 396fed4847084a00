package lower

import "testing"

var benchCells = map[string]string{
	"Trivial":    "package main\n\nfunc main() {\n\tx := 1 + 1\n\t_ = x\n}\n",
	"ImportFmt":  "package main\n\nimport \"fmt\"\n\nfunc main() {\n\tfmt.Println(\"hello, world\")\n}\n",
	"RangeInt":   "package main\n\nimport \"fmt\"\n\nfunc main() {\n\tfor i := range 3 {\n\t\tfmt.Println(i)\n\t}\n}\n",
	"SlicesMaps": "package main\n\nimport (\n\t\"fmt\"\n\t\"maps\"\n\t\"slices\"\n)\n\nfunc main() {\n\tm := map[string]int{\"a\": 1}\n\tfmt.Println(slices.Sorted(maps.Keys(m)), slices.Max([]int{1, 2}))\n}\n",
}

// BenchmarkRewrite measures Rewrite on a new cell each time (the
// per-cell cache is defeated by a changing comment).
func BenchmarkRewrite(b *testing.B) { benchCells2(b, true) }

// BenchmarkCheck measures Check the same way.
func BenchmarkCheck(b *testing.B) { benchCells2(b, false) }

func benchCells2(b *testing.B, rewrite bool) {
	for _, name := range []string{"Trivial", "ImportFmt", "RangeInt", "SlicesMaps"} {
		cell := benchCells[name]
		b.Run(name, func(b *testing.B) {
			Check([]byte(cell), nil) // warm the importer
			variants := [2][]byte{[]byte(cell + "// a\n"), []byte(cell + "// b\n")}
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				c := variants[i%2]
				if rewrite {
					if _, _, err := Rewrite(c, nil); err != nil {
						b.Fatal(err)
					}
				} else if errs := Check(c, nil); len(errs) > 0 {
					b.Fatal(errs)
				}
			}
		})
	}
}

// BenchmarkColdImportFmt measures the first import of fmt by the source
// importer (parsing GOROOT sources), done once per kernel process.
func BenchmarkColdImportFmt(b *testing.B) {
	for i := 0; i < b.N; i++ {
		Forget()
		Preload("fmt")
	}
}

// BenchmarkColdImportMP measures the first import of runtime/mp (from its
// sources, with golang.org/x/sys/unix and its standard library imports).
func BenchmarkColdImportMP(b *testing.B) {
	for i := 0; i < b.N; i++ {
		Forget()
		Preload("github.com/gopherlab/gopherlab/runtime/mp")
	}
}
