// SPDX-License-Identifier: Apache-2.0

package mlkit_test

import (
	"fmt"
	"os"

	"github.com/medgo-lab/medgo/mlkit"
)

// Notebooks pick small settings when run by "medgo run --quick".
func ExampleIfQuick() {
	os.Setenv(mlkit.QuickEnv, "1")
	fmt.Println("epochs:", mlkit.IfQuick(3, 40))
	os.Unsetenv(mlkit.QuickEnv)
	fmt.Println("epochs:", mlkit.IfQuick(3, 40))
	// Output:
	// epochs: 3
	// epochs: 40
}
