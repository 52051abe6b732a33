// SPDX-License-Identifier: Apache-2.0

package train

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"strings"
	"time"
)

// Epoch is one row of a History.
type Epoch struct {
	Epoch        int                `json:"epoch"` // 1-based
	TrainLoss    float64            `json:"train_loss"`
	Val          map[string]float64 `json:"val,omitempty"` // loss, accuracy, auc, rmse as available
	LearningRate float64            `json:"learning_rate"`
	Seconds      float64            `json:"seconds"`
	Best         bool               `json:"best"` // the monitored metric improved: best.ckpt was written
}

// History is the per-epoch record of a run, saved as history.json beside the checkpoints.
type History struct {
	Epochs    []Epoch `json:"epochs"`
	Monitor   string  `json:"monitor"`
	BestEpoch int     `json:"best_epoch"` // 1-based; 0 before the first epoch
	Stopped   string  `json:"stopped,omitempty"`
	Backend   string  `json:"backend"`
	Finished  bool    `json:"finished"`
	Examples  int     `json:"examples_per_epoch"`
}

// Duration is the wall time the recorded epochs took, to the second: training and the
// epoch's validation, the first step's graph compilation included.
func (h *History) Duration() time.Duration {
	var s float64
	for _, e := range h.Epochs {
		s += e.Seconds
	}
	return time.Duration(s * float64(time.Second)).Round(time.Second)
}

// TrainingTime is the summed Duration of the runs' histories: what an ensemble cost to train.
func TrainingTime(runs ...*Run) time.Duration {
	var d time.Duration
	for _, r := range runs {
		if r != nil && r.History != nil {
			d += r.History.Duration()
		}
	}
	return d
}

// Series returns one metric per epoch: "train_loss", "learning_rate", or "val_" + a
// validation metric ("val_loss", "val_auc", ...). Missing values are NaN.
func (h *History) Series(name string) []float64 {
	out := make([]float64, len(h.Epochs))
	for i, e := range h.Epochs {
		switch {
		case name == "train_loss":
			out[i] = e.TrainLoss
		case name == "learning_rate":
			out[i] = e.LearningRate
		case strings.HasPrefix(name, "val_"):
			v, ok := e.Val[strings.TrimPrefix(name, "val_")]
			if !ok {
				v = math.NaN()
			}
			out[i] = v
		default:
			out[i] = math.NaN()
		}
	}
	return out
}

// Metrics lists the series available in this history.
func (h *History) Metrics() []string {
	names := []string{"train_loss"}
	if len(h.Epochs) > 0 {
		for _, k := range []string{"loss", "accuracy", "auc", "rmse"} {
			if _, ok := h.Epochs[0].Val[k]; ok {
				names = append(names, "val_"+k)
			}
		}
	}
	return names
}

// Best returns the epoch whose weights were kept.
func (h *History) Best() (Epoch, bool) {
	if h.BestEpoch <= 0 || h.BestEpoch > len(h.Epochs) {
		return Epoch{}, false
	}
	return h.Epochs[h.BestEpoch-1], true
}

// String is a text table of the history.
func (h *History) String() string {
	var b strings.Builder
	metrics := h.Metrics()
	fmt.Fprintf(&b, "%5s", "epoch")
	for _, m := range metrics {
		fmt.Fprintf(&b, " %12s", m)
	}
	fmt.Fprintf(&b, " %10s %8s\n", "lr", "seconds")
	for i, e := range h.Epochs {
		mark := " "
		if i+1 == h.BestEpoch {
			mark = "*"
		}
		fmt.Fprintf(&b, "%4d%s", e.Epoch, mark)
		for _, m := range metrics {
			fmt.Fprintf(&b, " %12.4f", h.Series(m)[i])
		}
		fmt.Fprintf(&b, " %10.2e %8.1f\n", e.LearningRate, e.Seconds)
	}
	if h.Stopped != "" {
		fmt.Fprintf(&b, "stopped: %s\n", h.Stopped)
	}
	return b.String()
}

func (h *History) save(path string) error {
	return writeAtomic(path, func(w io.Writer) error {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(h)
	})
}

func loadHistory(path string) (*History, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var h History
	if err := json.Unmarshal(raw, &h); err != nil {
		return nil, fmt.Errorf("%s is not a valid history: %w", path, err)
	}
	return &h, nil
}

// Curves maps each metric of Metrics to its per-epoch values, as display.TrainingCurves takes them.
func (h *History) Curves() map[string][]float64 {
	out := map[string][]float64{}
	for _, m := range h.Metrics() {
		out[m] = h.Series(m)
	}
	return out
}
