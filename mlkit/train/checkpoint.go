// SPDX-License-Identifier: Apache-2.0

package train

import (
	"bufio"
	"encoding/gob"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"

	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
)

// checkpointVar is one saved variable. Exactly one data slice is set, by dtype.
type checkpointVar struct {
	Path string
	Dims []int
	F32  []float32
	F64  []float64
	I64  []int64
	I32  []int32
	U64  []uint64
}

// checkpointFile is the content of best.ckpt and latest.ckpt.
type checkpointFile struct {
	Epoch int // epochs completed when saved
	Vars  []checkpointVar
}

// saveCheckpoint writes every variable of store to path atomically: a temporary file in the
// same directory, fsync, then rename, so a reader (or a resumed run after a crash) sees either
// the previous complete checkpoint or the new one, never half of one.
func saveCheckpoint(path string, store *model.Store, epoch int) error {
	ck := checkpointFile{Epoch: epoch}
	for v := range store.IterVariables() {
		t, err := v.Value()
		if err != nil {
			return fmt.Errorf("checkpoint %s: reading variable %s: %w", path, v.Path(), err)
		}
		cv := checkpointVar{Path: v.Path(), Dims: t.Shape().Dimensions}
		err = t.ConstFlatData(func(flat any) {
			switch f := flat.(type) {
			case []float32:
				cv.F32 = append([]float32(nil), f...)
			case []float64:
				cv.F64 = append([]float64(nil), f...)
			case []int64:
				cv.I64 = append([]int64(nil), f...)
			case []int32:
				cv.I32 = append([]int32(nil), f...)
			case []uint64:
				cv.U64 = append([]uint64(nil), f...)
			default:
				err = fmt.Errorf("variable %s has unsupported dtype %s", v.Path(), t.DType())
			}
		})
		if err != nil {
			return fmt.Errorf("checkpoint %s: %w", path, err)
		}
		ck.Vars = append(ck.Vars, cv)
	}
	return writeAtomic(path, func(w io.Writer) error { return gob.NewEncoder(w).Encode(&ck) })
}

// writeAtomic writes a file through a temporary file, fsync and rename.
func writeAtomic(path string, write func(io.Writer) error) (err error) {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return fmt.Errorf("writing %s: %w (check that %s exists, is writable and the disk is not full)", path, err, dir)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	bw := bufio.NewWriter(tmp)
	if err = write(bw); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err = bw.Flush(); err != nil {
		return fmt.Errorf("writing %s: %w (is the disk full?)", path, err)
	}
	if err = tmp.Sync(); err != nil {
		return fmt.Errorf("writing %s: %w (is the disk full?)", path, err)
	}
	if err = tmp.Close(); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err = os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if d, derr := os.Open(dir); derr == nil {
		d.Sync() // make the rename durable
		d.Close()
	}
	return nil
}

// loadCheckpoint reads a checkpoint written by saveCheckpoint.
func loadCheckpoint(path string) (*checkpointFile, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var ck checkpointFile
	if err := gob.NewDecoder(bufio.NewReader(f)).Decode(&ck); err != nil {
		return nil, fmt.Errorf("checkpoint %s is unreadable: %w; delete it (or the run directory) to start over", path, err)
	}
	return &ck, nil
}

func (cv *checkpointVar) tensor() (*tensors.Tensor, error) {
	switch {
	case cv.F32 != nil:
		return tensors.FromFlatDataAndDimensions(cv.F32, cv.Dims...), nil
	case cv.F64 != nil:
		return tensors.FromFlatDataAndDimensions(cv.F64, cv.Dims...), nil
	case cv.I64 != nil:
		return tensors.FromFlatDataAndDimensions(cv.I64, cv.Dims...), nil
	case cv.I32 != nil:
		return tensors.FromFlatDataAndDimensions(cv.I32, cv.Dims...), nil
	case cv.U64 != nil:
		return tensors.FromFlatDataAndDimensions(cv.U64, cv.Dims...), nil
	}
	// A zero-sized variable: keep its shape.
	return tensors.FromShape(shapes.Make(dtypes.Float32, cv.Dims...)), nil
}

// checkpointLoader gives variables their saved values as the graph creates them.
type checkpointLoader struct{ vars map[string]*checkpointVar }

func newLoader(ck *checkpointFile) *checkpointLoader {
	l := &checkpointLoader{vars: map[string]*checkpointVar{}}
	for i := range ck.Vars {
		l.vars[ck.Vars[i].Path] = &ck.Vars[i]
	}
	return l
}

// setScalar replaces the value of every scalar variable with the given name (the last
// element of its path), keeping its dtype.
func (l *checkpointLoader) setScalar(name string, value float64) {
	for p, cv := range l.vars {
		if path.Base(p) != name || len(cv.Dims) != 0 {
			continue
		}
		switch {
		case cv.F32 != nil:
			cv.F32 = []float32{float32(value)}
		case cv.F64 != nil:
			cv.F64 = []float64{value}
		}
	}
}

// LoadVariable implements model.Loader.
func (l *checkpointLoader) LoadVariable(_ *model.Store, fullPath string) (*tensors.Tensor, bool) {
	cv, ok := l.vars[fullPath]
	if !ok {
		return nil, false
	}
	t, err := cv.tensor()
	if err != nil {
		return nil, false
	}
	return t, true
}

// DeleteVariable implements model.Loader.
func (l *checkpointLoader) DeleteVariable(_ *model.Store, fullPath string) error {
	delete(l.vars, fullPath)
	return nil
}

// restoreInto sets the values of the store's existing variables from a checkpoint.
func restoreInto(store *model.Store, ck *checkpointFile) error {
	l := newLoader(ck)
	for v := range store.IterVariables() {
		t, ok := l.LoadVariable(store, v.Path())
		if !ok {
			continue
		}
		if !t.Shape().Equal(v.Shape()) {
			return fmt.Errorf("checkpoint variable %s has shape %s, the model has %s: the checkpoint belongs to another model", v.Path(), t.Shape(), v.Shape())
		}
		if err := v.SetValue(t); err != nil {
			return err
		}
	}
	return nil
}

var errNoCheckpoint = errors.New("no checkpoint")
