// SPDX-License-Identifier: Apache-2.0

// Package medimg reads medical image files: DICOM (with github.com/suyashkumar/dicom for
// the file structure, pixels decoded here) and NIfTI-1/NIfTI-2 (read from the header
// definitions), de-identifies DICOM, and turns volumes into data.Dataset slices.
//
// # DICOM
//
// ReadDICOM reads one file; ReadDICOMDir a folder; SeriesFromDir / AssembleSeries stack a
// series into a Volume sorted along the slice normal (the cross product of the Image
// Orientation (Patient) vectors), with the slice spacing taken from the positions.
// Pixels are float32 in modality units: Rescale Slope and Intercept are applied, so CT
// comes out in Hounsfield units. Bits above Bits Stored are masked and signed values
// sign-extended from Bits Stored; 1-, 8-, 16- and 32-bit, grey and RGB (either planar
// configuration), multi-frame, little- and big-endian and deflated files are read.
//
// MONOCHROME1 images are not inverted: their values stay the modality values (as other
// readers return them) and Image.Inverted is set; Window(…, invert) turns it into display
// units where white is high. Window applies the DICOM linear VOI function, giving [0,1].
//
// Refused, each with an error naming the file and what is expected: compressed transfer
// syntaxes (JPEG, JPEG-LS, JPEG 2000, RLE, …; the error names the UID and the syntax),
// chroma-subsampled YBR_*_422/420, a Modality LUT Sequence, files without Pixel Data
// (reports, DICOMDIR), and malformed files (parser panics become errors).
//
// # De-identification
//
// NewDeidentifier(salt).Done() gives a Deidentifier whose DeidentifyFile writes a new file
// following BasicProfile, an excerpt of the PS3.15 Basic Application Level
// Confidentiality Profile (see its table of tags and actions D/Z/X/K/U, plus S for dates
// shifted by a per-patient offset). UIDs, pseudonyms and offsets are derived from the
// secret salt with HMAC-SHA256, so they are consistent across files and runs. Private
// tags are removed by default. The input is never written to; the output must not exist.
// Pixel data are copied byte for byte: text burnt into pixels is not removed.
//
// # NIfTI
//
// ReadNIfTI reads .nii and .nii.gz (NIfTI-1 and NIfTI-2, either byte order): uint8,
// int8, int16, uint16, int32, uint32, int64, uint64, float32, float64, scaled by
// scl_slope/scl_inter (slope 0 means none). The affine follows NIfTI's precedence: sform
// when sform_code > 0, else qform when qform_code > 0, else pixdim scaling (the
// standard's method 1; nibabel instead centres the grid and flips x). Reorient gives
// canonical RAS+ by axis permutation and flips; Resample changes the voxel size by
// trilinear interpolation. Header sizes are checked against the bytes present before
// memory is reserved.
//
// # Into mlkit
//
// SlicesFromVolume and SlicesFromNIfTI build a data.Dataset of 2-D slices of Shape
// [h, w, 1], windowed or min-max scaled to [0,1], optionally centre-cropped and resized
// (bilinear) to the size a network expects. Volume.Planes and NIfTI.Planes give the three
// orthogonal planes for display.ImageGrid. SampleFile finds pydicom's and nibabel's sample
// files. 3-D patches are not offered: mlkit's convolutions are 1-D and 2-D.
package medimg
