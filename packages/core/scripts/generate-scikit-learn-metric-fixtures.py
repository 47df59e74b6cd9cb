"""Writes fixtures/scikit-learn-metric-fixtures.json (not published): weighted metrics and class/sample weights
computed by scikit-learn on random string-labelled cases, for src/metrics/scikit-learn-fixtures.test.ts.

Run with a Python that has scikit-learn (Debian: apt-get install python3-sklearn):
    /usr/bin/python3 packages/core/scripts/generate-scikit-learn-metric-fixtures.py
"""
import json
import pathlib
import warnings

import numpy as np
import sklearn
from sklearn.metrics import (accuracy_score, balanced_accuracy_score, classification_report,
                             confusion_matrix, log_loss, precision_recall_fscore_support)
from sklearn.utils.class_weight import compute_class_weight, compute_sample_weight

warnings.filterwarnings("ignore")  # zero_division warnings: the value is pinned with zero_division=0
rng = np.random.default_rng(0)
names = np.array(["ant", "bee", "cat", "dog"])
cases = []
while len(cases) < 8:
    n = int(rng.integers(6, 20))
    classes = names[: int(rng.integers(2, 5))]
    y_true = classes[rng.integers(0, len(classes), n)]
    y_pred = classes[rng.integers(0, len(classes), n)]
    if len(set(y_true)) < len(classes):
        continue  # log_loss and compute_class_weight need every class in y_true
    weight = np.round(rng.random(n) * 3, 3)
    proba = rng.random((n, len(classes)))
    proba /= proba.sum(axis=1, keepdims=True)
    scores = precision_recall_fscore_support(y_true, y_pred, sample_weight=weight, zero_division=0)
    average = {
        kind: list(precision_recall_fscore_support(y_true, y_pred, sample_weight=weight, average=kind,
                                                   zero_division=0)[:3])
        for kind in ("macro", "weighted")
    }
    cases.append({
        "yTrue": y_true.tolist(), "yPred": y_pred.tolist(), "sampleWeight": weight.tolist(),
        "probabilities": proba.tolist(),
        "confusionMatrix": confusion_matrix(y_true, y_pred, sample_weight=weight).tolist(),
        "precision": scores[0].tolist(), "recall": scores[1].tolist(), "f1": scores[2].tolist(),
        "support": scores[3].tolist(), "macro": average["macro"], "weighted": average["weighted"],
        "accuracy": accuracy_score(y_true, y_pred, sample_weight=weight),
        "balancedAccuracy": balanced_accuracy_score(y_true, y_pred, sample_weight=weight),
        "logLoss": log_loss(y_true, proba, sample_weight=weight, labels=classes.tolist()),
        "report": classification_report(y_true, y_pred, sample_weight=weight, digits=3, zero_division=0),
        "balancedClassWeights": compute_class_weight("balanced", classes=classes, y=y_true).tolist(),
        "multiOutputSampleWeights": compute_sample_weight("balanced", np.stack([y_true, y_pred], 1)).tolist(),
    })
out = pathlib.Path(__file__).resolve().parent.parent / "fixtures" / "scikit-learn-metric-fixtures.json"
out.write_text(json.dumps({"scikitLearn": sklearn.__version__, "cases": cases}, indent=1) + "\n")
print(f"wrote {len(cases)} cases to {out}")
