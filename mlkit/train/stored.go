// SPDX-License-Identifier: Apache-2.0

package train

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/medgo-lab/medgo/mlkit/models"
)

// ErrRunChanged is returned (wrapped) by Fit when the run directory holds a run trained with
// a configuration whose weights the new one cannot continue from. The run is left untouched.
var ErrRunChanged = errors.New("the run was trained with a different configuration")

// continuable are the settings (by JSON name) that only say how long to train. Changing them
// and continuing gives the same weights and history as a fresh run with the new values, so a
// run continues across such a change. Every other setting changes what each epoch does.
var continuable = map[string]bool{"epochs": true, "patience": true}

// runFiles are the files Fit writes in a run directory; Restart moves them aside together.
var runFiles = []string{modelFile, settingsFile, dataFile, bestFile, latestFile, historyFile}

// storedRun is what a run directory holds from an earlier Fit.
type storedRun struct {
	settings     Settings
	settingsJSON []byte
	modelJSON    []byte // normalized, see normalizeModel
	data         *dataHeader
	history      *History // empty when history.json does not exist yet
}

// hasTraining reports whether dir holds the result of at least one epoch: a checkpoint, or a
// history with an epoch in it. A directory without (a run killed, interrupted or stopped by a
// NaN loss before its first epoch ended) has no weights to keep and is simply started again,
// so that, for example, lowering the learning rate after a NaN in epoch 1 needs no Restart.
func hasTraining(dir string) bool {
	for _, f := range []string{bestFile, latestFile} {
		if _, err := os.Stat(filepath.Join(dir, f)); err == nil {
			return true
		}
	}
	if _, err := os.Stat(filepath.Join(dir, historyFile)); err != nil {
		return false
	}
	// An unreadable history counts as training, so that it is reported rather than replaced.
	h, err := loadHistory(filepath.Join(dir, historyFile))
	return err != nil || len(h.Epochs) > 0
}

// readStored reads a trained run's configuration, data header and history.
func readStored(dir, name string) (*storedRun, error) {
	broken := func(file string, err error) error {
		return fmt.Errorf("run %q in %s cannot be compared with this configuration: %s: %w; "+
			"train under a new run name, or call .Restart() to start %q over (its files are moved aside, not deleted)",
			name, dir, file, err, name)
	}
	st := &storedRun{}
	raw, err := os.ReadFile(filepath.Join(dir, modelFile))
	if err != nil {
		return nil, broken(modelFile, err)
	}
	st.modelJSON = normalizeModel(raw)
	if st.settingsJSON, err = os.ReadFile(filepath.Join(dir, settingsFile)); err != nil {
		return nil, broken(settingsFile, err)
	}
	if err := json.Unmarshal(st.settingsJSON, &st.settings); err != nil {
		return nil, broken(settingsFile, err)
	}
	if st.data, err = readDataHeader(filepath.Join(dir, dataFile)); err != nil {
		return nil, broken(dataFile, err)
	}
	st.history, err = loadHistory(filepath.Join(dir, historyFile))
	if errors.Is(err, os.ErrNotExist) {
		st.history, err = &History{Monitor: st.settings.Monitor}, nil
	}
	if err != nil {
		return nil, broken(historyFile, err)
	}
	return st, nil
}

// normalizeModel decodes and re-encodes a model configuration, so that fields added to a
// model family since the run was written (absent in its model.json) compare as their defaults.
// A model of a kind not registered with models.Register is compared as written.
func normalizeModel(raw []byte) []byte {
	m, err := models.Unmarshal(raw)
	if err != nil {
		return raw
	}
	norm, err := models.Marshal(m)
	if err != nil {
		return raw
	}
	return norm
}

// changedError says what differs between a stored run and a new configuration.
type changedError struct {
	name, dir string
	epochs    int
	what      []string // "a different model: hidden [32] → [64]", ...
}

