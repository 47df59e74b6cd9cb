#!/usr/bin/env python3
"""Cross-checks shipped vectors against PyTorch (float64, autograd), written from SPEC alone.

Run by hand (CI never needs Python):
    apt-get install -y python3-torch python3-numpy
    /usr/bin/python3 packages/conformance/scripts/check-vectors-with-pytorch.py [vector-folder]

Covers vectors without a curriculum (hard mining and self-paced are recomputed here from the raw losses)
and whose class weights are listed in `expected` (classWeights / positiveWeights / negativeWeights), so the
class strategies themselves are not re-derived here. Prints one line per vector and a summary; exits 1
on any mismatch of loss, weights or gradient beyond 1e-9 relative + 1e-12 absolute.
"""
import json
import math
import pathlib
import sys

import torch

torch.set_default_dtype(torch.float64)
EPSILON = 1e-7


def load(folder):
    for path in sorted(pathlib.Path(folder).rglob("*.json")):
        yield json.loads(path.read_text())


# Cases whose point is a float edge that naive autograd gets wrong (NaN): focal gamma < 1 where
# 1 - p_t rounds to 0 (pinned rule 10) and weights whose sum overflows float64 (pinned rule 11).
NAIVE_NAN = ("pinned/rule-10-", "pinned/rule-11-class-weights-near-float64-max", "pinned/rule-11-sigmoid-label-weights-near")


def supported(vector):
    spec = vector["spec"]
    expected = vector["expected"]
    if "error" in expected or not isinstance(spec, dict) or spec.get("specVersion") != 1:
        return False
    if spec.get("curriculum"):
        return False
    if spec.get("class") and not any(k in expected for k in ("classWeights", "positiveWeights")):
        return False
    if spec.get("sample", {}).get("normalize") == "mean_one":
        return False
    return len(vector["inputs"]["predictions"]) > 0 and "loss" in expected and expected["loss"] != "NaN"


