// SPDX-License-Identifier: Apache-2.0

package train

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/ml/model/onnx"

	"github.com/medgo-lab/medgo/mlkit/backend"
	"github.com/medgo-lab/medgo/mlkit/data"
)

// ONNX input and output names of an exported run.
const (
	ONNXInput  = "x"
	ONNXMask   = "mask"
	ONNXOutput = "y"
)

// ONNXModel describes a run exported by ExportONNX: what to feed the file and what it returns.
type ONNXModel struct {
	Path    string
	Inputs  []ONNXTensor
	Output  ONNXTensor
	Task    data.Task
	Labels  []string // the output's columns, in order: class names, or target names
	Meaning string   // what each output value is
}

// ONNXTensor is one named float32 input or output of an exported model.
type ONNXTensor struct {
	Name  string
	Shape []int
}

// ExportONNX writes the run's model, with its weights, to path as a standard ONNX file that any
// ONNX runtime can serve without GoMLX or MedGo. Its input is x, float32 [batch, example shape…]
// prepared exactly as the run's data (the same standardizer, image size or tokenizer); token
// models also take mask, float32 [batch, length], 1 for real tokens. Its output is y, float32
// [batch, outputs]: class probabilities (binary tasks: both classes), per-target probabilities
// (multi-label) or values (regression) — what Predict returns.
//
// The batch size is fixed in the file: batch rows per call (1 when batch ≤ 0); pad the last
// call and drop the padded rows. Exporting needs ONNX Runtime (the medgo kernel's default
// engine); the run itself may have trained on any backend. Running the cell again is safe:
// an existing file with the same model is left as it is, and one with different content is
// never overwritten (the error says so).
func (r *Run) ExportONNX(path string, batch int) (m *ONNXModel, err error) {
	defer catch(&err, "export run %q to ONNX", r.Name)
	if batch <= 0 {
		batch = 1
	}
	if !strings.HasSuffix(strings.ToLower(path), ".onnx") {
		return nil, fmt.Errorf("export run %q: %q should end in .onnx, so that runtimes and viewers recognise it", r.Name, path)
	}
	ort, err := backend.ONNX()
	if err != nil {
		return nil, fmt.Errorf("export run %q: %w", r.Name, err)
	}
	withMask := r.split != nil && r.split.Train != nil && r.split.Train.Mask != nil
	exec, err := model.NewExec(ort, r.store, r.predictGraph)
	if err != nil {
		return nil, fmt.Errorf("export run %q: %w", r.Name, err)
	}
	defer exec.Finalize()

	m = &ONNXModel{Path: path, Task: r.Task, Labels: r.Classes}
	in := []shapes.Shape{shapes.Make(dtypes.Float32, append([]int{batch}, r.Shape...)...)}
	names := []string{ONNXInput}
	m.Inputs = append(m.Inputs, ONNXTensor{ONNXInput, in[0].Dimensions})
	if withMask {
		in = append(in, shapes.Make(dtypes.Float32, batch, r.Shape[0]))
		names = append(names, ONNXMask)
		m.Inputs = append(m.Inputs, ONNXTensor{ONNXMask, in[1].Dimensions})
	}
	m.Output = ONNXTensor{ONNXOutput, []int{batch, r.predictionWidth()}}
	switch r.Task {
	case data.MultiLabel:
		m.Labels, m.Meaning = r.Targets, "probability of each target"
	case data.Regression:
		m.Labels, m.Meaning = r.Targets, "predicted value of each target, in the units the run was trained on"
	default:
		m.Meaning = "probability of each class (rows sum to 1)"
	}

	var buf bytes.Buffer
	if err := onnx.Save(ort, exec, &buf, in, names, []string{ONNXOutput}); err != nil {
		return nil, backend.ExplainFor(fmt.Errorf("export run %q: %w", r.Name, err), ort)
	}
	if err := writeNew(path, buf.Bytes()); err != nil {
		return nil, fmt.Errorf("export run %q: %w", r.Name, err)
	}
	return m, nil
}

// predictionWidth is the width of Predict's rows: binary tasks give both classes' probabilities.
func (r *Run) predictionWidth() int {
	if r.Task == data.Binary {
		return 2
	}
	return r.Outputs
}

// writeNew writes content to path through a temporary file. An existing file with the same
// content is kept; one with other content is an error, never overwritten.
func writeNew(path string, content []byte) error {
	old, err := os.ReadFile(path)
	switch {
	case err == nil && bytes.Equal(old, content):
		return nil
	case err == nil:
		return fmt.Errorf("%s already exists with other content (another model or other weights); it is kept: choose another file name, or delete it yourself to replace it", path)
	case !errors.Is(err, fs.ErrNotExist):
		return err
	}
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	if _, err := tmp.Write(content); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	// Link, not rename: a file created at path meanwhile is not replaced.
	if err := os.Link(tmp.Name(), path); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return os.Remove(tmp.Name())
}

// String documents the file's inputs and output, for a notebook to print.
func (m *ONNXModel) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n", m.Path)
	for _, t := range m.Inputs {
		fmt.Fprintf(&b, "  input  %-4s float32 %v\n", t.Name, t.Shape)
	}
	fmt.Fprintf(&b, "  output %-4s float32 %v: %s", m.Output.Name, m.Output.Shape, m.Meaning)
	if len(m.Labels) > 0 {
		fmt.Fprintf(&b, ", columns %s", strings.Join(m.Labels, ", "))
	}
	return b.String()
}
