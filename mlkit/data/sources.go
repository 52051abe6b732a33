package data

import (
	"fmt"
	"os"
	"slices"
	"strings"
)

// Source is a data file the loaders know: where it lives in a data directory and where
// it is downloaded from.
type Source struct {
	Path string // relative path in a data directory, e.g. "uci/wdbc.data"
	URL  string // canonical download URL (a .gz or .zip that holds the file, for some)
	// SHA256 is the pinned hash of the download, for files published byte for byte as
	// they are used; empty when only the content's structure is checked.
	SHA256 string
	check  func(path string) error
}

// Canonical download locations.
const (
	mnistURL       = "https://ossci-datasets.s3.amazonaws.com/mnist/"
	medMNISTURL    = "https://zenodo.org/records/6496656/files/"
	ucrURL         = "https://www.timeseriesclassification.com/aeon-toolkit/"
	moleculeNetURL = "https://deepchemdata.s3-us-west-1.amazonaws.com/datasets/"
	uciURL         = "https://archive.ics.uci.edu/ml/machine-learning-databases/"
)

var sources = []Source{
	{Path: "mnist/train-images-idx3-ubyte.gz", URL: mnistURL + "train-images-idx3-ubyte.gz",
		SHA256: "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609"},
	{Path: "mnist/train-labels-idx1-ubyte.gz", URL: mnistURL + "train-labels-idx1-ubyte.gz",
		SHA256: "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c"},
	{Path: "mnist/t10k-images-idx3-ubyte.gz", URL: mnistURL + "t10k-images-idx3-ubyte.gz",
		SHA256: "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6"},
	{Path: "mnist/t10k-labels-idx1-ubyte.gz", URL: mnistURL + "t10k-labels-idx1-ubyte.gz",
		SHA256: "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6"},
	{Path: "medmnist/breastmnist.npz", URL: medMNISTURL + "breastmnist.npz",
		SHA256: "3a22d2a4625e7dd8903f0f59030e81a3d0c222bece2e5e10927456cb50efdec1"},
	{Path: "medmnist/retinamnist.npz", URL: medMNISTURL + "retinamnist.npz",
		SHA256: "254915f5f0a2074665c4676356824cf4ef4a3bcab233894b4bafcaf48962bd69"},
	{Path: "ucr/ECG200_TRAIN.txt", URL: ucrURL + "ECG200.zip", check: checkUCR("ecg200", false)},
	{Path: "ucr/ECG200_TEST.txt", URL: ucrURL + "ECG200.zip", check: checkUCR("ecg200", true)},
	{Path: "ucr/ECG5000_TRAIN.txt", URL: ucrURL + "ECG5000.zip", check: checkUCR("ecg5000", false)},
	{Path: "moleculenet/BBBP.csv", URL: moleculeNetURL + "BBBP.csv", check: checkMolecules("bbbp", []int{483, 1567})},
	{Path: "moleculenet/delaney-processed.csv", URL: moleculeNetURL + "delaney-processed.csv",
		SHA256: "8c06a76f0c6487d29ab0f903e6a7a7139f189ab3c1178f159c8be8964602f189"},
	{Path: "moleculenet/tox21.csv", URL: moleculeNetURL + "tox21.csv.gz", check: checkMolecules("tox21", nil)},
	{Path: "moleculenet/clintox.csv", URL: moleculeNetURL + "clintox.csv.gz", check: checkMolecules("clintox", nil)},
	{Path: "uci/splice.data", URL: uciURL + "molecular-biology/splice-junction-gene-sequences/splice.data",
		check: checkDNA(loadSpliceFile, 3190, 60, []int{767, 768, 1655})},
	{Path: "uci/promoters.data", URL: uciURL + "molecular-biology/promoter-gene-sequences/promoters.data",
		check: checkDNA(loadPromotersFile, 106, 57, []int{53, 53})},
	{Path: "uci/wdbc.data", URL: uciURL + "breast-cancer-wisconsin/wdbc.data", check: checkWDBC},
}

// Sources lists the data files the loaders know, with their canonical URLs. Other
// MedMNIST and UCR names are resolved on demand (see LoadMedMNIST and LoadUCR).
func Sources() []Source { return slices.Clone(sources) }

// sourceByPath finds a known file, including the MedMNIST and UCR files named by pattern.
func sourceByPath(rel string) (Source, bool) {
	for _, s := range sources {
		if s.Path == rel {
			return s, true
		}
	}
	dir, file, ok := strings.Cut(rel, "/")
	if !ok || strings.Contains(file, "/") {
		return Source{}, false
	}
	switch dir {
	case "medmnist":
		name, isNPZ := strings.CutSuffix(file, ".npz")
		if _, known := medMNIST[name]; isNPZ && known {
			return Source{Path: rel, URL: medMNISTURL + file, check: checkMedMNIST(name)}, true
		}
	case "ucr":
		for _, suffix := range []string{"_TRAIN.txt", "_TEST.txt"} {
			if name, ok := strings.CutSuffix(file, suffix); ok && ucrName.MatchString(name) {
				return Source{Path: rel, URL: ucrURL + name + ".zip", check: checkUCRGeneric}, true
			}
		}
	}
	return Source{}, false
}

func checkCounts(what string, got, want []int) error {
	if want != nil && !slices.Equal(got, want) {
		return fmt.Errorf("%s: class counts %v, expected %v", what, got, want)
	}
	return nil
}

func checkUCR(key string, test bool) func(string) error {
	info := ucrKnown[key]
	want := info.train
	if test {
		want = info.testN
	}
	return func(p string) error {
		s, err := loadUCRFiles(p, "", info.values, info.classes)
		if err != nil {
			return err
		}
		if s.Train.Shape[0] != info.length {
			return fmt.Errorf("%s: series of %d values, expected %d", p, s.Train.Shape[0], info.length)
		}
		return checkCounts(p, s.Train.ClassCounts(), want)
	}
}

func checkUCRGeneric(p string) error {
	_, err := LoadUCRFiles(p, "")
	return err
}

func checkMolecules(key string, counts []int) func(string) error {
	spec := moleculeNet[key]
	return func(p string) error {
		s, err := readMoleculeFile(p, spec)
		if err != nil {
			return err
		}
		if s.Len() != spec.rows {
			return fmt.Errorf("%s: %d molecules, expected %d", p, s.Len(), spec.rows)
		}
		if counts != nil {
			got := make([]int, len(counts))
			for _, l := range s.Labels() {
				got[l]++
			}
			return checkCounts(p, got, counts)
		}
		return nil
	}
}

func checkDNA(load func(string) (*Sequences, error), rows, length int, counts []int) func(string) error {
	return func(p string) error {
		s, err := load(p)
		if err != nil {
			return err
		}
		if s.Len() != rows || len(s.Texts[0]) != length {
			return fmt.Errorf("%s: %d sequences of %d nucleotides, expected %d of %d", p, s.Len(), len(s.Texts[0]), rows, length)
		}
		got := make([]int, len(counts))
		for _, l := range s.Labels() {
			got[l]++
		}
		return checkCounts(p, got, counts)
	}
}

func checkWDBC(p string) error {
	f, err := os.Open(p)
	if err != nil {
		return err
	}
	defer f.Close()
	d, err := parseWDBC(f, p)
	if err != nil {
		return err
	}
	return checkCounts(p, d.ClassCounts(), []int{357, 212})
}

func checkMedMNIST(name string) func(string) error {
	return func(p string) error {
		_, err := readMedMNIST(p, name, medMNIST[name])
		return err
	}
}
