// SPDX-License-Identifier: Apache-2.0

package medimg_test

import (
	"fmt"

	"github.com/medgo-lab/medgo/mlkit/data/medimg"
)

func ExampleWindow() {
	// CT soft-tissue window (centre 40 HU, width 400 HU) to display units.
	shown, err := medimg.Window([]float32{-1000, 40, 1000}, 40, 400, false)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%.3f\n", shown)
	// Output: [0.000 0.501 1.000]
}

func ExampleSlicesFromNIfTI() {
	img := &medimg.NIfTI{Path: "toy", Shape: []int{4, 4, 3}, Data: make([]float32, 48)}
	for i := range img.Data {
		img.Data[i] = float32(i)
	}
	ds, err := medimg.SlicesFromNIfTI(img).Done()
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(ds.Len(), ds.Shape)
	// Output: 3 [4 4 1]
}

func ExampleReadNIfTI() {
	img, err := medimg.ReadNIfTI("brain.nii.gz")
	if err != nil {
		fmt.Println("no file here")
		return
	}
	ras, err := img.Reorient()
	if err != nil {
		fmt.Println(err)
		return
	}
	iso, err := ras.Resample([3]float64{1, 1, 1})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(iso.Shape, iso.Spacing())
	// Output: no file here
}
