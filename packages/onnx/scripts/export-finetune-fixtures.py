#!/usr/bin/env python3
"""Exports the fine-tuning fixtures: four small PyTorch models as .onnx files (training mode, no
constant folding) and, computed by PyTorch in float32, the weighted loss, its gradients and the
parameters after 3 SGD and 3 Adam steps. Run by hand with Debian's PyTorch:

    apt-get install -y python3-torch python3-numpy
    /usr/bin/python3 packages/onnx/scripts/export-finetune-fixtures.py

CI has no Python: the tests read only the committed files in packages/onnx/test-fixtures/finetune.
The weighted loss is SPEC's softmax cross-entropy with manual class weights, per-sample weights and
focal gamma 2, reduced by weighted_mean: sum(c_y s (1 - p_y)^2 (-log p_y)) / sum(c_y s), where the
weights c_y s are constants and the focal modulator carries gradient (SPEC "Shapes and terms").
Dropout is made deterministic by recording a mask per step and multiplying by it, as the
fine-tuner does with its `dropoutMasks`.
"""
import json
import math
import os

import numpy as np
import torch
from torch import nn

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'test-fixtures', 'finetune')
CLASS_WEIGHTS = [1.0, 2.0, 0.5]
SPEC = {
    'specVersion': 1,
    'loss': {'kind': 'softmax_cross_entropy', 'from': 'logits'},
    'class': {'strategy': 'manual', 'weights': CLASS_WEIGHTS},
    'adaptive': [{'kind': 'focal', 'gamma': 2}],
}
SGD = {'kind': 'sgd', 'momentum': 0.9, 'learningRate': 0.1}
ADAM = {'kind': 'adam', 'learningRate': 0.01}


class MaskedDropout(nn.Dropout):
    """nn.Dropout in the export; in the reference steps it multiplies by a recorded mask."""

    mask = None

    def forward(self, x):
        if self.mask is None:
            return super().forward(x)
        return x * self.mask


class Mlp(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(6, 10, bias=False)  # a bias before BatchNorm has a zero gradient
        self.bn = nn.BatchNorm1d(10)
        self.drop = MaskedDropout(0.25)
        self.fc2 = nn.Linear(10, 3)

    def forward(self, x):
        return self.fc2(self.drop(torch.relu(self.bn(self.fc1(x)))))


class LeNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 4, 3, padding=1)
        self.conv2 = nn.Conv2d(4, 6, 3)
        self.fc1 = nn.Linear(6 * 2 * 2, 12)
        self.fc2 = nn.Linear(12, 3)

    def forward(self, x):
        x = nn.functional.max_pool2d(torch.tanh(self.conv1(x)), 2)
        x = nn.functional.avg_pool2d(torch.relu(self.conv2(x)), 2)
        x = x.view(x.size(0), -1)
        return self.fc2(torch.sigmoid(self.fc1(x)))


class GapCnn(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 6, 3, padding=1, bias=False)
        self.bn = nn.BatchNorm2d(6)
        self.conv2 = nn.Conv2d(6, 6, 3, stride=2, padding=2, dilation=2, groups=3)
        self.conv3 = nn.Conv2d(6, 4, 1)
        self.fc = nn.Linear(4, 3)

    def forward(self, x):
        x = nn.functional.leaky_relu(self.bn(self.conv1(x)), 0.1)
        x = torch.relu(self.conv2(x))
        x = nn.functional.adaptive_avg_pool2d(self.conv3(x), 1)
        return self.fc(torch.flatten(x, 1))


