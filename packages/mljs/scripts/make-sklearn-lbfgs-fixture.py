"""Writes src/fixtures/sklearn-ovr-balanced-lbfgs.json: scikit-learn's converged coefficients for a small
weighted one-vs-rest logistic regression, the expected values of mljs-lbfgs-solver.test.ts.

Run with Debian's python3-sklearn:  /usr/bin/python3 scripts/make-sklearn-lbfgs-fixture.py

The problem: 40 rows, 3 features, 3 classes (seeded), per-sample weights, class_weight='balanced' with
multi_class='ovr' (each binary problem "class k vs rest" balanced on its own: n / (2 n_pos), n / (2 n_neg),
which is weightspec's sigmoid_cross_entropy `class: balanced`), C = 2 (L2 penalty 1 / (2C) ||w||^2 on the
coefficients, the intercept unpenalized). scipy's L-BFGS-B also stops on a relative decrease of the
objective (ftol), so lbfgs alone stops short of gtol; newton-cg at tol 1e-12 is also fit, the script checks
both agree and records the gradient of the objective at each (numpy, float64) next to the coefficients.
"""
import json
import pathlib

import numpy as np
import sklearn
from sklearn.linear_model import LogisticRegression

rng = np.random.default_rng(17)
rows, features, classes = 40, 3, 3
labels = np.array([0] * 20 + [1] * 13 + [2] * 7)
centers = rng.normal(0, 1.5, size=(classes, features))
X = np.round(centers[labels] + rng.normal(0, 1.0, size=(rows, features)), 3)
sample_weight = np.round(rng.uniform(0.25, 2.0, size=rows), 3)
C = 2.0


def fit(solver):
    model = LogisticRegression(
        C=C, class_weight="balanced", multi_class="ovr", solver=solver, tol=1e-12, max_iter=100000
    )
    return model.fit(X, labels, sample_weight=sample_weight)


def gradient_norm(model):
    """Max |gradient| of sum_i s_i c_i logloss_i + ||w||^2 / (2C) per class, c_i the balanced OvR weight."""
    norms = []
    for k in range(classes):
        y = (labels == k).astype(float)
        n_pos = y.sum()
        c = np.where(y == 1, rows / (2 * n_pos), rows / (2 * (rows - n_pos)))
        z = X @ model.coef_[k] + model.intercept_[k]
        p = 1 / (1 + np.exp(-z))
        r = sample_weight * c * (p - y)
        g = np.concatenate([X.T @ r + model.coef_[k] / C, [r.sum()]])
        norms.append(float(np.abs(g).max()))
    return norms


lbfgs = fit("lbfgs")
model = fit("newton-cg")
difference = float(np.abs(np.hstack([lbfgs.coef_ - model.coef_, (lbfgs.intercept_ - model.intercept_)[:, None]])).max())
assert difference < 1e-3, difference
print("lbfgs gradient", gradient_norm(lbfgs), "newton-cg gradient", gradient_norm(model), "difference", difference)
fixture = {
    "source": "scikit-learn %s LogisticRegression(C=2, class_weight='balanced', multi_class='ovr', solver='newton-cg', tol=1e-12), agreeing with solver='lbfgs' to %.1e; scripts/make-sklearn-lbfgs-fixture.py" % (sklearn.__version__, difference),
    "features": X.tolist(),
    "labels": labels.tolist(),
    "sampleWeights": sample_weight.tolist(),
    "C": C,
    # Per class k: the logit of P(class k) = coef[k] . x + intercept[k].
    "coef": model.coef_.tolist(),
    "intercept": model.intercept_.tolist(),
    "iterations": model.n_iter_.tolist(),
    "gradientMaxAbs": gradient_norm(model),
}
out = pathlib.Path(__file__).resolve().parent.parent / "src" / "fixtures" / "sklearn-ovr-balanced-lbfgs.json"
out.write_text(json.dumps(fixture, indent=2) + "\n")
print("wrote", out, "iterations", model.n_iter_.tolist())
