"""PLACEHOLDER: relu is being written; see issue 2."""

import math

from ._spec import Activation, Properties

__all__ = ['relu', 'relu_grad', 'relu_expr', 'RELU']

def relu(*args, **kwargs):
    raise NotImplementedError('relu')

def relu_grad(*args, **kwargs):
    raise NotImplementedError('relu_grad')

def relu_expr(*args, **kwargs):
    raise NotImplementedError('relu_expr')

RELU = Activation(name='relu', zh_name='relu', fn=relu, grad=relu_grad, expr=relu_expr,
    latex='', properties=Properties((-math.inf, math.inf), False, False, 0, 'none'))
