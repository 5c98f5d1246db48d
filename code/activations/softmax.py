"""PLACEHOLDER: softmax is being written; see issue 2."""

import math

from ._spec import Activation, Properties

__all__ = ['softmax', 'softmax_grad', 'log_softmax', 'softmax_jvp', 'softmax_vjp', 'softmax_jacobian', 'softmax_expr', 'SOFTMAX']

def softmax(*args, **kwargs):
    raise NotImplementedError('softmax')

def softmax_grad(*args, **kwargs):
    raise NotImplementedError('softmax_grad')

def log_softmax(*args, **kwargs):
    raise NotImplementedError('log_softmax')

def softmax_jvp(*args, **kwargs):
    raise NotImplementedError('softmax_jvp')

def softmax_vjp(*args, **kwargs):
    raise NotImplementedError('softmax_vjp')

def softmax_jacobian(*args, **kwargs):
    raise NotImplementedError('softmax_jacobian')

def softmax_expr(*args, **kwargs):
    raise NotImplementedError('softmax_expr')

SOFTMAX = Activation(name='softmax', zh_name='softmax', fn=softmax, grad=softmax_grad, expr=softmax_expr,
    latex='', properties=Properties((-math.inf, math.inf), False, False, 0, 'none'))
