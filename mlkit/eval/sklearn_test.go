// SPDX-License-Identifier: Apache-2.0

package eval

import (
	"testing"

	"github.com/medgo-lab/medgo/internal/reference"
)

// sklearnRun runs a scikit-learn 1.2 script on in and decodes what it emits into out (see
// reference.RunJSON); scikit-learn is installed from the OS packages when missing.
func sklearnRun(t testing.TB, script string, in, out any) {
	t.Helper()
	reference.Need(t, reference.Sklearn)
	reference.RunJSON(t, "import sklearn\n"+script, in, out)
}

func TestSklearnReference(t *testing.T) {
	var v string
	sklearnRun(t, `emit(sklearn.__version__)`, nil, &v)
	t.Logf("scikit-learn %s", v)
}