func (e *changedError) Error() string {
	return fmt.Sprintf("run %q in %s was trained with %s. Its %d trained epoch(s) are kept as they are. "+
		"To train this configuration, give it a new run name (train.New(%q, ...)), "+
		"or call .Restart() to start %q over (the old run is then moved to %s, not deleted)",
		e.name, e.dir, strings.Join(e.what, "; and "), e.epochs, e.name+"-2", e.name, filepath.Join(e.dir, "previous-<time>"))
}

func (e *changedError) Is(target error) bool { return target == ErrRunChanged }

// incompatible lists the differences that make the stored weights meaningless for the new
// configuration, grouped as model, data and settings.
func (st *storedRun) incompatible(s Settings, modelJSON []byte, data *dataHeader) []string {
	var what []string
	if d := modelChanges(st.modelJSON, modelJSON); len(d) > 0 {
		what = append(what, "a different model: "+strings.Join(d, ", "))
	}
	if d := dataChanges(st.data, data); len(d) > 0 {
		what = append(what, "different data: "+strings.Join(d, ", "))
	}
	if d, _ := settingsChanges(st.settings, s); len(d) > 0 {
		what = append(what, "different settings: "+strings.Join(d, ", "))
	}
	return what
}

// modelChanges describes how two normalized model configurations differ, field by field.
func modelChanges(old, new []byte) []string {
	if string(old) == string(new) {
		return nil
	}
	var a, b map[string]any
	if json.Unmarshal(old, &a) != nil || json.Unmarshal(new, &b) != nil {
		return []string{"the configuration differs"}
	}
	if a["kind"] != b["kind"] {
		return []string{fmt.Sprintf("%v → %v", a["kind"], b["kind"])}
	}
	var out []string
	jsonChanges("", a["config"], b["config"], &out)
	if len(out) == 0 {
		out = append(out, "the configuration differs")
	}
	return out
}

func jsonChanges(path string, a, b any, out *[]string) {
	am, aok := a.(map[string]any)
	bm, bok := b.(map[string]any)
	if aok && bok {
		keys := make([]string, 0, len(am)+len(bm))
		for k := range am {
			keys = append(keys, k)
		}
		for k := range bm {
			if _, ok := am[k]; !ok {
				keys = append(keys, k)
			}
		}
		slices.Sort(keys)
		for _, k := range keys {
			p := k
			if path != "" {
				p = path + "." + k
			}
			jsonChanges(p, am[k], bm[k], out)
		}
		return
	}
	if !reflect.DeepEqual(a, b) {
		if path == "" {
			path = "configuration"
		}
		*out = append(*out, fmt.Sprintf("%s %s → %s", path, compactJSON(a), compactJSON(b)))
	}
}

func compactJSON(v any) string {
	if v == nil {
		return "(none)"
	}
	raw, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(raw)
}

// dataChanges describes how two splits differ: their shape, task and sizes when those differ,
// else only that the values do.
func dataChanges(old, new *dataHeader) []string {
	var out []string
	add := func(format string, args ...any) { out = append(out, fmt.Sprintf(format, args...)) }
	if o, n := old.Train, new.Train; o != nil && n != nil {
		if !slices.Equal(o.Shape, n.Shape) {
			add("example shape %v → %v", o.Shape, n.Shape)
		}
		if o.Task != n.Task {
			add("task %s → %s", o.Task, n.Task)
		}
		if !slices.Equal(o.Classes, n.Classes) {
			add("classes %v → %v", o.Classes, n.Classes)
		}
		if !slices.Equal(o.Targets, n.Targets) {
			add("targets %v → %v", o.Targets, n.Targets)
		}
		if o.VocabSize != n.VocabSize {
			add("vocabulary size %d → %d", o.VocabSize, n.VocabSize)
		}
		if o.Mask != n.Mask {
			add("mask %v → %v", o.Mask, n.Mask)
		}
	}
	if old.Outputs != new.Outputs {
		add("model outputs %d → %d", old.Outputs, new.Outputs)
	}
	for _, p := range []struct {
		name string
		o, n *partSummary
	}{{"train", old.Train, new.Train}, {"validation", old.Val, new.Val}, {"test", old.Test, new.Test}} {
		count := func(s *partSummary) string {
			if s == nil {
				return "none"
			}
			return fmt.Sprint(s.Examples)
		}
		if count(p.o) != count(p.n) {
			add("%s examples %s → %s", p.name, count(p.o), count(p.n))
		}
	}
	if len(out) == 0 && old.Fingerprint != new.Fingerprint {
		add("the same shape and sizes but different values (fingerprint %016x → %016x)", old.Fingerprint, new.Fingerprint)
	}
	return out
}

