"""PLACEHOLDER: tanh is being written; see issue 2."""

import math

from ._spec import Activation, Properties

__all__ = ['tanh', 'tanh_grad', 'tanh_expr', 'TANH']

def tanh(*args, **kwargs):
    raise NotImplementedError('tanh')

def tanh_grad(*args, **kwargs):
    raise NotImplementedError('tanh_grad')

def tanh_expr(*args, **kwargs):
    raise NotImplementedError('tanh_expr')

TANH = Activation(name='tanh', zh_name='tanh', fn=tanh, grad=tanh_grad, expr=tanh_expr,
    latex='', properties=Properties((-math.inf, math.inf), False, False, 0, 'none'))
