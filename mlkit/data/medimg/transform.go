// SPDX-License-Identifier: Apache-2.0

package medimg

import (
	"fmt"
	"math"
)

// spatial splits a shape into its three spatial lengths (missing ones are 1) and the
// number of values per voxel beyond them (time points, components).
func spatial(shape []int) (n [3]int, rest int) {
	n = [3]int{1, 1, 1}
	rest = 1
	for i, d := range shape {
		if i < 3 {
			n[i] = d
		} else {
			rest *= d
		}
	}
	return n, rest
}

// Reorient returns a copy of the image in canonical RAS+ order: voxel axis 0 increases
// towards the patient's Right (+x), axis 1 towards Anterior, axis 2 towards Superior.
// Only axis permutations and flips are used, never interpolation, so voxel values are
// unchanged; each voxel axis goes to the world axis its direction is closest to, and the
// affine is updated to describe the same positions.
func (n *NIfTI) Reorient() (*NIfTI, error) {
	var perm [3]int // perm[w] = old voxel axis that becomes new axis w
	var flip [3]bool
	used := [3]bool{}
	assigned := [3]bool{}
	// Greedy on the largest remaining |component| so that an oblique affine still yields
	// a permutation (each world axis taken once).
	for range 3 {
		best, bw, bj := -1.0, -1, -1
		for j := range 3 {
			if used[j] {
				continue
			}
			for w := range 3 {
				if assigned[w] {
					continue
				}
				if v := math.Abs(n.Affine[w][j]); v > best {
					best, bw, bj = v, w, j
				}
			}
		}
		if best <= 0 {
			return nil, fmt.Errorf("medimg: %s: the affine %v is singular; it cannot be reoriented", n.Path, n.Affine)
		}
		used[bj], assigned[bw] = true, true
		perm[bw] = bj
		flip[bw] = n.Affine[bw][bj] < 0
	}
	old, rest := spatial(n.Shape)
	var nn [3]int
	for w := range 3 {
		nn[w] = old[perm[w]]
	}
	// T maps new voxel indices to old ones; the new affine is Affine·T.
	var t [4][4]float64
	t[3][3] = 1
	for w := range 3 {
		if flip[w] {
			t[perm[w]][w] = -1
			t[perm[w]][3] = float64(nn[w] - 1)
		} else {
			t[perm[w]][w] = 1
		}
	}
	out := &NIfTI{Path: n.Path, Header: n.Header, Data: make([]float32, len(n.Data))}
	out.Affine = matMul(n.Affine, t)
	out.Shape = append([]int(nil), n.Shape...)
	for w := 0; w < 3 && w < len(out.Shape); w++ {
		out.Shape[w] = nn[w]
	}
	oldStride := [3]int{1, old[0], old[0] * old[1]}
	vol := old[0] * old[1] * old[2]
	var idx [3]int
	for r := range rest {
		dst := r * vol
		for k := range nn[2] {
			for j := range nn[1] {
				for i := range nn[0] {
					idx = [3]int{i, j, k}
					src := r * vol
					for w := range 3 {
						v := idx[w]
						if flip[w] {
							v = nn[w] - 1 - v
						}
						src += v * oldStride[perm[w]]
					}
					out.Data[dst] = n.Data[src]
					dst++
				}
			}
		}
	}
	return out, nil
}

func matMul(a, b [4][4]float64) [4][4]float64 {
	var c [4][4]float64
	for i := range 4 {
		for j := range 4 {
			for k := range 4 {
				c[i][j] += a[i][k] * b[k][j]
			}
		}
	}
	return c
}

// Resample returns the image on a grid of the given voxel size (mm) along its three
// voxel axes, by trilinear interpolation; the grid keeps the first voxel's centre and
// covers the same extent (new length ⌊(n−1)·old/new⌋+1). Time points are resampled
// one by one. The affine's columns are rescaled so world positions stay right.
func (n *NIfTI) Resample(spacing [3]float64) (*NIfTI, error) {
	cur := n.Spacing()
	old, rest := spatial(n.Shape)
	var nn [3]int
	var step [3]float64 // old index per new index
	for a := range 3 {
		if !(spacing[a] > 0) || math.IsInf(spacing[a], 0) {
			return nil, fmt.Errorf("medimg: %s: spacing %v; expected three positive sizes in mm", n.Path, spacing)
		}
		if cur[a] == 0 {
			return nil, fmt.Errorf("medimg: %s: axis %d has zero voxel size in the affine; it cannot be resampled", n.Path, a)
		}
		step[a] = spacing[a] / cur[a]
		nn[a] = int(math.Floor(float64(old[a]-1)/step[a]+1e-9)) + 1
	}
	total := int64(nn[0]) * int64(nn[1]) * int64(nn[2]) * int64(rest)
	if total > 1<<31 {
		return nil, fmt.Errorf("medimg: %s: resampling to %v mm gives %d voxels; choose a coarser spacing", n.Path, spacing, total)
	}
	out := &NIfTI{Path: n.Path, Header: n.Header, Affine: n.Affine, Data: make([]float32, total)}
	for a := range 3 {
		for r := range 3 {
			out.Affine[r][a] *= step[a]
		}
	}
	out.Shape = append([]int(nil), n.Shape...)
	for a := 0; a < 3 && a < len(out.Shape); a++ {
		out.Shape[a] = nn[a]
	}
	// Per axis, the two neighbours and the weight of the upper one.
	type tap struct {
		lo, hi int
		w      float32
	}
	taps := [3][]tap{}
	for a := range 3 {
		taps[a] = make([]tap, nn[a])
		for i := range nn[a] {
			x := float64(i) * step[a]
			lo := int(math.Floor(x))
			if lo >= old[a]-1 {
				lo = old[a] - 1
				taps[a][i] = tap{lo, lo, 0}
				continue
			}
			taps[a][i] = tap{lo, lo + 1, float32(x - float64(lo))}
		}
	}
	sx, sy := old[0], old[0]*old[1]
	vol := sy * old[2]
	dst := 0
	for r := range rest {
		d := n.Data[r*vol : (r+1)*vol]
		for _, tk := range taps[2] {
			for _, tj := range taps[1] {
				for _, ti := range taps[0] {
					at := func(i, j, k int) float32 { return d[i+sx*j+sy*k] }
					c00 := at(ti.lo, tj.lo, tk.lo)*(1-ti.w) + at(ti.hi, tj.lo, tk.lo)*ti.w
					c10 := at(ti.lo, tj.hi, tk.lo)*(1-ti.w) + at(ti.hi, tj.hi, tk.lo)*ti.w
					c01 := at(ti.lo, tj.lo, tk.hi)*(1-ti.w) + at(ti.hi, tj.lo, tk.hi)*ti.w
					c11 := at(ti.lo, tj.hi, tk.hi)*(1-ti.w) + at(ti.hi, tj.hi, tk.hi)*ti.w
					c0 := c00*(1-tj.w) + c10*tj.w
					c1 := c01*(1-tj.w) + c11*tj.w
					out.Data[dst] = c0*(1-tk.w) + c1*tk.w
					dst++
				}
			}
		}
	}
	return out, nil
}
