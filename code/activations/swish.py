"""PLACEHOLDER: swish is being written; see issue 2."""

import math

from ._spec import Activation, Properties

__all__ = ['swish', 'swish_grad', 'swish_grad_beta', 'swish_expr', 'SWISH']

def swish(*args, **kwargs):
    raise NotImplementedError('swish')

def swish_grad(*args, **kwargs):
    raise NotImplementedError('swish_grad')

def swish_grad_beta(*args, **kwargs):
    raise NotImplementedError('swish_grad_beta')

def swish_expr(*args, **kwargs):
    raise NotImplementedError('swish_expr')

SWISH = Activation(name='swish', zh_name='swish', fn=swish, grad=swish_grad, expr=swish_expr,
    latex='', properties=Properties((-math.inf, math.inf), False, False, 0, 'none'))
