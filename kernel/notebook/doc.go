// Package notebook reads, runs and writes Jupyter notebooks (nbformat 4)
// without a Jupyter server: [Run] executes the code cells of a [Notebook] in
// order through a [session.Session] (or any [Executor]) and records their
// outputs in Jupyter's format, so that [Notebook.Marshal] writes a file that
// Jupyter, nbclient and nbconvert read as their own.
//
// # Expected failures
//
// A cell tagged "raises-exception" (Jupyter's standard tag, [RaisesException])
// is expected to fail: its error is recorded and the run goes on. Any other
// failing cell is an unexpected failure, reported by Run as a [*CellError].
//
// The gopherlab command uses this package for `gopherlab run NOTEBOOK.ipynb`.
package notebook
