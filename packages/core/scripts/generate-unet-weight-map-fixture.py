"""Writes fixtures/unet-weight-map-fixture.json: a U-Net weight map (Ronneberger et al. 2015, eq. 2)
computed with scipy's exact distance transform, for src/weights/unet-weight-map.test.ts.

    /usr/bin/python3 packages/core/scripts/generate-unet-weight-map-fixture.py
"""
import json
import pathlib

import numpy as np
import scipy
from scipy.ndimage import distance_transform_edt

instances = np.zeros((12, 14), dtype=int)
instances[1:5, 1:6] = 1
instances[6:11, 2:5] = 2
instances[3:9, 8:13] = 3
instances[10, 10] = 4
w0, sigma = 10.0, 5.0
ids = [i for i in np.unique(instances) if i > 0]
distances = np.sort(np.stack([distance_transform_edt(instances != i) for i in ids], axis=2), axis=2)
d1, d2 = distances[:, :, 0], distances[:, :, 1]
background = instances == 0
n = instances.size
# Balanced class term n / (C n_c) over background and foreground pixels.
class_term = np.where(background, n / (2 * background.sum()), n / (2 * (~background).sum()))
weights = class_term + w0 * np.exp(-((d1 + d2) ** 2) / (2 * sigma**2)) * background
out = pathlib.Path(__file__).resolve().parent.parent / "fixtures" / "unet-weight-map-fixture.json"
out.write_text(json.dumps({"scipy": scipy.__version__, "instances": instances.tolist(),
                           "weights": weights.tolist()}) + "\n")
print(f"wrote {out}")
