"""PLACEHOLDER: gelu is being written; see issue 2."""

import math

from ._spec import Activation, Properties

__all__ = ['gelu', 'gelu_grad', 'gelu_expr', 'GELU']

def gelu(*args, **kwargs):
    raise NotImplementedError('gelu')

def gelu_grad(*args, **kwargs):
    raise NotImplementedError('gelu_grad')

def gelu_expr(*args, **kwargs):
    raise NotImplementedError('gelu_expr')

GELU = Activation(name='gelu', zh_name='gelu', fn=gelu, grad=gelu_grad, expr=gelu_expr,
    latex='', properties=Properties((-math.inf, math.inf), False, False, 0, 'none'))
