// SPDX-License-Identifier: Apache-2.0

package data

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
)

// Expect states what an array file must hold, for LoadNPZ, LoadNPY, LoadIDX and
// LoadMedMNISTFile. A loader cannot tell a junk label from a real class, or unscaled pixels
// from a feature that happens to reach 255; a caller who knows what the file holds states it
// here and gets an error naming the offending value. Zero fields are not checked; pass at
// most one Expect.
type Expect struct {
	// Classes names the classes: every label must be a class index 0..len(Classes)-1.
	// A stated class may be absent from a file (a small test file may lack a rare class).
	Classes []string
	// NumClasses is the number of classes when they are not named (they are then named
	// "0", "1", ...); every label must be 0..NumClasses-1. Ignored when Classes is set.
	NumClasses int
	// Regression says the targets are values to predict, not class indices, so integer
	// targets (ages, counts) are not taken for classes.
	Regression bool
	// DType is the features' element type in the file, such as "uint8" or "float32".
	DType string
	// Images says the features are pixels (of any shape, flattened ones too): uint8 values
	// are scaled to [0,1] and float values must already lie in [0,1]; [n, h, w] gets a
	// channel axis. Features of shape [n, height, width, 1 or 3] are always taken for images.
	Images bool
	// Len is the number of examples (for LoadMedMNISTFile, of training images).
	Len int
}

// expectation returns the one Expect of a variadic argument, or the zero Expect.
func expectation(name string, e []Expect) (Expect, error) {
	switch len(e) {
	case 0:
		return Expect{}, nil
	case 1:
		if e[0].NumClasses < 0 || e[0].Len < 0 {
			return Expect{}, fmt.Errorf("%s: Expect has NumClasses %d and Len %d; expected numbers ≥ 0", name, e[0].NumClasses, e[0].Len)
		}
		if e[0].Regression && e[0].numClasses() > 0 {
			return Expect{}, fmt.Errorf("%s: Expect states both classes and Regression; state one", name)
		}
		return e[0], nil
	}
	return Expect{}, fmt.Errorf("%s: %d Expect values given; pass at most one (its fields combine)", name, len(e))
}

func (e Expect) numClasses() int {
	if len(e.Classes) > 0 {
		return len(e.Classes)
	}
	return e.NumClasses
}

func (e Expect) classNames() []string {
	if len(e.Classes) > 0 {
		return slices.Clone(e.Classes)
	}
	names := make([]string, e.NumClasses)
	for i := range names {
		names[i] = strconv.Itoa(i)
	}
	return names
}

// looksLikeImages is true for features laid out as images, [n, height, width, channels]
// with one (grey) or three (RGB) channels: no other kind of data is commonly stored so.
func looksLikeImages(x *Array) bool {
	return len(x.Shape) == 4 && (x.Shape[3] == 1 || x.Shape[3] == 3)
}

// checkPixels checks that image features can be used as pixels in [0,1]: uint8 (scaled
// on loading) or floats already in [0,1]. Floats from 0 to 255 are the usual mistake of
// saving images as float before dividing by 255; a model would then silently see inputs
// 255 times too large.
func checkPixels(what string, x *Array) error {
	switch x.DType {
	case "uint8":
		return nil
	case "float32", "float64":
	default:
		return fmt.Errorf("%s: images are %s; expected uint8 pixels (scaled to [0,1] on loading) or floats in [0,1]; convert them, e.g. x.astype(np.uint8) in NumPy", what, x.DType)
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	for i, v := range x.Data {
		f := float64(v)
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return fmt.Errorf("%s: pixel %d is %v; expected values in [0,1]", what, i, v)
		}
		lo, hi = min(lo, f), max(hi, f)
	}
	switch {
	case len(x.Data) == 0 || (lo >= 0 && hi <= 1):
		return nil
	case lo >= 0 && hi <= 255:
		return fmt.Errorf("%s: %s pixels range from %g to %g; expected [0,1]: they look like unscaled 0-255 pixels. Divide them by 255 before saving (x / 255.0), or save them as uint8 (x.astype(np.uint8)), which is scaled on loading", what, x.DType, lo, hi)
	}
	return fmt.Errorf("%s: %s pixels range from %g to %g; expected floats in [0,1] (or uint8 pixels 0-255)", what, x.DType, lo, hi)
}

// checkLabelRange checks that every target of y is a class index 0..k-1.
func checkLabelRange(what string, y *Array, k int) error {
	if len(y.Shape) == 2 && y.Shape[1] != 1 {
		return fmt.Errorf("%s: labels have shape %v; %d classes were stated, which needs one class index per example, shape [%d] or [%d 1]", what, y.Shape, k, y.Len(), y.Len())
	}
	for i, v := range y.Data {
		if v < 0 || int(v) >= k || v != float32(math.Trunc(float64(v))) {
			return fmt.Errorf("%s: example %d has label %v; expected a class index 0..%d (%d classes were stated): correct the label or state the right number of classes", what, i, v, k-1, k)
		}
	}
	return nil
}

