// SPDX-License-Identifier: Apache-2.0

package medimg

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/suyashkumar/dicom"
	"github.com/suyashkumar/dicom/pkg/tag"
)

// Action is what the de-identification profile does to an attribute (PS3.15 Annex E).
type Action byte

const (
	ActionDummy  Action = 'D' // replace with a non-identifying value of the same VR
	ActionZero   Action = 'Z' // replace with a zero-length value
	ActionRemove Action = 'X' // remove
	ActionKeep   Action = 'K' // keep
	ActionUID    Action = 'U' // replace by a consistently mapped UID
	ActionShift  Action = 'S' // MedGo: date shifted by the per-patient offset
)

// ProfileRule is one row of the attribute table MedGo applies.
type ProfileRule struct {
	Tag     tag.Tag
	Keyword string
	Action  Action
}

// BasicProfile is MedGo's excerpt of PS3.15 Table E.1-1 (Basic Application Level
// Confidentiality Profile), with the Retain Longitudinal Temporal Information with
// Modified Dates Option for study dates (action S: shifted, not removed, so intervals
// between a patient's studies survive). Patient's Sex is Z in the Basic Profile; only the
// Retain Patient Characteristics Option would keep it, which MedGo does not apply.
// Patient Name and ID get a pseudonym (D) derived from the secret salt, so a patient's
// files stay linked. All private attributes (odd groups) are removed unless kept
// explicitly. Attributes not listed are kept: this is an excerpt, not the full table,
// and free-text attributes outside it (or identifying text burnt into pixels) are the
// user's responsibility.
var BasicProfile = []ProfileRule{
	{tag.PatientName, "PatientName", ActionDummy},
	{tag.PatientID, "PatientID", ActionDummy},
	{tag.PatientBirthDate, "PatientBirthDate", ActionZero},
	{tag.PatientBirthTime, "PatientBirthTime", ActionRemove},
	{tag.PatientSex, "PatientSex", ActionZero},
	{tag.PatientAge, "PatientAge", ActionRemove},
	{tag.PatientSize, "PatientSize", ActionRemove},
	{tag.PatientWeight, "PatientWeight", ActionRemove},
	{tag.OtherPatientIDs, "OtherPatientIDs", ActionRemove},
	{tag.OtherPatientIDsSequence, "OtherPatientIDsSequence", ActionRemove},
	{tag.OtherPatientNames, "OtherPatientNames", ActionRemove},
	{tag.PatientAddress, "PatientAddress", ActionRemove},
	{tag.PatientTelephoneNumbers, "PatientTelephoneNumbers", ActionRemove},
	{tag.PatientMotherBirthName, "PatientMotherBirthName", ActionRemove},
	{tag.MedicalRecordLocator, "MedicalRecordLocator", ActionRemove},
	{tag.AdditionalPatientHistory, "AdditionalPatientHistory", ActionRemove},
	{tag.PatientComments, "PatientComments", ActionRemove},
	{tag.EthnicGroup, "EthnicGroup", ActionRemove},
	{tag.Occupation, "Occupation", ActionRemove},
	{tag.InstitutionName, "InstitutionName", ActionRemove},
	{tag.InstitutionAddress, "InstitutionAddress", ActionRemove},
	{tag.InstitutionalDepartmentName, "InstitutionalDepartmentName", ActionRemove},
	{tag.ReferringPhysicianName, "ReferringPhysicianName", ActionZero},
	{tag.ReferringPhysicianAddress, "ReferringPhysicianAddress", ActionRemove},
	{tag.ReferringPhysicianTelephoneNumbers, "ReferringPhysicianTelephoneNumbers", ActionRemove},
	{tag.PhysiciansOfRecord, "PhysiciansOfRecord", ActionRemove},
	{tag.PerformingPhysicianName, "PerformingPhysicianName", ActionRemove},
	{tag.NameOfPhysiciansReadingStudy, "NameOfPhysiciansReadingStudy", ActionRemove},
	{tag.OperatorsName, "OperatorsName", ActionRemove},
	{tag.RequestingPhysician, "RequestingPhysician", ActionRemove},
	{tag.AccessionNumber, "AccessionNumber", ActionZero},
	{tag.StudyID, "StudyID", ActionZero},
	{tag.StationName, "StationName", ActionRemove},
	{tag.DeviceSerialNumber, "DeviceSerialNumber", ActionRemove},
	{tag.StudyDescription, "StudyDescription", ActionRemove},
	{tag.SeriesDescription, "SeriesDescription", ActionRemove},
	{tag.ImageComments, "ImageComments", ActionRemove},
	{tag.RequestAttributesSequence, "RequestAttributesSequence", ActionRemove},
	{tag.StudyDate, "StudyDate", ActionShift},
	{tag.SeriesDate, "SeriesDate", ActionShift},
	{tag.AcquisitionDate, "AcquisitionDate", ActionShift},
	{tag.ContentDate, "ContentDate", ActionShift},
	{tag.InstanceCreationDate, "InstanceCreationDate", ActionShift},
	{tag.StudyInstanceUID, "StudyInstanceUID", ActionUID},
	{tag.SeriesInstanceUID, "SeriesInstanceUID", ActionUID},
	{tag.SOPInstanceUID, "SOPInstanceUID", ActionUID},
	{tag.MediaStorageSOPInstanceUID, "MediaStorageSOPInstanceUID", ActionUID},
	{tag.FrameOfReferenceUID, "FrameOfReferenceUID", ActionUID},
	{tag.ReferencedSOPInstanceUID, "ReferencedSOPInstanceUID", ActionUID},
	{tag.InstanceCreatorUID, "InstanceCreatorUID", ActionUID},
}

