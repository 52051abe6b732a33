// SPDX-License-Identifier: Apache-2.0

package mlkit

import (
	"errors"
	"testing"
)

func TestIfQuick(t *testing.T) {
	for _, tc := range []struct {
		env  string
		want int
	}{{"", 40}, {"0", 40}, {"false", 40}, {"1", 3}, {"yes", 3}} {
		t.Setenv(QuickEnv, tc.env)
		if got := IfQuick(3, 40); got != tc.want {
			t.Errorf("%s=%q: IfQuick(3, 40) = %d, want %d", QuickEnv, tc.env, got, tc.want)
		}
	}
}

func TestMust(t *testing.T) {
	if got := Must(7, nil); got != 7 {
		t.Fatalf("Must(7, nil) = %d", got)
	}
	defer func() {
		if r := recover(); r == nil || r.(error).Error() != "boom" {
			t.Fatalf("Must with an error should panic with it, got %v", r)
		}
	}()
	Must(0, errors.New("boom"))
}
