// Package data holds mlkit's data sets: the Dataset type, loaders for the bundled medical
// data and for the user's own files, fetching with a local directory and cache, and
// preprocessing (scaling, splits, class weights, augmentation, windows, tokenizers).
//
// A Dataset is a plain, copyable table of examples: features as float32 in row-major order
// and targets as float32 (a class index for classification, values for regression, NaN for
// a missing multi-label target). Nothing here depends on models or training.
package data