// settingsChanges compares two settings field by field, split into changes that make the
// stored run incompatible and continuable ones. Fields are found by reflection so that a
// setting added later is incompatible by default, the safe side.
func settingsChanges(old, new Settings) (incompatible, cont []string) {
	ov, nv := reflect.ValueOf(old), reflect.ValueOf(new)
	for i := 0; i < ov.NumField(); i++ {
		tag, _, _ := strings.Cut(ov.Type().Field(i).Tag.Get("json"), ",")
		if tag == "name" {
			continue // the same by construction: the run directory is named after it
		}
		// Compared as JSON, as settings.json stores them: nil and empty weights are the same.
		a, _ := json.Marshal(ov.Field(i).Interface())
		b, _ := json.Marshal(nv.Field(i).Interface())
		if string(a) == "[]" || string(a) == "null" {
			a = []byte("none")
		}
		if string(b) == "[]" || string(b) == "null" {
			b = []byte("none")
		}
		if string(a) == string(b) {
			continue
		}
		label := strings.ReplaceAll(tag, "_", " ")
		if tag == "patience" {
			label = "early-stopping patience"
		}
		change := fmt.Sprintf("%s %s → %s", label, a, b)
		if continuable[tag] {
			cont = append(cont, change)
		} else {
			incompatible = append(incompatible, change)
		}
	}
	return incompatible, cont
}

// earlyStopEpoch is the epoch after which early stopping with patience would have ended the
// recorded history (the rule Fit applies after every epoch), or 0 if it would not have.
func earlyStopEpoch(h *History, patience int) int {
	if patience <= 0 {
		return 0
	}
	since := 0
	for _, e := range h.Epochs {
		if e.Best {
			since = 0
		} else {
			since++
		}
		if since >= patience {
			return e.Epoch
		}
	}
	return 0
}

// setAside moves a run's files into a new directory dir/previous-<time>, so that Restart
// starts from an empty run without deleting anything. It returns that directory, or "" when
// there was nothing to move. The lock file stays: the caller holds it.
func setAside(dir string) (string, error) {
	var present []string
	for _, f := range runFiles {
		if _, err := os.Stat(filepath.Join(dir, f)); err == nil {
			present = append(present, f)
		}
	}
	if len(present) == 0 {
		return "", nil
	}
	base := filepath.Join(dir, "previous-"+time.Now().Format("20060102-150405"))
	prev := base
	for i := 2; ; i++ {
		err := os.Mkdir(prev, 0o755)
		if err == nil {
			break
		}
		if !errors.Is(err, os.ErrExist) {
			return "", fmt.Errorf("restarting run in %s: creating %s for the previous run: %w", dir, prev, err)
		}
		prev = fmt.Sprintf("%s-%d", base, i) // two restarts within a second
	}
	for _, f := range present {
		if err := os.Rename(filepath.Join(dir, f), filepath.Join(prev, f)); err != nil {
			return "", fmt.Errorf("restarting run in %s: moving %s to %s: %w (the files moved so far are in %s)", dir, f, prev, err, prev)
		}
	}
	return prev, nil
}
