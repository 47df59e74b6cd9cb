"""scikit-learn side of the mljs time-to-quality benchmark: LogisticRegression(class_weight='balanced')
on seattle-weather, 5-fold cross-validation (fold of row i = i % 5), features standardized with each
training fold's mean and population standard deviation, balanced accuracy of the pooled out-of-fold
predictions. A repetition is the 5 fits and predictions (standardization is done once, before timing).
Usage: sklearn-seattle-cv.py <seattle-weather.csv> [repetitions=5] [warmup=1] [ovr|multinomial]
Prints one JSON line {"timesMs": [...], "details": {...}} (the harness's SideOutput)."""
import csv
import json
import sys
import time

import numpy as np
import sklearn
from sklearn.linear_model import LogisticRegression

path = sys.argv[1]
repetitions = int(sys.argv[2]) if len(sys.argv) > 2 else 5
warmup = int(sys.argv[3]) if len(sys.argv) > 3 else 1
multi_class = sys.argv[4] if len(sys.argv) > 4 else "ovr"
classes = ["drizzle", "rain", "sun", "snow", "fog"]
with open(path, newline="") as handle:
    rows = list(csv.DictReader(handle))
X = np.array([[float(row[name]) for name in ("precipitation", "temp_max", "temp_min", "wind")] for row in rows])
y = np.array([classes.index(row["weather"]) for row in rows])
folds = np.arange(len(y)) % 5
splits = []
for fold in range(5):
    train, test = folds != fold, folds == fold
    mean, std = X[train].mean(axis=0), X[train].std(axis=0)
    splits.append(((X[train] - mean) / std, y[train], (X[test] - mean) / std, test))


def cross_validate():
    predictions = np.empty_like(y)
    iterations = []
    for train_x, train_y, test_x, test in splits:
        model = LogisticRegression(class_weight="balanced", multi_class=multi_class)
        model.fit(train_x, train_y)
        predictions[test] = model.predict(test_x)
        iterations.append(int(np.max(model.n_iter_)))
    return predictions, iterations


for _ in range(warmup):
    cross_validate()
times = []
for _ in range(repetitions):
    start = time.perf_counter()
    predictions, iterations = cross_validate()
    times.append((time.perf_counter() - start) * 1000)
recalls = [float(np.mean(predictions[y == label] == label)) for label in range(len(classes)) if np.any(y == label)]
details = {
    "balancedAccuracy": float(np.mean(recalls)),
    "sklearn": sklearn.__version__,
    "multiClass": multi_class,
    "maxIterationsPerFold": iterations,
}
print(json.dumps({"timesMs": times, "details": details}))
