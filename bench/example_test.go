// SPDX-License-Identifier: Apache-2.0

package main

import (
	"fmt"
	"time"
)

// The performance goals, checked against the figures of a run: here one whose pure-Go LSTM
// scales linearly with the sequence length, whose notebook cells are fast enough, and which
// measured neither the seed CNN nor ONNX Runtime.
func ExampleReport_Targets() {
	r := &Report{
		SeqConfig: SeqConfig{Lengths: []int{50, 100, 200}},
		Runs: []*EngineRun{{Engine: "go", LSTM: &RNNResult{Cell: "lstm", Timing: []SeqTiming{
			{Length: 50, Step: Timing{Median: 100 * time.Millisecond}},
			{Length: 200, Step: Timing{Median: 380 * time.Millisecond}},
		}}}},
		Cells: &CellResult{KernelStart: time.Second, First: 2 * time.Second,
			Reruns: []time.Duration{400 * time.Millisecond, 300 * time.Millisecond, 500 * time.Millisecond}},
	}
	for _, t := range r.Targets() {
		fmt.Printf("%s %s: %s\n", t.Status, t.Goal, t.Measured)
	}
	// Output:
	// – ONNX Runtime: seed CNN training ≥ 1.0× PyTorch (examples/s), never below 0.8×: not measured
	// – ONNX Runtime: seed CNN inference ≥ 1.2× PyTorch (examples/s): not measured
	// – ONNX Runtime: LSTM step at T=50 and T=200 no slower than PyTorch's best: not measured
	// – ONNX Runtime: GRU step at T=50 and T=200 no slower than PyTorch's best: not measured
	// – ONNX Runtime: transformer step ≥ 5× faster than pure Go: not measured
	// – ONNX Runtime: first training step ≤ 3s for every model: not measured
	// – Pure Go: seed CNN training ≥ 0.25× PyTorch (examples/s): not measured
	// ✓ Pure Go: LSTM step time at T=200 ≤ 4× T=50: 3.80× (380.0 ms vs 100.0 ms)
	// – Pure Go: GRU step time at T=200 ≤ 4× T=50: not measured
	// ✓ Warm re-run of a cell importing mlkit ≤ 1s (median): 0.40 s (median of 3)
	// ✓ First cell after medgo install ≤ 5s: 2.00 s (kernel start before it: 1.00 s)
	// – Peak RSS while training the seed CNN ≤ 1 GB, on every engine: not measured
}