def compute(vector):
    spec, inputs, expected = vector["spec"], vector["inputs"], vector["expected"]
    loss_spec = spec["loss"]
    kind = loss_spec["kind"]
    z = torch.tensor(inputs["predictions"], dtype=torch.float64, requires_grad=True)
    y = torch.tensor(inputs["targets"], dtype=torch.float64)
    n = z.shape[0]
    smoothing = loss_spec.get("labelSmoothing", 0.0)
    from_probabilities = loss_spec.get("from") == "probabilities"
    mask_value = spec.get("elements", {}).get("maskValue")
    focal = next((rule for rule in spec.get("adaptive", []) if rule["kind"] == "focal"), None)
    if kind == "softmax_cross_entropy":
        classes = z.shape[-1]
        scores = z.reshape(-1, classes)
        targets = y.reshape(-1)
        keep = torch.ones_like(targets) if mask_value is None else (targets != mask_value).double()
        labels = torch.where(keep > 0, targets, torch.zeros_like(targets)).long()
        if from_probabilities:
            log_p = torch.log(torch.clamp(scores, min=EPSILON))
            p = scores
        else:
            log_p = torch.log_softmax(scores, dim=-1)
            p = torch.exp(log_p)
        q = torch.nn.functional.one_hot(labels, classes).double() * (1 - smoothing) + smoothing / classes
        raw = -(q * log_p).sum(-1)
        class_weights = torch.tensor(expected.get("classWeights", [1.0] * classes))
        c = class_weights[labels]
        numerator_loss = c * raw
        modulator = torch.ones_like(raw)
        if focal:
            alpha = focal.get("alpha")
            a = 1.0 if alpha is None else (alpha if isinstance(alpha, (int, float)) else torch.tensor(alpha)[labels])
            p_y = p.gather(1, labels[:, None])[:, 0]
            modulator = a * (1 - p_y) ** focal.get("gamma", 2)
    else:
        flat = z.reshape(-1)
        targets = y.reshape(-1)
        keep = torch.ones_like(targets) if mask_value is None else (targets != mask_value).double()
        t = torch.where(keep > 0, targets, torch.zeros_like(targets))
        modulator = torch.ones_like(flat)
        if kind == "sigmoid_cross_entropy":
            labels_k = z.shape[-1] if z.dim() >= 2 else 1
            index = torch.arange(flat.numel()) % labels_k
            a_plus = torch.tensor(expected.get("positiveWeights", [1.0] * labels_k))[index]
            a_minus = torch.tensor(expected.get("negativeWeights", [1.0] * labels_k))[index]
            smoothed = t * (1 - smoothing) + smoothing / 2
            if from_probabilities:
                p = flat
                positive = -torch.log(torch.clamp(flat, min=EPSILON))
                negative = -torch.log(torch.clamp(1 - flat, min=EPSILON))
            else:
                p = torch.sigmoid(flat)
                positive = torch.nn.functional.softplus(-flat)
                negative = torch.nn.functional.softplus(flat)
            raw = smoothed * positive + (1 - smoothed) * negative
            numerator_loss = a_plus * smoothed * positive + a_minus * (1 - smoothed) * negative
            c = smoothed * a_plus + (1 - smoothed) * a_minus
            if focal:
                alpha = focal.get("alpha")
                p_t = t * p + (1 - t) * (1 - p)
                alpha_t = 1.0 if alpha is None else alpha * t + (1 - alpha) * (1 - t)
                modulator = alpha_t * (1 - p_t) ** focal.get("gamma", 2)
        else:
            d = flat - t
            delta = loss_spec.get("delta", 1.0)
            if kind == "mse":
                raw = d * d
            elif kind == "mae":
                raw = torch.abs(d)
            else:
                raw = torch.where(torch.abs(d) <= delta, 0.5 * d * d, delta * (torch.abs(d) - 0.5 * delta))
            numerator_loss = raw
            c = torch.ones_like(raw)
    count = raw.numel()
    per_sample = count // n
    rest = keep.clone()
    if "sampleWeights" in inputs:
        rest = rest * torch.tensor(inputs["sampleWeights"]).repeat_interleave(per_sample)
    if "elementWeights" in inputs:
        rest = rest * torch.tensor(inputs["elementWeights"]).reshape(-1)
    if spec.get("elements", {}).get("weights"):
        rest = rest * torch.tensor(spec["elements"]["weights"], dtype=torch.float64).reshape(-1).repeat(n)
    clock = inputs.get("clock", {})
    for rule in spec.get("adaptive", []):
        raw_values = raw.detach()
        if rule["kind"] == "hard_mining":
            # k = max(minKeep, ceil(keepFraction * unmasked)), largest raw losses, ties to the lower index.
            candidates = [i for i in range(count) if keep[i] > 0]
            candidates.sort(key=lambda i: (-raw_values[i].item(), i))
            k = min(len(candidates), max(rule.get("minKeep", 1), math.ceil(round(rule["keepFraction"] * len(candidates), 9))))
            chosen = torch.zeros(count)
            chosen[candidates[:k]] = 1.0
            rest = rest * chosen
        elif rule["kind"] == "self_paced":
            t = clock.get("step" if rule.get("unit") == "step" else "epoch", 0)
            threshold = rule["threshold"] * rule.get("growth", 1) ** math.floor(t / rule.get("every", 1))
            if rule.get("mode", "hard") == "hard":
                rest = rest * (raw_values < threshold).double()
            else:
                rest = rest * torch.clamp(1 - raw_values / threshold, min=0)
    weights = (c * keep * rest).detach()
    numerator = (rest * modulator * numerator_loss * keep).sum()
    reduction = spec.get("reduction", {}).get("kind", "weighted_mean")
    denominator = {
        "sum": torch.tensor(1.0),
        "mean": torch.tensor(float(count)),
        "weighted_mean": weights.sum(),
        "nonzero_mean": (weights != 0).double().sum(),
    }[reduction]
    if denominator.item() == 0:
        return None
    loss = numerator / denominator
    loss.backward()
    return loss.item(), weights.tolist(), z.grad.reshape(-1).tolist()


def flatten(value):
    return [x for item in value for x in flatten(item)] if isinstance(value, list) else [value]


def close(actual, expected):
    return all(abs(a - e) <= 1e-12 + 1e-9 * abs(e) for a, e in zip(actual, expected)) and len(actual) == len(expected)


def main():
    folder = sys.argv[1] if len(sys.argv) > 1 else pathlib.Path(__file__).parent.parent / "vectors"
    checked, failures = 0, 0
    for vector in load(folder):
        if not supported(vector):
            continue
        result = compute(vector)
        if result is None:
            continue
        loss, weights, gradient = result
        expected = vector["expected"]
        problems = []
        if not close([loss], [expected["loss"]]):
            problems.append(f"loss {loss} vs {expected['loss']}")
        if "weights" in expected and not close(weights, flatten(expected["weights"])):
            problems.append("weights")
        if "gradient" in expected and not close(gradient, flatten(expected["gradient"])):
            worst = max(abs(a - e) for a, e in zip(gradient, flatten(expected["gradient"])))
            problems.append(f"gradient (max |diff| {worst:.2e})")
        if problems and vector["id"].startswith(NAIVE_NAN):
            print(f"note {vector['id']}: naive PyTorch gives {'; '.join(problems)} (the pinned rule's point)")
            continue
        checked += 1
        failures += bool(problems)
        print(f"{'FAIL' if problems else 'ok  '} {vector['id']} {'; '.join(problems)}")
    print(f"{checked} vectors checked against PyTorch {torch.__version__}, {failures} mismatches")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
