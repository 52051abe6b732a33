// SPDX-License-Identifier: Apache-2.0

package models

import (
	"fmt"
	"slices"
	"strings"
)

// optionErrors records the invalid values given to a model builder's options. Setters cannot
// return an error without breaking the one-line chains notebooks use, and Done returns a Model,
// so each setter checks its value at once and records what is wrong here; Validate (and so
// train's Fit and Summary) reports the record before anything is built, and Build panics with
// it, which TryBuild turns into an error. The record is kept per option: calling an option
// again with a valid value clears its error, just as it replaces the value.
type optionErrors struct {
	list []optionError
}

type optionError struct {
	option string // the option and its argument as written, e.g. "Dropout(1.5)"
	key    string // what a later call replaces: the option's name, or name and index
	msg    string
}

// set records msg for the option identified by key; an empty msg clears its record.
func (o *optionErrors) set(key, option, msg string) {
	o.list = slices.DeleteFunc(o.list, func(e optionError) bool { return e.key == key })
	if msg != "" {
		o.list = append(o.list, optionError{option: option, key: key, msg: msg})
	}
}

// clone returns a copy that shares nothing with o, so that a model returned by Done does not
// see the errors of options given to its builder afterwards.
func (o optionErrors) clone() optionErrors { return optionErrors{list: slices.Clone(o.list)} }

// err is the recorded errors as one error naming the model, nil when there are none.
func (o optionErrors) err(model string) error {
	if len(o.list) == 0 {
		return nil
	}
	parts := make([]string, len(o.list))
	for i, e := range o.list {
		parts[i] = e.option + ": " + e.msg
	}
	return &OptionError{Model: model, Problems: parts}
}

// OptionError reports builder options given invalid values, e.g. MLP(32).Dropout(1.5).
type OptionError struct {
	Model    string   // MLP, CNN, CNN1D, LSTM, GRU, Transformer
	Problems []string // one per option: the call, what is wrong and the allowed values
}

func (e *OptionError) Error() string {
	return fmt.Sprintf("%s: invalid option: %s", e.Model, strings.Join(e.Problems, "; "))
}

// The checks below return "" for a valid value and otherwise say what is allowed, so that every
// builder words the same problem the same way.

func checkRate(rate float64) string {
	if rate >= 0 && rate < 1 {
		return ""
	}
	return fmt.Sprintf("the rate is %v; it must be in [0, 1) (0: no dropout), e.g. 0.2", rate)
}

func checkAtLeast(what string, n, least int, example string) string {
	if n >= least {
		return ""
	}
	return fmt.Sprintf("%s is %d; it must be %d or more, e.g. %s", what, n, least, example)
}

func checkWidths(what string, widths []int, example string) string {
	for i, w := range widths {
		if w <= 0 {
			return fmt.Sprintf("%s %d has width %d; widths must be 1 or more, e.g. %s", what, i, w, example)
		}
	}
	return ""
}

func checkActivation(name string) string {
	if _, err := activationByName(name); err != nil {
		return err.Error()
	}
	return ""
}

func checkChoice(what, value string, fold bool, allowed ...string) string {
	v := value
	if fold {
		v = strings.ToLower(v)
	}
	if slices.Contains(allowed, v) {
		return ""
	}
	quoted := make([]string, len(allowed))
	for i, a := range allowed {
		quoted[i] = fmt.Sprintf("%q", a)
	}
	return fmt.Sprintf("unknown %s %q; use %s", what, value, strings.Join(quoted, " or "))
}

// call writes an option call as it appears in a notebook, e.g. Dropout(1.5) or Dense(0, 32).
func call(name string, args ...any) string {
	parts := make([]string, len(args))
	for i, a := range args {
		if s, ok := a.(string); ok {
			parts[i] = fmt.Sprintf("%q", s)
		} else {
			parts[i] = fmt.Sprint(a)
		}
	}
	return name + "(" + strings.Join(parts, ", ") + ")"
}

// ints turns a width list into call arguments.
func ints(v []int) []any {
	out := make([]any, len(v))
	for i, x := range v {
		out[i] = x
	}
	return out
}
