// SPDX-License-Identifier: Apache-2.0

package data

import (
	"fmt"
	"slices"
)

// AugmentOptions chooses the random image transformations of Augment.
type AugmentOptions struct {
	// FlipHorizontal mirrors each image left to right with probability 1/2. Leave it off
	// when laterality matters (a left and a right organ are different classes).
	FlipHorizontal bool `json:"flip_horizontal,omitempty"`
	// MaxShift moves each image by a random whole number of pixels in -MaxShift..MaxShift,
	// independently up-down and left-right; uncovered pixels are 0.
	MaxShift int `json:"max_shift,omitempty"`
}

// Augment returns a copy of d with each image randomly transformed as opt says, labels
// unchanged; the draw is reproducible for a seed (use a different seed per epoch for
// fresh variations). Examples must be images, Shape [height, width, channels] or
// [height, width].
func Augment(d *Dataset, opt AugmentOptions, seed int64) (*Dataset, error) {
	if len(d.Shape) != 2 && len(d.Shape) != 3 {
		return nil, fmt.Errorf("%s: examples have shape %v; Augment needs images, [height, width, channels]", nameOf(d), d.Shape)
	}
	if opt.MaxShift < 0 {
		return nil, fmt.Errorf("MaxShift %d must not be negative", opt.MaxShift)
	}
	h, w, c := d.Shape[0], d.Shape[1], 1
	if len(d.Shape) == 3 {
		c = d.Shape[2]
	}
	out := d.clone()
	rng := newRand(seed)
	size := h * w * c
	for i := 0; i < d.Len(); i++ {
		flip := opt.FlipHorizontal && rng.IntN(2) == 1
		dy, dx := 0, 0
		if opt.MaxShift > 0 {
			dy = rng.IntN(2*opt.MaxShift+1) - opt.MaxShift
			dx = rng.IntN(2*opt.MaxShift+1) - opt.MaxShift
		}
		src := d.X[i*size : (i+1)*size]
		dst := out.X[i*size : (i+1)*size]
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
	return out, nil
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
