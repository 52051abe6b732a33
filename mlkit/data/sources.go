// SPDX-License-Identifier: Apache-2.0

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
	pydicomURL     = "https://raw.githubusercontent.com/pydicom/pydicom/v2.3.1/pydicom/data/test_files/"
	nibabelURL     = "https://raw.githubusercontent.com/nipy/nibabel/5.0.0/nibabel/tests/data/"
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
	{Path: "moleculenet/BBBP.csv", URL: moleculeNetURL + "BBBP.csv", check: checkMolecules("bbbp")},
	{Path: "moleculenet/delaney-processed.csv", URL: moleculeNetURL + "delaney-processed.csv",
		SHA256: "8c06a76f0c6487d29ab0f903e6a7a7139f189ab3c1178f159c8be8964602f189"},
	{Path: "moleculenet/tox21.csv", URL: moleculeNetURL + "tox21.csv.gz", check: checkMolecules("tox21")},
	{Path: "moleculenet/clintox.csv", URL: moleculeNetURL + "clintox.csv.gz", check: checkMolecules("clintox")},
	{Path: "uci/splice.data", URL: uciURL + "molecular-biology/splice-junction-gene-sequences/splice.data",
		check: checkDNA(loadSpliceFile, spliceSpec)},
	{Path: "uci/promoters.data", URL: uciURL + "molecular-biology/promoter-gene-sequences/promoters.data",
		check: checkDNA(loadPromotersFile, promotersSpec)},
	{Path: "uci/wdbc.data", URL: uciURL + "breast-cancer-wisconsin/wdbc.data", check: checkWDBC},
	// Sample scanner files that ship with pydicom 2.3.1 and nibabel 5.0.0 (MIT licence):
	// test data without diagnostic labels, for reading DICOM and NIfTI (see medimg.SampleFile).
	{Path: "samples/pydicom/CT_small.dcm", URL: pydicomURL + "CT_small.dcm",
		SHA256: "3dd31e5cc835b3f2cdd46c9da1982f59251e78518fefa8163d914631c66437d6"},
	{Path: "samples/pydicom/MR_small.dcm", URL: pydicomURL + "MR_small.dcm",
		SHA256: "3f27d1c22f1a66e80d7bb7c911e8610fd0bb70325a76746a7adb1c0ddefcf2bb"},
	{Path: "samples/pydicom/CT2/17106", URL: pydicomURL + "dicomdirtests/77654033/CT2/17106",
		SHA256: "678df720411e86df67031c28e16192cd31e2062a3f090d657b9f16ce86db3f1d"},
	{Path: "samples/pydicom/CT2/17136", URL: pydicomURL + "dicomdirtests/77654033/CT2/17136",
		SHA256: "5b2d0734bfd387e93aea75cf5cdb73a5670cf5914937de636ff69ef5dc720573"},
	{Path: "samples/pydicom/CT2/17166", URL: pydicomURL + "dicomdirtests/77654033/CT2/17166",
		SHA256: "049b221c9b2ee9a4bdd843dddf561dce1db9ad1924f1b83d87bc3c6e74cc9ab7"},
	{Path: "samples/pydicom/CT2/17196", URL: pydicomURL + "dicomdirtests/77654033/CT2/17196",
		SHA256: "e4796e51480a8c73ed717c3300d7384ec92d63e6322edd080d33665ab37365f0"},
	{Path: "samples/nibabel/anatomical.nii", URL: nibabelURL + "anatomical.nii",
		SHA256: "1c089f37b6597a38bb4157a1e1b3f7f13f1bc9d4e7a8cfdfaf91d85cd8f66594"},
	{Path: "samples/nibabel/example4d.nii.gz", URL: nibabelURL + "example4d.nii.gz",
		SHA256: "42097dfbab9d2a036b41ae5c97a359591cf2cf5c3f8dc6ca6455c0b8a7f22696"},
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

