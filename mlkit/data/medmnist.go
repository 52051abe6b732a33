package data

import (
	"fmt"
	"slices"
	"sort"
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

func readMedMNIST(path, key string, info medMNISTInfo) (*Split, error) {
	z, closeFn, err := openNPZ(path)
	if err != nil {
		return nil, err
	}
	defer closeFn()
	split := &Split{}
	dst := []**Dataset{&split.Train, &split.Val, &split.Test}
	for i, part := range []string{"train", "val", "test"} {
		x, err := z.read(part + "_images")
		if err != nil {
			return nil, err
		}
		y, err := z.read(part + "_labels")
		if err != nil {
			return nil, err
		}
		d, err := medMNISTPart(path, key+"-"+part, part, x, y, info)
		if err != nil {
			return nil, err
		}
		if want := info.counts[i]; want > 0 && d.Len() != want {
			return nil, fmt.Errorf("%s: %s has %d images; the MedMNIST v2 %s split has %d", path, part, d.Len(), key, want)
		}
		*dst[i] = d
	}
	return split, nil
}

func medMNISTPart(path, name, part string, x, y *Array, info medMNISTInfo) (*Dataset, error) {
	if x.DType != "uint8" {
		return nil, fmt.Errorf("%s: %s_images are %s; expected uint8 pixels", path, part, x.DType)
	}
	shape := slices.Clone(x.Shape[min(1, len(x.Shape)):])
	if len(shape) == 2 {
		shape = append(shape, 1)
	}
	if len(x.Shape) < 3 || len(shape) != 3 || shape[2] != info.channel {
		return nil, fmt.Errorf("%s: %s_images have shape %v; expected [n, height, width] or [n, height, width, 3] with %d channel(s)", path, part, x.Shape, info.channel)
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
	d := &Dataset{Name: name, Task: info.task, X: scaleBytes(x.Data), Shape: shape, Y: y.Data}
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
				return nil, fmt.Errorf("%s: %s_labels: image %d has label %v; expected a class 0..%d", path, part, i, v, k-1)
			}
		}
	}
	return d, nil
}
