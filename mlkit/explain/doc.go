// SPDX-License-Identifier: Apache-2.0

// Package explain shows what a trained model relies on, and how sure it is: gradient saliency
// maps, Grad-CAM and integrated gradients for images, signals and feature vectors, attention
// maps for transformers, permutation feature importance for tabular models, and predictive
// uncertainty from Monte-Carlo dropout and test-time augmentation.
//
// Everything works on a trained *train.Run (from Fit or train.Open) and a data set prepared
// like its training data, usually one of run.Split()'s parts:
//
//	run, err := train.Open("pneumonia-cnn")
//	test := run.Split().Test
//
//	// Where in the image the prediction comes from (-1: explain the predicted class).
//	sal, err := explain.Saliency(run, test, []int{0, 1, 2}, -1, explain.SmoothGrad(25, 0.15))
//	fig := display.Saliency(test.Example(0), test.Shape, sal.Map(0), sal.Shape)
//
//	// Which tokens a transformer attends to.
//	att, err := explain.Attention(run, test, []int{0})
//	fig := display.Attention(att.Rollout(0), att.Labels(0), att.Labels(0))
//
//	// Which features a tabular model needs.
//	imp, err := explain.PermutationImportance(run, test, "auc", 10, 1)
//	fig := display.FeatureImportance(imp.Features, imp.Mean, imp.Std, 15)
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
// # Grad-CAM
//
// GradCAM (Selvaraju et al., 2017) explains a convolutional network (models.CNN or CNN1D)
// through its last convolution block: each feature map A_k is weighted by the mean gradient of
// the class score over its positions, and ReLU(Σ_k w_k A_k) is upsampled bilinearly to the
// input and scaled to [0, 1]. The result embeds SaliencyMaps, so display.Saliency and
// display.Overlay show it; Coarse and Weights keep the map at feature-map resolution and the
// channel weights. Maps are coarse but class-specific; other models get an error that points
// to Saliency or IntegratedGradients.
//
//	cam, err := explain.GradCAM(run, test, []int{0}, -1)
//	fig := display.Saliency(test.Example(0), test.Shape, cam.Map(0), cam.Shape)
//
// # Integrated gradients
//
// IntegratedGradients (Sundararajan et al., 2017) integrates the gradient along the straight
// path from a baseline (zeros, or Baseline(x)) to the input, with the trapezoid rule over the
// given number of steps, and multiplies by the input's difference from the baseline. The
// signed attributions add up to F(x) − F(baseline) (completeness); Delta reports the
// integration error, which shrinks as steps grow (about as 1/steps for ReLU networks; compare
// it with Score − BaselineScore and add steps until it is small). Saliency converts them to
// maps for display.
//
//	ig, err := explain.IntegratedGradients(run, test, []int{0, 1}, -1, 64)
//	fmt.Println(ig.Values[0], ig.Delta(0))
//
// # Uncertainty and referral
//
// MCDropout (Gal & Ghahramani, 2016) predicts T times with dropout on and batch normalization
// in inference mode (models.Builder.BatchNormInference), from a seed, restoring the run's
// random state afterwards; TestTimeAugmentation predicts once per augmentation (Identity,
// FlipHorizontal, Shift, RandomAugment around data.Augment, or any function on a data set),
// with a run or an ensemble of runs (train.Average), whose mean it averages over the views.
// Both give per-example mean probabilities, their standard deviation over passes (Spread:
// that of the predicted class), the predictive entropy and its mutual-information part (the
// disagreement between passes). A model without dropout gives zero spread under MCDropout.
// eval.Selective and eval.SelectiveBinary turn any uncertainty into a referral curve:
// accuracy (and sensitivity, specificity) on the cases kept when the least certain are
// referred to a clinician, against the fraction kept:
//
//	u, err := explain.MCDropout(run, test, 30, 1)
//	curve, err := eval.SelectiveBinary(test.Labels(), u.Labels(), u.Entropy)
//	fmt.Println(curve.Accuracy[curve.At(0.8)]) // accuracy when 20% are referred
//
// Uncertainty from dropout or augmentation is a heuristic, not a calibrated probability of
// error: check on held-out data that referring uncertain cases does raise the accuracy.
//
// These are aids to inspection, not proof of what a model has learned: a saliency map shows
// sensitivity, not cause; attention is not the whole computation of a transformer; and
// correlated features share importance. Use them on held-out data, alongside the metrics
// of mlkit/eval.
//
// Invalid input (a data set of another shape, an index out of range, a metric that does not
// fit the task, a model without attention or convolutions) gives an error that says what was wrong and how
// to fix it; errors raised while building the model graph are returned, never panicked.
package explain
