"""Plausible wrong answers for the exercises of book/functions/selu.ipynb."""

WRONG = {
    "selu-ex-alpha": [
        # P(z <= 0) taken as 1 instead of 1/2
        "alpha_expr = (1 / sp.sqrt(2 * sp.pi)) / (1 - sp.sqrt(sp.E) * sp.erfc(1 / sp.sqrt(2)) / 2)",
        # Phi(1) where Phi(-1) belongs: erfc(-1/sqrt 2)
        "alpha_expr = (1 / sp.sqrt(2 * sp.pi)) / (sp.Rational(1, 2) - sp.sqrt(sp.E) * sp.erfc(-1 / sp.sqrt(2)) / 2)",
        # the float64 constant typed in by hand: right to 16 digits only
        "alpha_expr = sp.Float(1.6732632423543772)",
    ],
    "selu-ex-elu": [
        # exp(x) - 1: cancellation just left of 0
        "def elu(x, alpha=1.0):\n    x = np.asarray(x)\n    alpha = np.asarray(alpha, dtype=x.dtype)\n"
        "    return np.maximum(x, 0) + alpha * (np.exp(np.minimum(x, 0)) - 1)",
        # np.where evaluates exp on the discarded branch: overflow warning
        "def elu(x, alpha=1.0):\n    x = np.asarray(x)\n    return np.where(x > 0, x, alpha * np.expm1(x))",
        # alpha left as a Python float: float32 input comes back as float64
        "def elu(x, alpha=1.0):\n    x = np.asarray(x)\n"
        "    return np.maximum(x, 0) + np.float64(alpha) * np.expm1(np.minimum(x, 0))",
    ],
    "selu-ex-omega": [
        # assuming the fixed point does not move when omega and tau change
        "fixed_point = np.array([0.0, 1.0])\n"
        "jac_near = g_map.jacobian([mu, nu]).subs(near).subs({mu: 0, nu: 1})\n"
        "eig_near = np.linalg.eigvals(np.array(jac_near.evalf(), dtype=float))",
        # too few iterations: not yet at the fixed point
        "g_near = sp.lambdify((mu, nu), g_map.subs(near), ['scipy', 'numpy'])\n"
        "point = np.array([0.5, 1.8])\n"
        "for _ in range(5):\n    point = np.ravel(g_near(*point)).astype(float)\n"
        "fixed_point = point\n"
        "jac_near = g_map.jacobian([mu, nu]).subs(near).subs({mu: fixed_point[0], nu: fixed_point[1]})\n"
        "eig_near = np.linalg.eigvals(np.array(jac_near.evalf(), dtype=float))",
        # right fixed point, but the eigenvalues reused from the text's omega = 0 Jacobian
        "g_near = sp.lambdify((mu, nu), g_map.subs(near), ['scipy', 'numpy'])\n"
        "point = np.array([0.5, 1.8])\n"
        "for _ in range(150):\n    point = np.ravel(g_near(*point)).astype(float)\n"
        "fixed_point = point\n"
        "eig_near = np.array(eigenvalues)",
    ],
}
