// SPDX-License-Identifier: Apache-2.0

package data

import (
	"fmt"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// medMNISTInfo describes one 2-D MedMNIST v2 data set.
type medMNISTInfo struct {
	task    Task
	labels  []string // class names (or target names for the multi-label ChestMNIST)
	counts  [3]int   // train, val, test sizes; zero when not checked
	channel int      // 1 (grey) or 3 (RGB)
}

// medMNIST lists the 2-D MedMNIST v2 data sets (28×28).
var medMNIST = map[string]medMNISTInfo{
	"breastmnist":    {Binary, []string{"malignant", "normal/benign"}, [3]int{546, 78, 156}, 1},
	"retinamnist":    {Ordinal, []string{"grade 0", "grade 1", "grade 2", "grade 3", "grade 4"}, [3]int{1080, 120, 400}, 3},
	"pneumoniamnist": {Binary, []string{"normal", "pneumonia"}, [3]int{}, 1},
	"pathmnist": {MultiClass, []string{"adipose", "background", "debris", "lymphocytes", "mucus", "smooth muscle",
		"normal colon mucosa", "cancer-associated stroma", "colorectal adenocarcinoma epithelium"}, [3]int{}, 3},
	"chestmnist": {MultiLabel, []string{"atelectasis", "cardiomegaly", "effusion", "infiltration", "mass", "nodule",
		"pneumonia", "pneumothorax", "consolidation", "edema", "emphysema", "fibrosis", "pleural thickening", "hernia"}, [3]int{}, 1},
	"dermamnist": {MultiClass, []string{"actinic keratoses and intraepithelial carcinoma", "basal cell carcinoma",
		"benign keratosis-like lesions", "dermatofibroma", "melanoma", "melanocytic nevi", "vascular lesions"}, [3]int{}, 3},
	"octmnist": {MultiClass, []string{"choroidal neovascularization", "diabetic macular edema", "drusen", "normal"}, [3]int{}, 1},
	"bloodmnist": {MultiClass, []string{"basophil", "eosinophil", "erythroblast", "immature granulocytes", "lymphocyte",
		"monocyte", "neutrophil", "platelet"}, [3]int{}, 3},
	"tissuemnist": {MultiClass, []string{"collecting duct, connecting tubule", "distal convoluted tubule",
		"glomerular endothelial cells", "interstitial endothelial cells", "leukocytes", "podocytes",
		"proximal tubule segments", "thick ascending limb"}, [3]int{}, 1},
	"organamnist": {MultiClass, organs, [3]int{}, 1},
	"organcmnist": {MultiClass, organs, [3]int{}, 1},
	"organsmnist": {MultiClass, organs, [3]int{}, 1},
}

var organs = []string{"bladder", "femur-left", "femur-right", "heart", "kidney-left", "kidney-right", "liver",
	"lung-left", "lung-right", "pancreas", "spleen"}

// MedMNISTNames lists the names LoadMedMNIST accepts.
func MedMNISTNames() []string {
	names := make([]string, 0, len(medMNIST))
	for n := range medMNIST {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// LoadMedMNIST loads a 2-D MedMNIST v2 data set (28×28) by name, such as "breastmnist"
// (breast ultrasound; classes "malignant" = 0 and "normal/benign" = 1), "retinamnist"
// (fundus photographs; Ordinal, diabetic-retinopathy grades 0-4) or any other of
// MedMNISTNames ("chestmnist" is MultiLabel with 14 findings). The split is the official
// train/val/test one; Shape is [28, 28, C] with C = 1 (grey) or 3 (RGB), scaled to [0,1].
func LoadMedMNIST(name string) (*Split, error) {
	key := strings.ToLower(strings.TrimSpace(name))
	info, ok := medMNIST[key]
	if !ok {
		return nil, fmt.Errorf("unknown MedMNIST data set %q; expected one of %s", name, strings.Join(MedMNISTNames(), ", "))
	}
	p, err := Fetch("medmnist/" + key + ".npz")
	if err != nil {
		return nil, err
	}
	return readMedMNIST(p, key, info)
}

// LoadMedMNISTFile loads a MedMNIST-style .npz file from a path of the caller's choice: the
// arrays train_images, train_labels, val_images, val_labels, test_images and test_labels,
// images of shape [n, h, w] (grey) or [n, h, w, 3] at any size (MedMNIST+ has 64, 128 and
// 224), labels of shape [n, 1] (or [n, k] of 0/1 for multi-label). It makes the checks of
// LoadMedMNIST: images of the same shape in every split, uint8 pixels (scaled to [0,1]) or
// floats in [0,1], labels in range, and every class present in the training split.
//
// When the file is named after a MedMNIST data set ("pathmnist.npz", "pathmnist_224.npz"),
// its task and class names come from that set, with its split sizes where LoadMedMNIST
// knows them. Otherwise state the classes with an Expect (Classes or NumClasses); without
// them the classes are inferred from the labels as in LoadNPZ.
func LoadMedMNISTFile(path string, expect ...Expect) (*Split, error) {
	e, err := expectation(path, expect)
	if err != nil {
		return nil, err
	}
	base := strings.ToLower(strings.TrimSuffix(filepath.Base(path), ".npz"))
	if i := strings.LastIndexByte(base, '_'); i > 0 {
		if _, err := strconv.Atoi(base[i+1:]); err == nil {
			base = base[:i] // MedMNIST+ sizes: pathmnist_224
		}
	}
	info, known := medMNIST[base]
	if !known {
		base = strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
	}
	if k := e.numClasses(); k > 0 {
		if known && k != len(info.labels) {
			return nil, fmt.Errorf("%s: %d classes stated, but %s has %d (%s); state %d or rename the file", path, k, base, len(info.labels), quoteList(info.labels), len(info.labels))
		}
		if !known {
			info.task = MultiClass
			if k == 2 {
				info.task = Binary
			}
		}
		info.labels = e.classNames() // a known set keeps its task (Ordinal, MultiLabel)
	} else if !known {
		info.labels = nil // inferred from the labels
	}
	return readMedMNISTFile(path, base, info, e)
}

func readMedMNIST(path, key string, info medMNISTInfo) (*Split, error) {
	return readMedMNISTFile(path, key, info, Expect{DType: "uint8"})
}

// readMedMNISTFile reads a MedMNIST-style archive. info.labels nil means: infer the classes;
// info.channel 0 means: any of 1 or 3.
func readMedMNISTFile(path, key string, info medMNISTInfo, e Expect) (*Split, error) {
	z, closeFn, err := openNPZ(path)
	if err != nil {
		return nil, err
	}
	defer closeFn()
	parts := []string{"train", "val", "test"}
	xs, ys := make([]*Array, 3), make([]*Array, 3)
	for i, part := range parts {
		if xs[i], err = z.read(part + "_images"); err != nil {
			return nil, err
		}
		if ys[i], err = z.read(part + "_labels"); err != nil {
			return nil, err
		}
		if i > 0 && !slices.Equal(xs[i].Shape[min(1, len(xs[i].Shape)):], xs[0].Shape[min(1, len(xs[0].Shape)):]) {
			return nil, fmt.Errorf("%s: %s_images have shape %v but train_images %v; expected images of the same size in every split", path, part, xs[i].Shape, xs[0].Shape)
		}
	}
	if info.labels == nil {
		if info, err = inferMedMNIST(path, xs[0], ys, e); err != nil {
			return nil, err
		}
	}
	if e.Len > 0 && xs[0].Len() != e.Len {
		return nil, fmt.Errorf("%s: train has %d images; expected %d", path, xs[0].Len(), e.Len)
	}
	split := &Split{}
	dst := []**Dataset{&split.Train, &split.Val, &split.Test}
	for i, part := range parts {
		d, err := medMNISTPart(path, key+"-"+part, part, xs[i], ys[i], info, e)
		if err != nil {
			return nil, err
		}
		if want := info.counts[i]; want > 0 && d.Len() != want {
			return nil, fmt.Errorf("%s: %s has %d images; the MedMNIST v2 %s split has %d (truncated or a different file?)", path, part, d.Len(), key, want)
		}
		*dst[i] = d
	}
	// A class without a training image cannot be learnt: a truncated file, or classes
	// stated (or declared by the data set) that the labels do not use.
	if split.Train.Task.IsClassification() {
		for c, n := range split.Train.ClassCounts() {
			if n == 0 {
				return nil, fmt.Errorf("%s: no training image has class %d (%q) of the %d classes %s; expected every class in train_labels: check the labels, or the classes stated", path, c, split.Train.Classes[c], len(split.Train.Classes), quoteList(split.Train.Classes))
			}
		}
	}
	return split, nil
}

// inferMedMNIST describes an unknown MedMNIST-style file from its arrays: the channels from
// the image shape, multi-label for [n, k] labels with k > 1, else classes 0..max label.
func inferMedMNIST(path string, x *Array, ys []*Array, e Expect) (medMNISTInfo, error) {
	info := medMNISTInfo{task: MultiClass}
	if len(x.Shape) == 4 {
		info.channel = x.Shape[3]
	} else {
		info.channel = 1
	}
	if y := ys[0]; len(y.Shape) == 2 && y.Shape[1] > 1 {
		info.task = MultiLabel
		for j := 0; j < y.Shape[1]; j++ {
			info.labels = append(info.labels, "finding "+strconv.Itoa(j))
		}
		return info, nil
	}
	k := 0
	for _, y := range ys {
		for _, v := range y.Data {
			if v < 0 || v != float32(int(v)) || v >= 1<<16 {
				return info, fmt.Errorf("%s: label %v; expected class indices 0..k-1", path, v)
			}
			k = max(k, int(v)+1)
		}
	}
	k = max(k, 2)
	if k == 2 {
		info.task = Binary
	}
	info.labels = Expect{NumClasses: k}.classNames()
	return info, nil
}

func medMNISTPart(path, name, part string, x, y *Array, info medMNISTInfo, e Expect) (*Dataset, error) {
	what := path + ": " + part + "_images"
	if e.DType != "" && x.DType != e.DType {
		return nil, fmt.Errorf("%s are %s; expected %s pixels", what, x.DType, e.DType)
	}
	if err := checkPixels(what, x); err != nil {
		return nil, err
	}
	shape := slices.Clone(x.Shape[min(1, len(x.Shape)):])
	if len(shape) == 2 {
		shape = append(shape, 1)
	}
	if len(x.Shape) < 3 || len(shape) != 3 || (shape[2] != info.channel && info.channel != 0) || (shape[2] != 1 && shape[2] != 3) {
		want := "1 (grey) or 3 (RGB) channels"
		if info.channel > 0 {
			want = fmt.Sprintf("%d channel(s)", info.channel)
		}
		return nil, fmt.Errorf("%s: %s_images have shape %v; expected [n, height, width] or [n, height, width, 3] with %s", path, part, x.Shape, want)
	}
	n := x.Shape[0]
	k := len(info.labels)
	cols := 1
	if info.task == MultiLabel {
		cols = k
	}
	if !(len(y.Shape) == 2 && y.Shape[0] == n && y.Shape[1] == cols) && !(len(y.Shape) == 1 && y.Shape[0] == n && cols == 1) {
		return nil, fmt.Errorf("%s: %s_labels have shape %v; expected [%d %d]", path, part, y.Shape, n, cols)
	}
	pixels := x.Data
	if x.DType == "uint8" {
		pixels = scaleBytes(x.Data)
	}
	d := &Dataset{Name: name, Task: info.task, X: pixels, Shape: shape, Y: y.Data}
	if info.task == MultiLabel {
		d.Targets = slices.Clone(info.labels)
		for i, v := range y.Data {
			if v != 0 && v != 1 {
				return nil, fmt.Errorf("%s: %s_labels: image %d, finding %d is %v; expected 0 or 1", path, part, i/cols, i%cols, v)
			}
		}
	} else {
		d.Classes = slices.Clone(info.labels)
		for i, v := range y.Data {
			if v < 0 || int(v) >= k || v != float32(int(v)) {
				return nil, fmt.Errorf("%s: %s_labels: image %d has label %v; expected a class 0..%d (%d classes): correct the label or the classes stated", path, part, i, v, k-1, k)
			}
		}
	}
	return d, nil
}