// checkClassGaps rejects inferred classes that no example has below the largest label, such
// as 1-based labels (class 0 empty) or one junk label 9 among 0-2 (classes 3-8 empty): the
// model would otherwise get outputs for classes that do not exist.
func checkClassGaps(what string, d *Dataset) error {
	counts := d.ClassCounts()
	top := -1
	for c, n := range counts {
		if n > 0 {
			top = c
		}
	}
	var empty []string
	for c := 0; c < top; c++ {
		if counts[c] == 0 {
			empty = append(empty, strconv.Itoa(c))
		}
	}
	if len(empty) == 0 {
		return nil
	}
	shown := empty
	if len(shown) > 10 {
		shown = append(slices.Clone(shown[:10]), "...")
	}
	return fmt.Errorf("%s: labels go up to %d but no example has class %s (%d of %d classes empty); expected class indices 0..k-1 with every class present. Correct the labels, or state the classes (Expect{NumClasses: %d}) if the file really lacks some, or Expect{Regression: true} for numeric targets",
		what, top, strings.Join(shown, ", "), len(empty), top+1, top+1)
}

// arraysDataset builds a Dataset from feature and target arrays read from files, with the
// checks of Expect and of the file loaders: the pixel range of images, the label range, and
// no empty inferred classes.
func arraysDataset(name, what string, x, y *Array, e Expect) (*Dataset, error) {
	if e.DType != "" && x.DType != e.DType {
		return nil, fmt.Errorf("%s: features are %s; expected %s", what, x.DType, e.DType)
	}
	if e.Len > 0 && x.Len() != e.Len {
		return nil, fmt.Errorf("%s: %d examples; expected %d (truncated or a different file?)", what, x.Len(), e.Len)
	}
	if e.Images || looksLikeImages(x) {
		if err := checkPixels(what, x); err != nil {
			return nil, err
		}
		if len(x.Shape) == 3 {
			// Grey images [n, h, w] get their channel axis, as uint8 ones do in FromArrays.
			x = &Array{Shape: append(slices.Clone(x.Shape), 1), Data: x.Data, DType: x.DType}
		}
	}
	k := e.numClasses()
	if k == 1 {
		return nil, fmt.Errorf("%s: 1 class stated; classification needs at least 2", what)
	}
	if k > 0 && y != nil {
		if err := checkLabelRange(what, y, k); err != nil {
			return nil, err
		}
	}
	d, err := FromArrays(name, x, y)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	switch {
	case e.Regression:
		d.Task, d.Classes, d.Y = Regression, nil, slices.Clone(y.Data)
		d.Targets = []string{"target"}
		if len(y.Shape) == 2 && y.Shape[1] > 1 {
			d.Targets = make([]string, y.Shape[1])
			for j := range d.Targets {
				d.Targets[j] = "target " + strconv.Itoa(j)
			}
		}
	case k > 0:
		// Labels were checked to be 0..k-1, which FromArrays keeps as they are.
		d.Classes = e.classNames()
		d.Task = MultiClass
		if k == 2 {
			d.Task = Binary
		}
	case d.Task.IsClassification():
		if err := checkClassGaps(what, d); err != nil {
			return nil, err
		}
	}
	return d, d.Validate()
}

// skipBOM drops a leading UTF-8 byte-order mark, which Windows editors (and Excel's
// "CSV UTF-8") write and which would otherwise stick to the first label or column name.
func skipBOM(r io.Reader) io.Reader {
	br := bufio.NewReader(r)
	if b, err := br.Peek(3); err == nil && string(b) == "\ufeff" {
		_, _ = br.Discard(3)
	}
	return br
}

// maxLineBytes bounds one line of a text data file: 64 MiB is far more than any real record
// (a UCR series of a million values is about 10 MB), yet a binary file read by mistake
// fails with a clear message instead of filling memory. A variable so that tests can lower it.
var maxLineBytes = 64 << 20

// newLineScanner reads lines of up to maxLineBytes, without a byte-order mark.
func newLineScanner(r io.Reader) *bufio.Scanner {
	sc := bufio.NewScanner(skipBOM(r))
	sc.Buffer(make([]byte, 0, 1<<16), maxLineBytes)
	return sc
}

// scanError describes a failed line scan; line is the number of the line being read.
func scanError(name string, line int, err error) error {
	if errors.Is(err, bufio.ErrTooLong) {
		return fmt.Errorf("%s line %d: the line is longer than %s, the most one line of a text data file may hold; expected one record per line (is this the right file, and is it text?)", name, line, byteSize(int64(maxLineBytes)))
	}
	return fmt.Errorf("%s line %d: %v", name, line, err)
}

// matchClass returns the index of v among the stated classes, comparing numbers by value
// ("1.0" is class "1"), or -1.
func matchClass(v string, classes []string) int {
	if i := slices.Index(classes, v); i >= 0 {
		return i
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil {
		return -1
	}
	for i, c := range classes {
		if g, err := strconv.ParseFloat(c, 64); err == nil && g == f {
			return i
		}
	}
	return -1
}

// mixedLabels finds a label column that mixes numbers and text, such as one "yes" among
// 0/1: that is a junk value, not a class. It returns the index of the first value of the
// rarer kind and one value of the other kind, or -1.
func mixedLabels(values []string) (odd int, other string) {
	var nums, texts []int
	for i, v := range values {
		if v == "" {
			continue // a blank is missing, not a label ("NA" among 0/1 is a text label)
		}
		if _, err := strconv.ParseFloat(v, 64); err == nil {
			nums = append(nums, i)
		} else {
			texts = append(texts, i)
		}
	}
	if len(nums) == 0 || len(texts) == 0 {
		return -1, ""
	}
	if len(texts) <= len(nums) {
		return texts[0], values[nums[0]]
	}
	return nums[0], values[texts[0]]
}
