"""PLACEHOLDER: leaky_relu is being written; see issue 2."""

import math

from ._spec import Activation, Properties

__all__ = ['leaky_relu', 'leaky_relu_grad', 'leaky_relu_expr', 'LEAKY_RELU']

def leaky_relu(*args, **kwargs):
    raise NotImplementedError('leaky_relu')

def leaky_relu_grad(*args, **kwargs):
    raise NotImplementedError('leaky_relu_grad')

def leaky_relu_expr(*args, **kwargs):
    raise NotImplementedError('leaky_relu_expr')

LEAKY_RELU = Activation(name='leaky_relu', zh_name='leaky_relu', fn=leaky_relu, grad=leaky_relu_grad, expr=leaky_relu_expr,
    latex='', properties=Properties((-math.inf, math.inf), False, False, 0, 'none'))
