// SPDX-License-Identifier: Apache-2.0

// Command bench measures how fast mlkit trains on the pure-Go backend and on ONNX Runtime,
// compared with PyTorch on the same CPU, and how long notebook cells take through the Jupyter
// client.
//
// Run it from the checkout with make bench, or directly:
//
//	GOEXPERIMENT=simd go run ./bench --write
//
// It reports, with the machine, the versions and the load average at start and end:
//
//   - the seed CNN (models.SeedCNN) on MNIST: training examples per second at batch 64 after
//     warm-up steps, inference examples per second, and the peak resident memory;
//   - the LSTM and GRU training step time at sequence lengths 50, 100 and 200 (64 units,
//     batch 32), and the ratio of the longest to the shortest;
//   - the transformer encoder's training step on splice-like DNA token sequences (batch 32,
//     length 60, width 64, 2 blocks);
//   - the same CNN, LSTM and GRU in PyTorch (python3 with torch, threads matching the cores,
//     and again with one thread, which a busy machine can favour), with the ratio MedGo/PyTorch
//     to the faster of the two beside each figure, or "PyTorch: not available" and why;
//   - the first cell in a fresh "medgo" kernel after medgo install, and the median warm re-run
//     of a cell that imports mlkit.
//
// The Go sections run once per engine (--engines, default go,onnx), each in a new process of
// this program with MEDGO_BACKEND set, so both engines and PyTorch are measured in one run on
// the same machine; ONNX Runtime needs a build with cgo and -tags onnx and a provisioned
// library (make bench builds with bin/medgo env's settings), and is reported as not measured,
// with the reason, otherwise. Each figure is checked against its performance goal (✓ or ✗).
// The training steps are built as mlkit/train builds them (models.Loss and Adam under
// model.NewExec), so the benchmark measures mlkit's own models. Timings are
// medians, with the fastest step beside them, since the machine may be busy with other work;
// the sequence lengths of a recurrent model are timed in interleaved rounds so that load changes
// affect them alike. A training step that takes longer than --step-timeout is reported as hung,
// and its section is measured again on a pure-Go backend that runs one operation at a time.
//
// --cpuprofile adds the functions that used the most CPU in the Go sections; --sections runs
// only some sections; --write saves the report as bench/RESULTS.md; -h lists every flag.
package main
