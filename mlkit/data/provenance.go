// SPDX-License-Identifier: Apache-2.0

package data

import (
	"slices"
	"strings"
)

// Provenance says where a data set comes from and on what terms it may be used: what a
// model report (TRIPOD+AI item "data source") and anyone reusing a trained model need to
// know about the data behind it.
type Provenance struct {
	Name     string // the loaders' name, e.g. "wdbc"
	Title    string // what the data are
	URL      string // the canonical place to get it
	Licence  string // the terms of use, as the publisher states them
	Citation string // what to cite
	// Collection says how and where the examples were gathered, as far as the publisher
	// says: the population a model trained on them can speak for.
	Collection string
}

// provenances are the data sets the loaders know (see ../shared/data/SOURCES.md in the
// project's checkout for the same facts with checksums).
var provenances = []Provenance{
	{Name: "mnist", Title: "MNIST handwritten digits (60,000 train, 10,000 test, 28×28 grey)",
		URL: mnistURL, Licence: "CC BY-SA 3.0", Citation: "LeCun, Cortes & Burges, The MNIST database",
		Collection: "digits written by US Census Bureau employees and high-school students; not medical data"},
	{Name: "breastmnist", Title: "BreastMNIST (MedMNIST v2): breast ultrasound, malignant vs normal/benign, 28×28",
		URL: medMNISTURL + "breastmnist.npz", Licence: "CC BY 4.0",
		Citation:   "Yang et al., MedMNIST v2, Scientific Data 2023; Al-Dhabyani et al., Data in Brief 2020",
		Collection: "780 ultrasound images of women aged 25–75, one hospital in Cairo (2018), downscaled"},
	{Name: "retinamnist", Title: "RetinaMNIST (MedMNIST v2): fundus photographs, diabetic-retinopathy grade 0–4, 28×28 RGB",
		URL: medMNISTURL + "retinamnist.npz", Licence: "CC BY 4.0",
		Citation:   "Yang et al., MedMNIST v2, Scientific Data 2023; DeepDRiD challenge",
		Collection: "1,600 fundus images from the DeepDRiD challenge (China), downscaled"},
	{Name: "ecg200", Title: "ECG200 (UCR archive): one heartbeat per series, myocardial infarction vs normal",
		URL: ucrURL + "ECG200.zip", Licence: "UCR archive terms: free for research, cite the archive",
		Citation:   "Dau et al., The UCR time series archive, 2019; Olszewski 2001",
		Collection: "200 beats, 96 samples each, from one ECG lead"},
	{Name: "ecg5000", Title: "ECG5000 (UCR archive): heartbeats of one patient with severe congestive heart failure, 5 classes",
		URL: ucrURL + "ECG5000.zip", Licence: "UCR archive terms: free for research, cite the archive",
		Citation:   "Dau et al., The UCR time series archive, 2019; BIDMC CHF database (PhysioNet)",
		Collection: "beats from a single 20-hour recording of one patient"},
	{Name: "bbbp", Title: "BBBP (MoleculeNet): blood–brain-barrier penetration of 2,050 compounds",
		URL: moleculeNetURL + "BBBP.csv", Licence: "MoleculeNet terms; cite the original publication",
		Citation:   "Wu et al., MoleculeNet, Chemical Science 2018; Martins et al. 2012",
		Collection: "compounds from the literature with a binary penetration label"},
	{Name: "esol", Title: "ESOL (Delaney): measured aqueous solubility of 1,128 compounds",
		URL: moleculeNetURL + "delaney-processed.csv", Licence: "MoleculeNet terms; cite the original publication",
		Citation:   "Delaney, J. Chem. Inf. Comput. Sci. 2004; Wu et al., MoleculeNet 2018",
		Collection: "measured log solubility (mol/L) compiled from published sources"},
	{Name: "tox21", Title: "Tox21: 7,831 compounds, 12 toxicity assays (missing labels where untested)",
		URL: moleculeNetURL + "tox21.csv.gz", Licence: "public (NIH/NCATS Tox21 programme); MoleculeNet terms",
		Citation:   "Tox21 Data Challenge 2014 (NIH/NCATS); Wu et al., MoleculeNet 2018",
		Collection: "high-throughput in-vitro assays"},
	{Name: "clintox", Title: "ClinTox: 1,484 compounds, FDA approval and clinical-trial toxicity",
		URL: moleculeNetURL + "clintox.csv.gz", Licence: "MoleculeNet terms; cite the original publication",
		Citation:   "Gayvert et al., Cell Chemical Biology 2016; Wu et al., MoleculeNet 2018",
		Collection: "approved drugs and drugs that failed trials for toxicity"},
	{Name: "splice", Title: "Primate splice-junction gene sequences: 3,190 sequences of 60 nt, classes EI/IE/N",
		URL: uciURL + "molecular-biology/splice-junction-gene-sequences/splice.data", Licence: "CC BY 4.0",
		Citation:   "UCI Machine Learning Repository, Molecular Biology (Splice-junction Gene Sequences)",
		Collection: "primate genes from GenBank 64.1"},
	{Name: "promoters", Title: "E. coli promoter gene sequences: 106 sequences of 57 nt, promoter or not",
		URL: uciURL + "molecular-biology/promoter-gene-sequences/promoters.data", Licence: "CC BY 4.0",
		Citation:   "UCI Machine Learning Repository, Molecular Biology (Promoter Gene Sequences)",
		Collection: "53 promoters and 53 non-promoters from E. coli"},
	{Name: "wdbc", Title: "Breast Cancer Wisconsin (Diagnostic): 569 fine-needle aspirates, malignant vs benign, 30 features",
		URL: uciURL + "breast-cancer-wisconsin/wdbc.data", Licence: "CC BY 4.0",
		Citation:   "Street, Wolberg & Mangasarian 1993; UCI Machine Learning Repository",
		Collection: "patients of one clinic (University of Wisconsin Hospitals), features computed from digitized images"},
}

// provenanceAliases are other names the loaders give the same data.
var provenanceAliases = map[string]string{"delaney": "esol", "delaney-processed": "esol"}

// ProvenanceOf returns the provenance of a data set the loaders know, by its name as a
// loader gives it ("wdbc", "breastmnist-test", "ECG200-train", "bbbp"): case and a
// -train, -val or -test suffix do not matter. ok is false for data the loaders do not know,
// such as a user's own CSV file.
func ProvenanceOf(name string) (p Provenance, ok bool) {
	key := strings.ToLower(strings.TrimSpace(name))
	for _, suffix := range []string{"-train", "-val", "-test", "_train", "_val", "_test"} {
		key = strings.TrimSuffix(key, suffix)
	}
	if a, ok := provenanceAliases[key]; ok {
		key = a
	}
	i := slices.IndexFunc(provenances, func(p Provenance) bool { return p.Name == key })
	if i < 0 {
		return Provenance{}, false
	}
	return provenances[i], true
}
