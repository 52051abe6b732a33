// SPDX-License-Identifier: Apache-2.0

package train

import (
	"strings"

	"github.com/gomlx/compute/dtypes"
	. "github.com/gomlx/gomlx/core/graph" //nolint:revive // graph-building code reads best with the ops unqualified.
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/ml/train/optimizer"
)

// momentumSGD is SGD with classical momentum: v ← μv + g; w ← w − lr·v.
// GoMLX's own SGD has no momentum.
type momentumSGD struct {
	learningRate, momentum float64
}

// UpdateGraph implements optimizer.Interface.
func (o *momentumSGD) UpdateGraph(scope *model.Scope, g *Graph, loss *Node) {
	grads := scope.BuildTrainableVariablesGradientsGraph(loss)
	o.UpdateGraphWithGradients(scope, grads, loss.DType())
}

// UpdateGraphWithGradients implements optimizer.Interface.
func (o *momentumSGD) UpdateGraphWithGradients(scope *model.Scope, grads []*Node, lossDType dtypes.DType) {
	if len(grads) == 0 {
		return
	}
	g := grads[0].Graph()
	lr := optimizer.LearningRateVar(scope, lossDType, o.learningRate).NodeValue(g)
	optimizer.IncrementGlobalStep(g, lossDType)
	state := scope.At("sgd_momentum")
	var trainable []*model.Variable
	for v := range scope.IterVariables() {
		if v.Trainable && v.InUseByGraph(g) {
			trainable = append(trainable, v)
		}
	}
	for i, v := range trainable {
		grad := grads[i]
		w := v.NodeValue(g)
		step := grad
		if o.momentum > 0 {
			name := strings.ReplaceAll(strings.Trim(v.Path(), "/"), "/", ".") + ".velocity"
			velVar := state.VariableWithValue(name, tensors.FromShape(w.Shape())).SetTrainable(false)
			vel := Add(MulScalar(velVar.NodeValue(g), o.momentum), grad)
			velVar.SetNodeValue(vel)
			step = vel
		}
		v.SetNodeValue(Sub(w, Mul(step, ConvertDType(lr, w.DType()))))
	}
}

// Clear implements optimizer.Interface.
func (o *momentumSGD) Clear(scope *model.Scope) error {
	return scope.At("sgd_momentum").DeleteVariablesInScope()
}