// Change is one attribute the de-identifier altered. Old values are not reported: the
// report may be shared, and it must not carry what was removed.
type Change struct {
	Tag     tag.Tag
	Keyword string
	Action  Action
	Count   int // occurrences, including inside sequences
}

// DeidReport says what De-identify did to one file.
type DeidReport struct {
	Input, Output  string
	DateShiftDays  int // how far dates moved (negative: earlier)
	PrivateRemoved int
	Changes        []Change
}

// DeidBuilder configures de-identification; finish with Done.
type DeidBuilder struct {
	salt        []byte
	keepPrivate bool
	err         error
}

// NewDeidentifier starts a de-identifier. salt is a secret: with the same salt a
// patient's pseudonym, date offset and UIDs are the same across files and runs (so
// series stay linked), and without it they cannot be recomputed from the originals.
func NewDeidentifier(salt []byte) *DeidBuilder {
	b := &DeidBuilder{salt: append([]byte(nil), salt...)}
	if len(salt) < 16 {
		b.err = fmt.Errorf("medimg: de-identification salt has %d bytes; expected at least 16 secret random bytes (e.g. from crypto/rand), kept out of the data set", len(salt))
	}
	return b
}

// KeepPrivateTags keeps private (odd-group) attributes, which the profile removes by
// default because vendors put names and IDs there.
func (b *DeidBuilder) KeepPrivateTags() *DeidBuilder { b.keepPrivate = true; return b }

// Done returns the configured de-identifier.
func (b *DeidBuilder) Done() (*Deidentifier, error) {
	if b.err != nil {
		return nil, b.err
	}
	return &Deidentifier{salt: b.salt, keepPrivate: b.keepPrivate}, nil
}

// Deidentifier rewrites DICOM files following BasicProfile.
type Deidentifier struct {
	salt        []byte
	keepPrivate bool
}

func (d *Deidentifier) mac(kind, s string) []byte {
	m := hmac.New(sha256.New, d.salt)
	m.Write([]byte(kind + "\x00" + s))
	return m.Sum(nil)
}

// MapUID is the replacement of a UID: "2.25." and the decimal of 128 bits of
// HMAC-SHA256(salt, uid), the UUID-derived form of PS3.5 B.2, so it is a valid UID no
// longer than 44 characters and the same for the same input.
func (d *Deidentifier) MapUID(u string) string {
	return "2.25." + new(big.Int).SetBytes(d.mac("uid", u)[:16]).String()
}

// DateShiftDays is the per-patient offset: between 1 and 3650 days earlier.
func (d *Deidentifier) DateShiftDays(patientID string) int {
	return -1 - int(binary.BigEndian.Uint32(d.mac("date", patientID))%3650)
}

// Pseudonym is the replacement Patient ID / Name for a patient.
func (d *Deidentifier) Pseudonym(patientID string) string {
	return fmt.Sprintf("ANON%X", d.mac("patient", patientID)[:6])
}

