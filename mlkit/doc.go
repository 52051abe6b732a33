// SPDX-License-Identifier: Apache-2.0

// Package mlkit is MedGo's machine-learning kit for healthcare notebooks, built on GoMLX.
//
// It reads top-down, one package per step of a notebook:
//
//   - data: data sets, loaders for the bundled medical data, preprocessing and tokenizers.
//   - backend: the one place that decides which GoMLX backend runs the computations.
//   - models: model builders (MLP, CNN, RNN, transformer encoder) and their summaries.
//   - train: Fit, history, checkpoints and run directories that survive across cells.
//   - eval: clinical metrics with confidence intervals, curves and reports.
//   - explain: saliency maps, attention maps and permutation importance.
//   - display: HTML tables and plots for notebooks (text elsewhere).
//   - report: a run's model report (data, splits, training, test metrics with intervals,
//     calibration, subgroups, decision curve, limits), as HTML and Markdown.
//
// Lower packages never import higher ones: data knows nothing of models, models
// nothing of training, and display only draws what the others computed.
// Below them all, internal/textout holds the text and HTML tables and the progress
// reporter that several floors print, so that each renders them the same way.
package mlkit