// notPublished explains a local copy of a known file whose rows or class counts differ
// from the published file's. The same counts are checked on download; checking them on
// every load as well catches a copy cut short or edited in the data directory or cache.
func notPublished(rel, path string, err error) error {
	src, _ := sourceByPath(rel)
	return fmt.Errorf("%v: %s does not hold the published %s (truncated or altered?); delete it so that it is downloaded again, or replace it with the file from %s", err, path, rel, src.URL)
}

func checkUCR(key string, test bool) func(string) error {
	info := ucrKnown[key]
	return func(p string) error {
		s, err := loadUCRFiles(p, "", info.values, info.classes)
		if err != nil {
			return err
		}
		return ucrCounts(p, s.Train, info, test)
	}
}

// ucrCounts checks a known UCR split's series length and class counts.
func ucrCounts(p string, d *Dataset, info ucrInfo, test bool) error {
	want := info.train
	if test {
		want = info.testN
	}
	if d.Shape[0] != info.length {
		return fmt.Errorf("%s: series of %d values, expected %d", p, d.Shape[0], info.length)
	}
	if got := d.ClassCounts(); want != nil && !slices.Equal(got, want) {
		return fmt.Errorf("%s: %d series with class counts %v, expected %d with %v", p, d.Len(), got, sum(want), want)
	}
	return nil
}

func sum(v []int) int {
	n := 0
	for _, x := range v {
		n += x
	}
	return n
}

func checkUCRGeneric(p string) error {
	_, err := LoadUCRFiles(p, "")
	return err
}

func checkMolecules(key string) func(string) error {
	spec := moleculeNet[key]
	return func(p string) error {
		s, err := readMoleculeFile(p, spec)
		if err != nil {
			return err
		}
		return moleculeCounts(p, s, spec)
	}
}

// moleculeCounts checks a MoleculeNet file's number of molecules and, where known, its
// class counts.
func moleculeCounts(p string, s *Sequences, spec molSpec) error {
	if s.Len() != spec.rows {
		return fmt.Errorf("%s: %d molecules, expected %d", p, s.Len(), spec.rows)
	}
	if spec.counts != nil {
		got := make([]int, len(spec.counts))
		for _, l := range s.Labels() {
			got[l]++
		}
		return checkCounts(p, got, spec.counts)
	}
	return nil
}

// dnaSpec is the published structure of a UCI DNA file.
type dnaSpec struct {
	rows, length int
	counts       []int
}

var (
	spliceSpec    = dnaSpec{3190, 60, []int{767, 768, 1655}}
	promotersSpec = dnaSpec{106, 57, []int{53, 53}}
)

func checkDNA(load func(string) (*Sequences, error), spec dnaSpec) func(string) error {
	return func(p string) error {
		s, err := load(p)
		if err != nil {
			return err
		}
		return dnaCounts(p, s, spec)
	}
}

func dnaCounts(p string, s *Sequences, spec dnaSpec) error {
	if s.Len() != spec.rows || len(s.Texts[0]) != spec.length {
		return fmt.Errorf("%s: %d sequences of %d nucleotides, expected %d of %d", p, s.Len(), len(s.Texts[0]), spec.rows, spec.length)
	}
	got := make([]int, len(spec.counts))
	for _, l := range s.Labels() {
		got[l]++
	}
	return checkCounts(p, got, spec.counts)
}

// wdbcCounts are the published class counts of wdbc.data: benign, malignant.
var wdbcCounts = []int{357, 212}

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
	return checkWDBCCounts(p, d)
}

func checkWDBCCounts(p string, d *Dataset) error {
	if got := d.ClassCounts(); !slices.Equal(got, wdbcCounts) {
		return fmt.Errorf("%s: %d records with class counts %v (benign, malignant), expected %d with %v", p, d.Len(), got, sum(wdbcCounts), wdbcCounts)
	}
	return nil
}

func checkMedMNIST(name string) func(string) error {
	return func(p string) error {
		_, err := readMedMNIST(p, name, medMNIST[name])
		return err
	}
}
