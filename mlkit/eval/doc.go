// SPDX-License-Identifier: Apache-2.0

// Package eval computes clinical evaluation metrics for classifiers and regressors.
//
// Everything here is plain Go on slices: labels are class indices ([]int), scores and
// probabilities are []float64, and nothing depends on GoMLX, so the metrics can be used on
// any model's outputs.
//
// What it offers:
//
//   - Thresholded classification: [ConfusionMatrix] with accuracy, balanced accuracy and
//     per-class precision, recall (sensitivity), specificity, F1 and F-beta, averaged
//     macro, micro or by support (WeightedF1 and friends); [FBeta], the Matthews
//     correlation coefficient [MCC] (binary and multi-class) and the positive and
//     negative [LikelihoodRatios] (also on an [OperatingPoint]).
//   - Ranking: [ROC] and [AUC] (ties handled exactly: the trapezoid over distinct
//     thresholds, which equals the Mann–Whitney U statistic), one-vs-rest [MacroAUC],
//     [PR] curves and step-wise [AveragePrecision], and the McClish-standardised
//     [PartialAUC] up to a maximum false-positive rate.
//   - Calibration: [Reliability] curves with equal-width bins (and [TopLabelReliability]
//     for multi-class), expected calibration error ([ECE]), the [Brier] score
//     ([MultiClassBrier] for multi-class) and the log loss ([LogLoss],
//     [MultiClassLogLoss]), clipped as in scikit-learn.
//   - Sample weights: [SampleWeightedAUC], [SampleWeightedPartialAUC],
//     [SampleWeightedAccuracy], [SampleWeightedBrier] and [SampleWeightedLogLoss] (and
//     its multi-class form) weigh each example, like scikit-learn's sample_weight.
//   - Regression: [RMSE], [MAE], [R2]; ordinal agreement: [CohenKappa] and
//     [QuadraticWeightedKappa].
//   - Multi-label: [ClassifyMultiLabel] takes 0/1/NaN labels (NaN = missing, masked per
//     task) and gives per-task AUC, AP, sensitivity and specificity, macro averages over
//     the tasks with both classes (the others listed in Excluded) and micro averages over
//     the labelled cells. Its MacroAUC is what mlkit/train reports as val_auc for a
//     multi-label task.
//   - Uncertainty: seeded percentile [Bootstrap] confidence intervals for any metric.
//   - Operating points: [ThresholdForSensitivity], [ThresholdForSpecificity],
//     [YoudenThreshold] and [AtThreshold].
//   - Subgroups: [Subgroups] evaluates AUC, sensitivity, specificity, accuracy (and
//     balanced accuracy, PPV, NPV) per group (sex, age band, site) with seeded bootstrap
//     intervals resampled within group × class, each group's gap to the overall value
//     with an interval of the gap and a Disparity flag when it excludes 0; groups with
//     too few positives or negatives get a note instead of an interval. The
//     [SubgroupReport] prints as text or HTML and has a Headline map.
//   - Decision curves: [DecisionCurveAnalysis] gives the net benefit TP/n − FP/n ·
//     pt/(1−pt) (Vickers & Elkin 2006) of the model, of treating all and of treating none
//     over threshold probabilities ([DefaultThresholdGrid] 0.01..0.99, or [ThresholdGrid]);
//     [NetBenefit] at one threshold.
//   - Reports: [Classify] (per-class probabilities), [ClassifyBinary] (one probability per
//     example) and [Regress] gather the above into a [Report] or
//     [RegressionReport] that prints as text (String) or as an HTML table (HTML), and
//     gives a flat Headline map for results tables.
//
// Conventions: binary labels are 0 (negative) and 1 (positive); an example is called
// positive when its score is at or above the threshold. Invalid input (empty slices,
// mismatched lengths, labels out of range, NaN scores) gives an error that says what was
// wrong and where. Nothing is sized from a user value before it is checked: labels must
// be class indices (below MaxClasses when no class list bounds them), and bin and
// resample counts are capped by MaxBins and MaxResamples. A metric that is undefined for valid input either returns an error
// (AUC with one class only) or NaN, as each function documents.
package eval
