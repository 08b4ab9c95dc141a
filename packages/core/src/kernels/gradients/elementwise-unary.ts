/**
 * Gradients of one-input element-wise kernels (input name `x`). Where the derivative is cheaper
 * from the output (exp, sigmoid, tanh, sqrt, rsqrt, reciprocal) the output is saved instead.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { GradientMap } from './helpers';

const f32 = (t: tf.Tensor) => tf.cast(t, 'float32');

/** From the saved input: dx = dy * f'(x). */
function fromInput(kernelName: string, derivative: (dy: tf.Tensor, x: tf.Tensor, attrs: tf.NamedAttrMap) => tf.Tensor): tf.GradConfig {
  return {
    kernelName,
    inputsToSave: ['x'],
    gradFunc: (dy, saved, attrs): GradientMap => ({ x: () => derivative(dy as tf.Tensor, f32(saved[0]), attrs) }),
  };
}

/** From the saved output y: dx = dy * g(y). */
function fromOutput(kernelName: string, derivative: (dy: tf.Tensor, y: tf.Tensor) => tf.Tensor): tf.GradConfig {
  return {
    kernelName,
    outputsToSave: [true],
    gradFunc: (dy, saved): GradientMap => ({ x: () => derivative(dy as tf.Tensor, saved[0]) }),
  };
}

/** Needs nothing saved: dx = h(dy). */
function fromDy(kernelName: string, derivative: (dy: tf.Tensor) => tf.Tensor): tf.GradConfig {
  return { kernelName, gradFunc: (dy): GradientMap => ({ x: () => derivative(dy as tf.Tensor) }) };
}

export const unaryGradients: tf.GradConfig[] = [
  fromDy(tf.Neg, (dy) => tf.neg(dy)),
  fromDy(tf.Identity, (dy) => tf.clone(dy)),
  // A cast passes the gradient through; it is float32 whatever the forward dtypes were.
  fromDy(tf.Cast, (dy) => tf.cast(dy, 'float32')),
  fromInput(tf.Abs, (dy, x) => tf.mul(dy, tf.sign(x))),
  fromInput(tf.Square, (dy, x) => tf.mul(dy, tf.mul(x, 2))),
  fromInput(tf.Log, (dy, x) => tf.div(dy, x)),
  fromInput(tf.Log1p, (dy, x) => tf.div(dy, tf.add(x, 1))),
  fromInput(tf.Relu, (dy, x) => tf.mul(dy, f32(tf.greater(x, 0)))),
  fromInput(tf.Relu6, (dy, x) => tf.mul(dy, f32(tf.logicalAnd(tf.greater(x, 0), tf.lessEqual(x, 6))))),
  fromInput(tf.LeakyRelu, (dy, x, attrs) => tf.where(tf.greater(x, 0), dy, tf.mul(dy, attrs.alpha as number))),
  fromInput(tf.Softplus, (dy, x) => tf.mul(dy, tf.sigmoid(x))),
  fromInput(tf.Sin, (dy, x) => tf.mul(dy, tf.cos(x))),
  fromInput(tf.Cos, (dy, x) => tf.neg(tf.mul(dy, tf.sin(x)))),
  fromInput(tf.ClipByValue, (dy, x, attrs) => {
    const inside = tf.logicalAnd(
      tf.greaterEqual(x, attrs.clipValueMin as number),
      tf.lessEqual(x, attrs.clipValueMax as number),
    );
    return tf.mul(dy, f32(inside));
  }),
  fromOutput(tf.Exp, (dy, y) => tf.mul(dy, y)),
  fromOutput(tf.Sqrt, (dy, y) => tf.div(dy, tf.mul(y, 2))),
  // y = x^(-1/2): dy/dx = -1/2 x^(-3/2) = -1/2 y^3
  fromOutput(tf.Rsqrt, (dy, y) => tf.mul(dy, tf.mul(tf.pow(y, 3), -0.5))),
  // y = 1/x: dy/dx = -y^2
  fromOutput(tf.Reciprocal, (dy, y) => tf.neg(tf.mul(dy, tf.square(y)))),
  fromOutput(tf.Sigmoid, (dy, y) => tf.mul(dy, tf.mul(y, tf.sub(1, y)))),
  fromOutput(tf.Tanh, (dy, y) => tf.mul(dy, tf.sub(1, tf.square(y)))),
  // Elu's derivative needs both branches; both backends ship an EluGrad kernel for it.
  fromOutput(tf.Elu, (dy, y) => tf.engine().runKernel(tf.EluGrad, { dy, y }) as tf.Tensor),
];
