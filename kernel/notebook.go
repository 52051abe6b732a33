// SPDX-License-Identifier: Apache-2.0

package main

import (
	"encoding/json"
	"fmt"
	"os"
)

// ipynb is the part of an executed notebook that medgo reads: run takes the failing cell's
// error and the recorded metrics from it, book renders it.
type ipynb struct {
	Cells []ipynbCell `json:"cells"`
}

type ipynbCell struct {
	CellType       string `json:"cell_type"`
	ExecutionCount *int   `json:"execution_count"`
	Source         any    `json:"source"`
	Metadata       struct {
		Execution map[string]any `json:"execution"`
	} `json:"metadata"`
	Attachments map[string]map[string]any `json:"attachments"`
	Outputs     []ipynbOutput             `json:"outputs"`
}

type ipynbOutput struct {
	OutputType string         `json:"output_type"`
	Name       string         `json:"name"`
	Text       any            `json:"text"`
	Data       map[string]any `json:"data"`
	EName      string         `json:"ename"`
	EValue     string         `json:"evalue"`
	Traceback  []string       `json:"traceback"`
}

func loadIpynb(path string) (*ipynb, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var nb ipynb
	if err := json.Unmarshal(raw, &nb); err != nil {
		return nil, fmt.Errorf("%s is not a Jupyter notebook (%v); remove it from the directory or run medgo run again to rewrite it", path, err)
	}
	return &nb, nil
}
