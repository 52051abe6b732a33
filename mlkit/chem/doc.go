// SPDX-License-Identifier: Apache-2.0

// Package chem reads molecules written as SMILES into molecular graphs and computes what
// molecular machine learning needs from them: ring perception, aromaticity, Bemis–Murcko
// scaffolds and scaffold splits, Morgan (ECFP) fingerprints and common descriptors.
//
// # Parsing
//
// ParseSMILES follows the OpenSMILES specification (http://opensmiles.org/opensmiles.html):
// organic-subset and bracket atoms (isotope, chirality, hydrogen count, charge, class),
// bonds - = # $ : / \ (the direction marks are kept as a mark on a single bond; chirality is
// kept as its written tag, neither is interpreted), branches, ring closures 0-9 and %nn,
// and dot-separated fragments (LargestFragment keeps the one with most heavy atoms, the
// usual way to strip salts). Whitespace ends the SMILES. Invalid input gives a
// *SyntaxError with the 0-based byte offset and what was expected ("unclosed ring 1 opened
// at position 3", "unexpected ')' at 7", "unknown element 'Xx' at 2"), or a
// *ChemistryError for an aromatic system with no Kekulé structure (c1cccc1) or an aromatic
// atom outside every ring. CheckValence additionally flags atoms with more bonds than a
// strict valence model allows, which RDKit rejects but SMILES syntax permits.
//
// After parsing, aromatic bonds are kekulized (a perfect matching of the atoms that need a
// π bond), implicit hydrogens follow the organic-subset valence rules, five-valent nitro
// and N-oxide groups are rewritten into their charge-separated form, rings are perceived
// and aromaticity is perceived anew from the Kekulé structure with Hückel's 4n+2 rule, so
// C1=CC=CC=C1 and c1ccccc1 give the same molecule.
//
// # Rings
//
// Rings is a minimum cycle basis (smallest set of smallest rings, SSSR), of size edges −
// nodes + components. SymmetricRings is the set of relevant cycles (every ring in some
// minimum basis); it differs from Rings only for bridged systems (adamantane: 3 and 4
// rings) and is what RDKit's CalcNumRings reports, so NumSymmetricRings is the count to
// compare with RDKit.
//
// # Aromaticity model and its limits
//
// Each ring atom gives π electrons: 1 when in a ring double bond, 0 for a carbon with an
// exocyclic double bond to N, O or S (2-pyridone and tropone are aromatic), 2 for a lone
// pair (pyrrole N, furan O, thiophene S, carbanion), 0 for a cation or boron; sp3 atoms
// and atoms with more than three connections end the ring's candidacy. Single rings, and
// unions of two or three fused rings whose perimeter is one cycle through all their atoms
// (azulene, pyromellitic dianhydride), are aromatic at 4n+2 electrons. Larger fused unions,
// exocyclic C=C on aromatic rings (quinoid dyes written in aromatic form) and main-group
// elements other than B C N O P S Se Te are not treated; on BBBP, ESOL, ClinTox and Tox21
// one molecule in 12,476 disagrees with RDKit (see TestAgainstRDKit).
//
// # Scaffolds
//
// MurckoScaffold keeps ring systems and linkers and, as RDKit's
// MurckoScaffold.GetScaffoldForMol does, atoms doubly bonded to them (O=C1CCCCC1).
// CanonicalKey groups identical scaffolds (a Weisfeiler–Lehman colour refinement hash);
// ScaffoldSplit and ScaffoldSplitSequences assign whole scaffold groups, largest first, to
// train, validation and test as DeepChem's ScaffoldSplitter does.
//
// # Fingerprints and descriptors
//
// Morgan and MorganCounts give ECFP-style circular fingerprints (Rogers & Hahn 2010); MolWt
// (IUPAC standard atomic weights), TPSA (Ertl, Rohde & Selzer 2000, N and O only),
// NumHDonors and NumHAcceptors (Lipinski's NH+OH and N+O counts), NumRotatableBonds,
// NumRings and NumHeavyAtoms are methods of Mol.
//
// # Graph data sets
//
// Graphs (a list of SMILES), GraphsOf (a data.Sequences with its targets) and GraphSplit (the
// parts of a split, padded to one shape) turn molecules into a data.Dataset for models.GNN:
//
//	parts, _ := chem.ScaffoldSplitSequences(seqs, 0.8, 0.1, 0)
//	split, err := chem.GraphSplit(parts).LargestFragment().Done()
//	run, err := train.New("bbbp-gnn", models.GNN(64).Done()).Epochs(30).Done().Fit(split)
//
// Each example is one molecule, float32 [MaxAtoms, NumAtomFeatures+MaxAtoms]: row i holds
// atom i's 31 features (AtomFeatureNames: an "atom" flag that is the atom mask, one-hot
// element among C N O S F Cl Br I P B Si Se H and other, degree, formal charge, aromatic,
// hydrogen count, in ring) and then row i of the bond matrix, whose entries are BondSingle,
// BondDouble, BondTriple or BondAromatic (0: no bond). Rows past the molecule's atoms are
// zero. MaxAtoms is the largest molecule's size unless set; a larger molecule is an error
// naming it. One bond matrix of codes, rather than one 0/1 matrix per bond type, keeps an
// example 4 × MaxAtoms × (31 + MaxAtoms) bytes: 86 KB for BBBP's 132-atom maximum, 176 MB for
// its 2,050 molecules.
package chem
