// SPDX-License-Identifier: Apache-2.0

// Package display shows mlkit's results in notebooks: plots, tables, evaluation reports
// and in-place training progress.
//
// Plots are built with gonum.org/v1/plot and returned as a [Figure], which renders to
// PNG or SVG bytes, or shows in the notebook in one line:
//
//	display.Show(display.ROC(report.ROC...).SetTitle("test set"))
//	png, err := display.ROC(report.ROC...).PNG()
//
// A plotting function given data it cannot draw returns a Figure that carries the error
// ([Figure.Err]); rendering or showing it returns that error instead of a picture.
//
// [Show], [ShowHTML], [ShowTable] and [Report] display things in the current notebook
// cell when the program runs inside GoNB (detected with gonbui.IsNotebook). Elsewhere
// (tests, command-line programs) they print text tables to [Out], and write figures and
// HTML to files under [FigureDir] (a temporary directory by default), printing each
// file's path; they never fail silently. In a notebook, a Show function that fails stops
// the cell with its error, as mlkit.Must would, so a headless run of the notebook fails too.
//
// [Progress] reports training progress in one output that updates in place: an HTML
// block inside GoNB, a single \r-rewritten line on a terminal, and a line every few
// seconds when output goes to a file or pipe.
//
// display draws what the other mlkit packages computed; nothing below it imports it.
package display
