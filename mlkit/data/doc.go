// SPDX-License-Identifier: Apache-2.0

// Package data holds mlkit's data sets: the Dataset type, loaders for the bundled medical
// data and for the user's own files, fetching with a local directory and cache, and
// preprocessing (scaling, splits, class weights, augmentation, windows, tokenizers).
//
// A Dataset is a plain, copyable table of examples: features as float32 in row-major order
// and targets as float32 (a class index for classification, values for regression, NaN for
// a missing multi-label target). Nothing here depends on models or training.
//
// # Bundled data sets
//
//   - LoadMNIST: handwritten digits, 60,000/10,000, Shape [28, 28, 1].
//   - LoadMedMNIST: MedMNIST v2 2-D sets by name ("breastmnist", "retinamnist", ...),
//     official train/val/test, Shape [28, 28, C].
//   - LoadUCR: UCR time series ("ECG200", "ECG5000"), Shape [length, 1].
//   - LoadWDBC: Wisconsin breast-cancer diagnosis, 569 × 30 features, malignant = 1.
//   - LoadMoleculeNet ("bbbp", "esol", "tox21", "clintox"), LoadSplice and LoadPromoters
//     return raw Sequences (SMILES or DNA) that a Tokenizer turns into a Dataset.
//
// Pixels are scaled to [0,1]. Class names and which label is which are given in each
// loader's documentation.
//
// # Where files come from
//
// A loader asks the current Fetcher for each file. It looks in the data directory named by
// MEDGO_DATA (laid out as mnist/, medmnist/, ucr/, moleculenet/, uci/), then in the cache
// (MEDGO_CACHE, by default the user cache folder's medgo/), and otherwise downloads the
// file from its publisher. Downloads are atomic, retried, shown with a progress line on
// standard error, and verified: against a pinned SHA-256 where the publisher's bytes are
// known, against the expected rows and class counts otherwise. With MEDGO_OFFLINE=1 nothing
// is downloaded, and a missing file gives an error that says where to put it.
//
// # The user's own files
//
// LoadCSV and the CSV builder read tabular data; LoadNPY, LoadNPZ and LoadIDX read NumPy
// and IDX arrays (ReadNPY, ReadNPZ and ReadIDX give the raw Array); LoadMedMNISTFile reads
// a MedMNIST-style .npz at any path; LoadUCRFiles reads the UCR text format;
// LoadSequencesCSV and the SequencesCSV builder read SMILES or DNA with targets. Errors
// name the file, the line or record, and what was expected. Declared sizes in binary
// headers are checked against the data actually present before any memory is reserved
// for them. Text readers accept a UTF-8 byte-order mark and CRLF line ends.
//
// These loaders check what can be checked without knowing the data: images must be uint8
// or floats in [0,1] (floats up to 255 are unscaled pixels), a label column must not mix
// numbers and text, and inferred array classes must not be empty below the largest label.
// A caller who knows the classes states them (Classes on the CSV builders, an Expect for
// array files) and gets every label checked.
//
// The bundled data sets are checked on every load, from the data directory, the cache or
// a download alike: their rows and class counts (or pinned SHA-256 on download) must be
// the published ones. A path that exists but is not a readable file is an error, never
// taken for missing.
//
// # Preprocessing without leakage
//
// Split first (StratifiedSplit, or Sequences.Split for raw sequences), then fit scalers
// (FitStandardizer, FitMinMax) and tokenizers (Tokenizer.Fit) on the training part only,
// and apply them to the other parts:
//
//	d, _ := data.LoadWDBC()
//	split, _ := data.StratifiedSplit(d, 42, 0.7, 0.15, 0.15)
//	scaler := data.FitStandardizer(split.Train)
//	train, val, test := scaler.Apply(split.Train), scaler.Apply(split.Val), scaler.Apply(split.Test)
//
// ClassWeights gives balanced weights for imbalanced classes, Augment flips, shifts, scales
// and adds noise to images and signals, SlidingWindows cuts signals into windows, and Summary describes a Dataset or a
// Split as a text or HTML table.
package data
