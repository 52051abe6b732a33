// SPDX-License-Identifier: Apache-2.0

package data

import (
	"fmt"
	"slices"
	"sync"
)

// LoadMNIST loads the MNIST handwritten digits: 60,000 training and 10,000 test images of
// 28×28 grey pixels, Shape [28, 28, 1], scaled to [0,1], with classes "0" to "9"
// (MultiClass). The files come from the data directory, the cache or a download (see Fetcher).
func LoadMNIST() (*Split, error) {
	f := currentFetcher()
	parts := []struct {
		images, labels string
		n              int
		out            **Dataset
	}{
		{"mnist/train-images-idx3-ubyte.gz", "mnist/train-labels-idx1-ubyte.gz", 60000, nil},
		{"mnist/t10k-images-idx3-ubyte.gz", "mnist/t10k-labels-idx1-ubyte.gz", 10000, nil},
	}
	split := &Split{}
	parts[0].out, parts[1].out = &split.Train, &split.Test
	// Resolve (and download) sequentially, decode in parallel.
	paths := make([][2]string, len(parts))
	for i, p := range parts {
		var err error
		if paths[i][0], err = f.Path(p.images); err != nil {
			return nil, err
		}
		if paths[i][1], err = f.Path(p.labels); err != nil {
			return nil, err
		}
	}
	errs := make([]error, len(parts))
	var wg sync.WaitGroup
	for i, p := range parts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			d, err := loadMNISTPart(paths[i][0], paths[i][1], p.n)
			*p.out, errs[i] = d, err
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	split.Train.Name, split.Test.Name = "mnist-train", "mnist-test"
	return split, nil
}

var digitClasses = []string{"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"}

func loadMNISTPart(imagesPath, labelsPath string, n int) (*Dataset, error) {
	var (
		img, lab       *idxRaw
		errImg, errLab error
		wg             sync.WaitGroup
	)
	wg.Add(1)
	go func() {
		defer wg.Done()
		lab, errLab = readIDXFile(labelsPath)
	}()
	img, errImg = readIDXFile(imagesPath)
	wg.Wait()
	if errImg != nil {
		return nil, errImg
	}
	if errLab != nil {
		return nil, errLab
	}
	if img.dtype != 0x08 || len(img.shape) != 3 || img.shape[0] != n || img.shape[1] != 28 || img.shape[2] != 28 {
		return nil, fmt.Errorf("%s: images have type 0x%02x and shape %v; expected uint8 (0x08) and [%d 28 28]", imagesPath, img.dtype, img.shape, n)
	}
	if lab.dtype != 0x08 || len(lab.shape) != 1 || lab.shape[0] != n {
		return nil, fmt.Errorf("%s: labels have type 0x%02x and shape %v; expected uint8 (0x08) and [%d]", labelsPath, lab.dtype, lab.shape, n)
	}
	y := make([]float32, n)
	for i, v := range lab.raw {
		if v > 9 {
			return nil, fmt.Errorf("%s: label %d is %d; expected a digit 0-9", labelsPath, i, v)
		}
		y[i] = float32(v)
	}
	x := make([]float32, len(img.raw))
	for i, v := range img.raw {
		x[i] = float32(v) / 255
	}
	return &Dataset{
		Task:    MultiClass,
		X:       x,
		Shape:   []int{28, 28, 1},
		Y:       y,
		Classes: slices.Clone(digitClasses),
	}, nil
}