class MnistCnn(nn.Module):
    """The small CNN the MNIST test fine-tunes (28x28 digits, 10 classes)."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 8, 5, stride=2, padding=2)
        self.conv2 = nn.Conv2d(8, 16, 3, padding=1)
        self.fc = nn.Linear(16 * 7 * 7, 10)

    def forward(self, x):
        x = torch.relu(self.conv1(x))
        x = nn.functional.max_pool2d(torch.relu(self.conv2(x)), 2)
        return self.fc(torch.flatten(x, 1))


class TinyTransformer(nn.Module):
    """One encoder layer written out (embedding, 2-head attention, GELU feed-forward, LayerNorm)."""

    def __init__(self, vocabulary=11, length=5, width=8, heads=2):
        super().__init__()
        self.heads = heads
        self.embed = nn.Embedding(vocabulary, width)
        self.position = nn.Parameter(torch.randn(length, width) * 0.1)
        # No bias: the key bias has a zero gradient (softmax ignores a per-row shift), which Adam would amplify.
        self.qkv = nn.Linear(width, 3 * width, bias=False)
        self.out = nn.Linear(width, width)
        self.norm1 = nn.LayerNorm(width)
        self.ff1 = nn.Linear(width, 16)
        self.ff2 = nn.Linear(16, width)
        self.norm2 = nn.LayerNorm(width)
        self.head = nn.Linear(width, 3)

    def forward(self, tokens):
        x = self.embed(tokens) + self.position
        batch, length, width = x.shape
        q, k, v = self.qkv(x).split(width, dim=-1)
        split = lambda t: t.reshape(batch, length, self.heads, width // self.heads).transpose(1, 2)
        q, k, v = split(q), split(k), split(v)
        scores = torch.matmul(q, k.transpose(-2, -1)) / math.sqrt(width // self.heads)
        attended = torch.matmul(torch.softmax(scores, dim=-1), v).transpose(1, 2).reshape(batch, length, width)
        x = self.norm1(x + self.out(attended))
        x = self.norm2(x + self.ff2(nn.functional.gelu(self.ff1(x))))
        return self.head(x.mean(dim=1))


class EncoderLayerClassifier(nn.Module):
    """torch.nn.TransformerEncoderLayer itself (dropout 0: its attention dropout is functional, so no mask can be fed)."""

    def __init__(self):
        super().__init__()
        self.embed = nn.Embedding(11, 8)
        self.layer = nn.TransformerEncoderLayer(d_model=8, nhead=2, dim_feedforward=16, dropout=0.0, batch_first=True,
                                                activation='gelu')
        self.head = nn.Linear(8, 3)

    def forward(self, tokens):
        return self.head(self.layer(self.embed(tokens)).mean(dim=1))


def weighted_loss(logits, labels, sample_weights):
    log_p = torch.log_softmax(logits, dim=-1)
    log_py = log_p.gather(1, labels[:, None])[:, 0]
    p_y = log_py.exp()
    weights = torch.tensor(CLASS_WEIGHTS)[labels] * sample_weights
    return (weights * (1 - p_y) ** 2 * -log_py).sum() / weights.sum()


def dropout_mask(shape, ratio, generator):
    keep = (torch.rand(shape, generator=generator) >= ratio).float()
    return keep / (1 - ratio)


def tensors(module):
    named = dict(module.named_parameters())
    named.update({name: buffer for name, buffer in module.named_buffers() if 'num_batches' not in name})
    return {name: value.detach().reshape(-1).tolist() for name, value in named.items()}


def run(module, optimizer_spec, x, labels, weights, masks):
    dropouts = [m for m in module.modules() if isinstance(m, MaskedDropout)]
    parameters = [p for p in module.parameters() if p.requires_grad]
    if optimizer_spec['kind'] == 'sgd':
        optimizer = torch.optim.SGD(parameters, lr=optimizer_spec['learningRate'], momentum=optimizer_spec['momentum'])
    else:
        optimizer = torch.optim.Adam(parameters, lr=optimizer_spec['learningRate'])
    losses = []
    for step in range(3):
        for dropout in dropouts:
            dropout.mask = masks[step]
        optimizer.zero_grad()
        loss = weighted_loss(module(x), labels, weights)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses


def shorten(value):
    """Floats to 9 significant digits: every float32 survives the round trip exactly."""
    if isinstance(value, float):
        return float('%.9g' % value)
    if isinstance(value, list):
        return [shorten(item) for item in value]
    if isinstance(value, dict):
        return {key: shorten(item) for key, item in value.items()}
    return value


def export(name, module, x, labels, weights, dropout_shape=None, frozen=()):
    torch.manual_seed(1)
    module.train()
    for key, parameter in module.named_parameters():
        parameter.requires_grad_(key not in frozen)
    path = os.path.join(OUT, f'{name}.onnx')
    initial = {key: value.clone() for key, value in module.state_dict().items()}
    torch.onnx.export(module, (x,), path, do_constant_folding=False, training=torch.onnx.TrainingMode.TRAINING,
                      opset_version=17, input_names=['x'], output_names=['logits'],
                      dynamic_axes={'x': {0: 'batch'}, 'logits': {0: 'batch'}})
    generator = torch.Generator().manual_seed(7)
    masks = [dropout_mask(dropout_shape, 0.25, generator) for _ in range(3)] if dropout_shape else []
    module.load_state_dict(initial)
    for dropout in [m for m in module.modules() if isinstance(m, MaskedDropout)]:
        dropout.mask = masks[0]
    module.zero_grad()
    loss = weighted_loss(module(x), labels, weights)
    loss.backward()
    gradients = {key: value.grad.reshape(-1).tolist() for key, value in module.named_parameters() if value.requires_grad}
    module.load_state_dict(initial)
    fixture = {
        'source': 'PyTorch %s, float32, scripts/export-finetune-fixtures.py' % torch.__version__,
        'model': f'{name}.onnx',
        'spec': SPEC,
        'inputShape': list(x.shape[1:]),
        'features': x.reshape(x.shape[0], -1).tolist(),
        'labels': labels.tolist(),
        'sampleWeights': weights.tolist(),
        'dropoutMasks': [mask.reshape(-1).tolist() for mask in masks],
        'frozen': list(frozen),
        'initial': tensors(module),
        'loss': loss.item(),
        'gradients': gradients,
    }
    for spec in (SGD, ADAM):
        module.load_state_dict(initial)
        losses = run(module, spec, x, labels, weights, masks)
        fixture[spec['kind']] = {'optimizer': spec, 'losses': losses, 'after': tensors(module)}
    with open(os.path.join(OUT, f'{name}.json'), 'w') as handle:
        json.dump(shorten(fixture), handle, separators=(',', ':'))
    print(name, 'loss', fixture['loss'], 'bytes', os.path.getsize(path))


def main():
    os.makedirs(OUT, exist_ok=True)
    torch.manual_seed(0)
    labels = torch.tensor([0, 1, 2, 1, 0, 2, 1, 0])
    weights = torch.tensor([1.0, 0.5, 2.0, 1.5, 1.0, 0.25, 1.0, 3.0])
    export('mlp-batchnorm-dropout', Mlp(), torch.randn(8, 6), labels, weights, dropout_shape=(8, 10))
    torch.manual_seed(0)
    export('lenet', LeNet(), torch.randn(8, 1, 12, 12), labels, weights)
    torch.manual_seed(0)
    export('gap-cnn', GapCnn(), torch.randn(8, 3, 8, 8), labels, weights)
    torch.manual_seed(0)
    mnist = MnistCnn().train()
    torch.onnx.export(mnist, (torch.zeros(2, 1, 28, 28),), os.path.join(OUT, 'mnist-cnn.onnx'), do_constant_folding=False,
                      training=torch.onnx.TrainingMode.TRAINING, opset_version=17, input_names=['x'],
                      output_names=['logits'], dynamic_axes={'x': {0: 'batch'}, 'logits': {0: 'batch'}})
    torch.manual_seed(0)
    export('transformer', TinyTransformer(), torch.randint(0, 11, (8, 5)), labels, weights)
    torch.manual_seed(0)
    # The key bias has a zero gradient (softmax ignores a per-row shift) that Adam would amplify: frozen.
    export('encoder-layer', EncoderLayerClassifier(), torch.randint(0, 11, (8, 5)), labels, weights,
           frozen=('layer.self_attn.in_proj_bias',))


if __name__ == '__main__':
    main()
