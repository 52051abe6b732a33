// SPDX-License-Identifier: Apache-2.0

package data

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
)

// AugmentOptions chooses the random transformations of Augment, for images (Shape
// [height, width, channels]) and for signals (Shape [length, channels]).
type AugmentOptions struct {
	// FlipHorizontal mirrors each image left to right with probability 1/2. Leave it off
	// when laterality matters (a left and a right organ are different classes). Signals
	// refuse it: a heartbeat played backwards is not a heartbeat.
	FlipHorizontal bool `json:"flip_horizontal,omitempty"`
	// MaxShift moves each example by a random whole number of steps in -MaxShift..MaxShift:
	// an image independently up-down and left-right (uncovered pixels are 0), a signal
	// along time (uncovered samples repeat the nearest edge sample, so no step appears).
	MaxShift int `json:"max_shift,omitempty"`
	// Scale multiplies each example by a factor drawn uniformly from [1-Scale, 1+Scale]:
	// a signal's amplitude, an image's intensity. It must lie in [0, 1).
	Scale float64 `json:"scale,omitempty"`
	// Noise adds Gaussian noise of this standard deviation, in the data's own units, to
	// every value (for standardized data, a fraction of one standard deviation).
	Noise float64 `json:"noise,omitempty"`
}

// Check reports options that cannot transform anything: a negative shift or noise, a
// scale outside [0, 1), or no transformation at all.
func (opt AugmentOptions) Check() error {
	switch {
	case opt == AugmentOptions{}:
		return fmt.Errorf("AugmentOptions{} transforms nothing; choose a transformation, e.g. AugmentOptions{MaxShift: 2} or {FlipHorizontal: true}")
	case opt.MaxShift < 0:
		return fmt.Errorf("MaxShift %d must not be negative; use 0 (no shifts) or more, e.g. AugmentOptions{MaxShift: 2}", opt.MaxShift)
	case !(opt.Scale >= 0 && opt.Scale < 1):
		return fmt.Errorf("Scale %v must be in [0, 1): factors are drawn from [1-Scale, 1+Scale], e.g. Scale: 0.1 for ±10%%", opt.Scale)
	case !(opt.Noise >= 0) || math.IsInf(opt.Noise, 1):
		return fmt.Errorf("Noise %v must be a finite standard deviation of 0 or more, e.g. Noise: 0.05", opt.Noise)
	}
	return nil
}

// AugmentKind says how Augment treats examples of a shape: "image" for [height, width,
// channels], "signal" for [length, channels], or an error for other shapes (tabular rows,
// token sequences). [height, width] images are refused as ambiguous: reshape them to
// [height, width, 1].
func AugmentKind(d *Dataset) (string, error) {
	switch {
	case d.Vocab != nil:
		return "", fmt.Errorf("%s: examples are token sequences; Augment transforms images [height, width, channels] and signals [length, channels]", nameOf(d))
	case len(d.Shape) == 3:
		return "image", nil
	case len(d.Shape) == 2:
		return "signal", nil
	}
	return "", fmt.Errorf("%s: examples have shape %v; Augment needs images, [height, width, channels], or signals, [length, channels]", nameOf(d), d.Shape)
}

// CheckFor reports what keeps opt from transforming the examples of d: options that Check
// refuses, a shape that AugmentKind refuses, or a flip of signals (which would reverse them in
// time). Otherwise it returns the examples' kind, "image" or "signal". Augment calls it, and
// train calls it before the first epoch.
func (opt AugmentOptions) CheckFor(d *Dataset) (kind string, err error) {
	if kind, err = AugmentKind(d); err != nil {
		return "", err
	}
	if err := opt.Check(); err != nil {
		return "", fmt.Errorf("%s: %w", nameOf(d), err)
	}
	if kind == "signal" && opt.FlipHorizontal {
		return "", fmt.Errorf("%s: FlipHorizontal would reverse signals in time (shape %v); use MaxShift, Scale or Noise for signals", nameOf(d), d.Shape)
	}
	return kind, nil
}

// Augment returns a copy of d with each example randomly transformed as opt says, labels
// unchanged; the draw is reproducible for a seed (use a different seed per epoch for
// fresh variations). Examples must be images, Shape [height, width, channels], or
// signals, Shape [length, channels] (see AugmentKind).
func Augment(d *Dataset, opt AugmentOptions, seed int64) (*Dataset, error) {
	kind, err := opt.CheckFor(d)
	if err != nil {
		return nil, err
	}
	out := d.clone()
	rng := newRand(seed)
	size := d.ExampleSize()
	for i := 0; i < d.Len(); i++ {
		src := d.X[i*size : (i+1)*size]
		dst := out.X[i*size : (i+1)*size]
		if kind == "image" {
			shiftImage(dst, src, d.Shape, opt, rng)
		} else {
			shiftSignal(dst, src, d.Shape, opt.MaxShift, rng)
		}
		// Drawn after the shift, and only when asked for, so that flip-and-shift draws stay
		// what they were before Scale and Noise existed.
		if opt.Scale > 0 {
			f := float32(1 - opt.Scale + 2*opt.Scale*rng.Float64())
			for j := range dst {
				dst[j] *= f
			}
		}
		if opt.Noise > 0 {
			for j := range dst {
				dst[j] += float32(opt.Noise * rng.NormFloat64())
			}
		}
	}
	return out, nil
}

