// SPDX-License-Identifier: Apache-2.0

// Package report writes a model report for a trained run: one page, in HTML and Markdown,
// in the spirit of TRIPOD+AI and model cards.
//
// From the run directory alone it states the data source and licence, the splits and their
// sizes, the model and its training settings, the test metrics with bootstrap 95% confidence
// intervals, calibration, a decision curve for binary tasks, and the limits that follow from
// how the model was validated. What only its author can say (intended use, a group attribute
// for a subgroup table, further limits) is given with the builder and kept beside the run in
// card.json, so that `medgo report RUN` writes the same report again later:
//
//	rep := mlkit.Must(report.New("wdbc-mlp").
//		IntendedUse("Teaching: how a tabular classifier is validated.").
//		Groups("tumour size", sizeBand).
//		Done())
//	mlkit.Check(rep.Save()) // runs/wdbc-mlp/report.html, report.md, report-figures/
//	rep.Show()
//
// Every report carries the caveat that the model is not a medical device.
//
// report sits above display: it only assembles what eval computed and display drew.
package report