// DeidentifyFile writes a de-identified copy of in to out; in is never modified, and out
// must be a different file that does not yet exist (nothing is overwritten). The pixel
// data bytes are copied unchanged.
func (d *Deidentifier) DeidentifyFile(in, out string) (*DeidReport, error) {
	ai, err := filepath.Abs(in)
	if err != nil {
		return nil, fmt.Errorf("medimg: de-identify %s: %w", in, err)
	}
	ao, err := filepath.Abs(out)
	if err != nil {
		return nil, fmt.Errorf("medimg: de-identify %s: %w", out, err)
	}
	if ai == ao {
		return nil, fmt.Errorf("medimg: de-identify: the output %s is the input; originals are never overwritten, choose another path", out)
	}
	if si, err := os.Stat(in); err == nil {
		if so, err := os.Stat(out); err == nil && os.SameFile(si, so) {
			return nil, fmt.Errorf("medimg: de-identify: the output %s is the same file as the input %s; originals are never overwritten", out, in)
		}
	}
	ds, err := parseDICOM(in, false)
	if err != nil {
		return nil, err
	}
	rep := &DeidReport{Input: in, Output: out}
	pid := getString(&ds, tag.PatientID)
	rep.DateShiftDays = d.DateShiftDays(pid)
	counts := map[tag.Tag]int{}
	rules := map[tag.Tag]ProfileRule{}
	for _, r := range BasicProfile {
		rules[r.Tag] = r
	}
	ds.Elements, err = d.apply(ds.Elements, pid, rep, rules, counts)
	if err != nil {
		return nil, fmt.Errorf("medimg: de-identify %s: %v", in, err)
	}
	// Record that the file was de-identified and how (PS3.15 E.1.1 and PS3.3 C.7.1.1).
	for _, e := range []struct {
		t tag.Tag
		v string
	}{
		{tag.PatientIdentityRemoved, "YES"},
		{tag.DeidentificationMethod, "PS3.15 Basic Profile excerpt; Retain Longitudinal Temporal Information with Modified Dates; MedGo medimg"},
	} {
		el, err := dicom.NewElement(e.t, []string{e.v})
		if err != nil {
			return nil, fmt.Errorf("medimg: de-identify %s: %v", in, err)
		}
		ds.Elements = replaceOrInsert(ds.Elements, el)
	}
	var keys []tag.Tag
	for t := range counts {
		keys = append(keys, t)
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i].Compare(keys[j]) < 0 })
	for _, t := range keys {
		rep.Changes = append(rep.Changes, Change{Tag: t, Keyword: rules[t].Keyword, Action: rules[t].Action, Count: counts[t]})
	}
	var buf bytes.Buffer
	if err := dicom.Write(&buf, ds, dicom.SkipVRVerification(), dicom.SkipValueTypeVerification()); err != nil {
		return nil, fmt.Errorf("medimg: de-identify %s: writing: %v", in, err)
	}
	// O_EXCL: never replace an existing file (it could be another original).
	f, err := os.OpenFile(out, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return nil, fmt.Errorf("medimg: de-identify: creating %s: %w (the output must not exist yet)", out, err)
	}
	if _, err := f.Write(buf.Bytes()); err != nil {
		f.Close()
		os.Remove(out)
		return nil, fmt.Errorf("medimg: de-identify: writing %s: %w", out, err)
	}
	if err := f.Close(); err != nil {
		return nil, fmt.Errorf("medimg: de-identify: writing %s: %w", out, err)
	}
	return rep, nil
}

func replaceOrInsert(elems []*dicom.Element, el *dicom.Element) []*dicom.Element {
	for i, e := range elems {
		if e.Tag == el.Tag {
			elems[i] = el
			return elems
		}
		if e.Tag.Compare(el.Tag) > 0 {
			return append(elems[:i], append([]*dicom.Element{el}, elems[i:]...)...)
		}
	}
	return append(elems, el)
}

// apply walks elements, sequences included, since UIDs and names also sit in items.
func (d *Deidentifier) apply(elems []*dicom.Element, pid string, rep *DeidReport, rules map[tag.Tag]ProfileRule, counts map[tag.Tag]int) ([]*dicom.Element, error) {
	out := elems[:0:0]
	for _, e := range elems {
		if tag.IsPrivate(e.Tag.Group) && !d.keepPrivate {
			rep.PrivateRemoved++
			continue
		}
		r, listed := rules[e.Tag]
		if !listed {
			if e.Value != nil && e.Value.ValueType() == dicom.Sequences {
				var items [][]*dicom.Element
				for _, it := range e.Value.GetValue().([]*dicom.SequenceItemValue) {
					sub, err := d.apply(it.GetValue().([]*dicom.Element), pid, rep, rules, counts)
					if err != nil {
						return nil, err
					}
					items = append(items, sub)
				}
				v, err := dicom.NewValue(items)
				if err != nil {
					return nil, err
				}
				e.Value = v
			}
			out = append(out, e)
			continue
		}
		counts[e.Tag]++
		var s []string
		switch r.Action {
		case ActionRemove:
			continue
		case ActionKeep:
			out = append(out, e)
			continue
		case ActionZero:
			s = []string{}
		case ActionDummy:
			s = []string{d.Pseudonym(pid)}
		case ActionUID:
			for _, u := range stringsOf(e) {
				s = append(s, d.MapUID(strings.TrimRight(strings.TrimSpace(u), "\x00")))
			}
		case ActionShift:
			for _, v := range stringsOf(e) {
				v = strings.TrimSpace(v)
				t, err := time.Parse("20060102", v)
				if err != nil {
					// An unparseable date cannot be shifted; it is emptied rather than kept.
					s = append(s, "")
					continue
				}
				s = append(s, t.AddDate(0, 0, rep.DateShiftDays).Format("20060102"))
			}
		}
		v, err := dicom.NewValue(s)
		if err != nil {
			return nil, err
		}
		ne := *e
		ne.Value = v
		out = append(out, &ne)
	}
	return out, nil
}

func stringsOf(e *dicom.Element) []string {
	if e.Value == nil {
		return nil
	}
	s, _ := e.Value.GetValue().([]string)
	return s
}
