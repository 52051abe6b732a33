// SPDX-License-Identifier: Apache-2.0

package eval

import "math"

func checkRegression(truth, pred []float64) error {
	if err := checkLen("truth values", len(truth), "predictions", len(pred)); err != nil {
		return err
	}
	if err := checkFinite("truth values", truth); err != nil {
		return err
	}
	return checkFinite("predictions", pred)
}

// RMSE is the root mean squared error of predictions against true values.
func RMSE(truth, pred []float64) (float64, error) {
	if err := checkRegression(truth, pred); err != nil {
		return math.NaN(), err
	}
	s := 0.0
	for i := range truth {
		d := pred[i] - truth[i]
		s += d * d
	}
	return math.Sqrt(s / float64(len(truth))), nil
}

// MAE is the mean absolute error of predictions against true values.
func MAE(truth, pred []float64) (float64, error) {
	if err := checkRegression(truth, pred); err != nil {
		return math.NaN(), err
	}
	s := 0.0
	for i := range truth {
		s += math.Abs(pred[i] - truth[i])
	}
	return s / float64(len(truth)), nil
}

// R2 is the coefficient of determination, 1 - SS_res/SS_tot: 1 for perfect predictions,
// 0 for always predicting the mean, negative for worse. It is NaN when all true values
// are equal (SS_tot = 0), where the ratio is undefined.
func R2(truth, pred []float64) (float64, error) {
	if err := checkRegression(truth, pred); err != nil {
		return math.NaN(), err
	}
	mean := 0.0
	for _, t := range truth {
		mean += t
	}
	mean /= float64(len(truth))
	var ssRes, ssTot float64
	for i, t := range truth {
		ssRes += (pred[i] - t) * (pred[i] - t)
		ssTot += (t - mean) * (t - mean)
	}
	if ssTot == 0 {
		return math.NaN(), nil
	}
	return 1 - ssRes/ssTot, nil
}
