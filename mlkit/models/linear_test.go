// SPDX-License-Identifier: Apache-2.0

package models

import "testing"

func TestLinearIsOneDenseLayer(t *testing.T) {
	for _, tc := range []struct {
		features, outputs, want int
	}{{4, 1, 5}, {30, 1, 31}, {10, 3, 33}} {
		s, err := Summary(Linear().Done(), []int{tc.features}, 0, tc.outputs)
		if err != nil {
			t.Fatal(err)
		}
		if s.Trainable != tc.want || len(s.Layers) != 1 {
			t.Errorf("Linear on %d features, %d outputs: %d trainable in %d layers, want %d in 1", tc.features, tc.outputs, s.Trainable, len(s.Layers), tc.want)
		}
	}
}
