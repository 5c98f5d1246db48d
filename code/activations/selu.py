"""PLACEHOLDER: selu is being written; see issue 2."""

import math

from ._spec import Activation, Properties

__all__ = ['selu', 'selu_grad', 'selu_expr', 'SELU']

def selu(*args, **kwargs):
    raise NotImplementedError('selu')

def selu_grad(*args, **kwargs):
    raise NotImplementedError('selu_grad')

def selu_expr(*args, **kwargs):
    raise NotImplementedError('selu_expr')

SELU = Activation(name='selu', zh_name='selu', fn=selu, grad=selu_grad, expr=selu_expr,
    latex='', properties=Properties((-math.inf, math.inf), False, False, 0, 'none'))
