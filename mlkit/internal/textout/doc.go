// SPDX-License-Identifier: Apache-2.0

// Package textout holds the text and HTML output that several mlkit floors share: tables
// aligned by display width, HTML tables with escaped cells, and one progress reporter.
//
// It sits below every mlkit floor (it imports nothing of mlkit), so data, models, train,
// eval and display all render tables and progress the same way instead of each keeping a
// copy that drifts (one measured width in bytes and misaligned "≥" and "µ").
package textout
