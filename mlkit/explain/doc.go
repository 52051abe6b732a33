// SPDX-License-Identifier: Apache-2.0

// Package explain shows what a trained model relies on: gradient saliency maps for images,
// signals and feature vectors, attention maps for transformers, and permutation feature
// importance for tabular models.
//
// Everything works on a trained *train.Run (from Fit or train.Open) and a data set prepared
// like its training data, usually one of run.Split()'s parts:
//
//	run, err := train.Open("pneumonia-cnn")
//	test := run.Split().Test
//
//	// Where in the image the prediction comes from (-1: explain the predicted class).
//	sal, err := explain.Saliency(run, test, []int{0, 1, 2}, -1, explain.SmoothGrad(25, 0.15))
//	fig, err := display.Saliency(test.Example(0), test.Shape, sal.Map(0), sal.Shape)
//
//	// Which tokens a transformer attends to.
//	att, err := explain.Attention(run, test, []int{0})
//	fig, err := display.Attention(att.Rollout(0), att.Labels(0), att.Labels(0))
//
//	// Which features a tabular model needs.
//	imp, err := explain.PermutationImportance(run, test, "auc", 10, 1)
//	fig, err := display.FeatureImportance(imp.Features, imp.Mean, imp.Std, 15)
//
// The package computes; mlkit/display draws. Results are plain slices ([]float32 maps with
// their shape, [][]float64 matrices, names with values) so they can also be printed, saved
// or compared.
//
// Saliency maps are absolute gradients (Simonyan et al., 2014) of the class logit by default,
// optionally of the probability (FromProbability), optionally averaged over noisy copies
// (SmoothGrad, Smilkov et al., 2017). Attention rollout follows Abnar & Zuidema (2020), with
// the residual connection counted as half of each layer. Permutation importance follows
// Breiman (2001): the loss of score when one column is shuffled, repeated to give a spread.
//
// These are aids to inspection, not proof of what a model has learned: a saliency map shows
// sensitivity, not cause; attention is not the whole computation of a transformer; and
// correlated features share importance. Use them on held-out data, alongside the metrics
// of mlkit/eval.
//
// Invalid input (a data set of another shape, an index out of range, a metric that does not
// fit the task, a model without attention) gives an error that says what was wrong and how
// to fix it; errors raised while building the model graph are returned, never panicked.
package explain
