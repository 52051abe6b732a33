// SPDX-License-Identifier: Apache-2.0

package main

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestParseConfig(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		wantErr string // empty: valid
		want    config
	}{
		{name: "default cpu", args: nil, want: config{Plugin: "cpu", Path: "/usr/local/lib/go-xla"}},
		{name: "cpu pinned version", args: []string{"-version=v0.114.0", "-path=/opt/x"}, want: config{Plugin: "cpu", Version: "v0.114.0", Path: "/opt/x"}},
		{name: "cuda with version", args: []string{"-plugin=cuda13", "-version=0.7.2"}, want: config{Plugin: "cuda13", Version: "0.7.2", Path: "/usr/local/lib/go-xla"}},
		{name: "unknown plugin", args: []string{"-plugin=rocm"}, wantErr: "is not one of"},
		{name: "moving version", args: []string{"-version=latest"}, wantErr: "moving target"},
		{name: "moving version upper case", args: []string{"-plugin=cuda12", "-version=LATEST"}, wantErr: "moving target"},
		{name: "cuda without version", args: []string{"-plugin=cuda12"}, wantErr: "needs -version"},
		{name: "relative path", args: []string{"-path=lib/go-xla"}, wantErr: "absolute directory"},
		{name: "stray argument", args: []string{"cpu"}, wantErr: "unexpected arguments"},
		{name: "unknown flag", args: []string{"-gpu"}, wantErr: "not defined"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseConfig(tt.args, io.Discard)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("parseConfig(%q) error = %v, want one containing %q", tt.args, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("parseConfig(%q): %v", tt.args, err)
			}
			if got.Plugin != tt.want.Plugin || got.Version != tt.want.Version || got.Path != tt.want.Path {
				t.Errorf("parseConfig(%q) = %+v, want %+v", tt.args, got, tt.want)
			}
		})
	}
}

func TestInstalledPlugin(t *testing.T) {
	dir := t.TempDir()
	cpu := config{Plugin: "cpu", Path: dir}
	cuda := config{Plugin: "cuda13", Path: dir}
	if _, err := installedPlugin(cpu); err == nil {
		t.Fatal("installedPlugin found a CPU plugin in an empty directory")
	}
	want := filepath.Join(dir, "pjrt_c_api_cpu_v0.114.0_plugin.so")
	if err := os.WriteFile(want, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if got, err := installedPlugin(cpu); err != nil || got != want {
		t.Errorf("installedPlugin(cpu) = %q, %v; want %q", got, err, want)
	}
	if _, err := installedPlugin(cuda); err == nil {
		t.Fatal("installedPlugin accepted a CPU plugin for cuda13")
	}
	if err := os.MkdirAll(filepath.Join(dir, "nvidia"), 0o755); err != nil {
		t.Fatal(err)
	}
	wantCUDA := filepath.Join(dir, "nvidia", "pjrt_c_api_cuda_plugin.so")
	if err := os.WriteFile(wantCUDA, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if got, err := installedPlugin(cuda); err != nil || got != wantCUDA {
		t.Errorf("installedPlugin(cuda13) = %q, %v; want %q", got, err, wantCUDA)
	}
}
