"""PLACEHOLDER: prelu is being written; see issue 2."""

import math

from ._spec import Activation, Properties

__all__ = ['prelu', 'prelu_grad', 'prelu_grad_a', 'prelu_expr', 'PRELU']

def prelu(*args, **kwargs):
    raise NotImplementedError('prelu')

def prelu_grad(*args, **kwargs):
    raise NotImplementedError('prelu_grad')

def prelu_grad_a(*args, **kwargs):
    raise NotImplementedError('prelu_grad_a')

def prelu_expr(*args, **kwargs):
    raise NotImplementedError('prelu_expr')

PRELU = Activation(name='prelu', zh_name='prelu', fn=prelu, grad=prelu_grad, expr=prelu_expr,
    latex='', properties=Properties((-math.inf, math.inf), False, False, 0, 'none'))