// shiftImage writes src, an image of shape [h, w, c], to dst randomly flipped and shifted.
func shiftImage(dst, src []float32, shape []int, opt AugmentOptions, rng *rand.Rand) {
	h, w, c := shape[0], shape[1], shape[2]
	flip := opt.FlipHorizontal && rng.IntN(2) == 1
	dy, dx := 0, 0
	if opt.MaxShift > 0 {
		dy = rng.IntN(2*opt.MaxShift+1) - opt.MaxShift
		dx = rng.IntN(2*opt.MaxShift+1) - opt.MaxShift
	}
	clear(dst)
	for y := 0; y < h; y++ {
		sy := y - dy
		if sy < 0 || sy >= h {
			continue
		}
		for x := 0; x < w; x++ {
			sx := x - dx
			if sx < 0 || sx >= w {
				continue
			}
			if flip {
				sx = w - 1 - sx
			}
			copy(dst[(y*w+x)*c:(y*w+x+1)*c], src[(sy*w+sx)*c:(sy*w+sx+1)*c])
		}
	}
}

// shiftSignal writes src, a signal of shape [length, channels], to dst moved by a random
// number of samples in -maxShift..maxShift, repeating the edge samples it uncovers.
func shiftSignal(dst, src []float32, shape []int, maxShift int, rng *rand.Rand) {
	n, c := shape[0], shape[1]
	dt := 0
	if maxShift > 0 {
		dt = rng.IntN(2*maxShift+1) - maxShift
	}
	for t := 0; t < n; t++ {
		st := min(max(t-dt, 0), n-1)
		copy(dst[t*c:(t+1)*c], src[st*c:(st+1)*c])
	}
}

// Concat returns the examples of a followed by those of b. Both must have the same shape
// and task, and the same classes or targets.
func Concat(a, b *Dataset) (*Dataset, error) {
	switch {
	case !slices.Equal(a.Shape, b.Shape):
		return nil, fmt.Errorf("cannot concatenate %s (shape %v) and %s (shape %v); expected the same example shape", nameOf(a), a.Shape, nameOf(b), b.Shape)
	case a.Task != b.Task:
		return nil, fmt.Errorf("cannot concatenate %s (%v) and %s (%v); expected the same task", nameOf(a), a.Task, nameOf(b), b.Task)
	case !slices.Equal(a.Classes, b.Classes) || !slices.Equal(a.Targets, b.Targets):
		return nil, fmt.Errorf("cannot concatenate %s and %s: their classes or targets differ", nameOf(a), nameOf(b))
	case a.Vocab != b.Vocab:
		return nil, fmt.Errorf("cannot concatenate %s and %s: they were tokenized with different vocabularies", nameOf(a), nameOf(b))
	case (a.Mask == nil) != (b.Mask == nil):
		return nil, fmt.Errorf("cannot concatenate %s and %s: only one has a mask", nameOf(a), nameOf(b))
	}
	out := a.clone()
	out.X = append(out.X, b.X...)
	out.Y = append(out.Y, b.Y...)
	if a.Mask != nil {
		out.Mask = append(out.Mask, b.Mask...)
	}
	return out, nil
}

// SlidingWindows cuts each signal of d (Shape [length] or [length, channels]) into
// windows of width samples taken every stride samples, each with its signal's target.
// Windows of one signal are strongly alike: split recordings into train and test before
// windowing so that no recording contributes to both.
func SlidingWindows(d *Dataset, width, stride int) (*Dataset, error) {
	if len(d.Shape) != 1 && len(d.Shape) != 2 {
		return nil, fmt.Errorf("%s: examples have shape %v; SlidingWindows needs signals, [length] or [length, channels]", nameOf(d), d.Shape)
	}
	L := d.Shape[0]
	c := 1
	if len(d.Shape) == 2 {
		c = d.Shape[1]
	}
	if width < 1 || width > L {
		return nil, fmt.Errorf("%s: window width %d must be between 1 and the signal length %d", nameOf(d), width, L)
	}
	if stride < 1 {
		return nil, fmt.Errorf("%s: stride %d must be at least 1", nameOf(d), stride)
	}
	per := (L-width)/stride + 1
	n, t := d.Len(), d.NumTargets()
	out := d.clone()
	out.Shape = slices.Clone(d.Shape)
	out.Shape[0] = width
	out.X = make([]float32, 0, n*per*width*c)
	out.Y = make([]float32, 0, n*per*t)
	out.Mask = nil
	if d.Mask != nil {
		out.Mask = make([]float32, 0, n*per*width)
	}
	for i := 0; i < n; i++ {
		sig := d.X[i*L*c : (i+1)*L*c]
		for s := 0; s+width <= L; s += stride {
			out.X = append(out.X, sig[s*c:(s+width)*c]...)
			out.Y = append(out.Y, d.Y[i*t:(i+1)*t]...)
			if d.Mask != nil {
				out.Mask = append(out.Mask, d.Mask[i*L+s:i*L+s+width]...)
			}
		}
	}
	return out, nil
}
