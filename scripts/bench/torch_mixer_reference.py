"""The bar for mlpx's exported graph (BENCHMARKS.md, "Inference: mlpx's export against
torch.onnx"): an MLP-Mixer at the seed configuration written in PyTorch and exported by
torch.onnx (opset 17), with the same inputs and outputs as an mlpx export (raw NHWC pixels ->
logits, probabilities): per-channel normalisation, bilinear resize 32 -> 64, 8x8 patches,
embedding 256, 4 blocks (token MLP 64, channel MLP 64), global average pooling, 100 classes.

Benchmark tooling only (not part of mlpx). Debian's python3-torch 1.13 runs it:

    /usr/bin/python3 scripts/bench/torch_mixer_reference.py /tmp/torch-mixer.onnx

then `node scripts/bench/onnx-ab.mjs <mlpx export> /tmp/torch-mixer.onnx` times both side by side.
Weights are random: speed does not depend on them.
"""
import sys

import torch
from torch import nn
import torch.nn.functional as F


class MixerBlock(nn.Module):
    def __init__(self, patches: int, channels: int, hidden: int):
        super().__init__()
        self.norm = nn.LayerNorm(channels, eps=1e-6)
        self.token = nn.Sequential(nn.Linear(patches, patches), nn.GELU(), nn.Linear(patches, patches))
        self.channel = nn.Sequential(nn.Linear(channels, hidden), nn.GELU(), nn.Linear(hidden, channels))

    def forward(self, x):
        x = x + self.token(self.norm(x).transpose(1, 2)).transpose(1, 2)
        return x + self.channel(self.norm(x))


class Mixer(nn.Module):
    def __init__(self, image=64, patch=8, dim=256, blocks=4, classes=100):
        super().__init__()
        self.image, self.patch = image, patch
        patches = (image // patch) ** 2
        self.register_buffer('mean', torch.rand(3) * 255)
        self.register_buffer('std', torch.rand(3) * 60 + 20)
        self.embed = nn.Linear(patch * patch * 3, dim)
        self.blocks = nn.Sequential(*[MixerBlock(patches, dim, patches) for _ in range(blocks)])
        self.head = nn.Linear(dim, classes)

    def forward(self, images):
        x = ((images - self.mean) / self.std).permute(0, 3, 1, 2)
        x = F.interpolate(x, size=(self.image, self.image), mode='bilinear', align_corners=False)
        b, c, h, w = x.shape
        p = self.patch
        x = x.reshape(b, c, h // p, p, w // p, p).permute(0, 2, 4, 3, 5, 1).reshape(b, (h // p) * (w // p), p * p * c)
        x = self.blocks(self.embed(x))
        logits = self.head(x.mean(dim=1))
        return logits, torch.softmax(logits, dim=-1)


if __name__ == '__main__':
    torch.manual_seed(0)
    model = Mixer().eval()
    torch.onnx.export(
        model,
        torch.rand(2, 32, 32, 3) * 255,
        sys.argv[1],
        opset_version=17,
        input_names=['images'],
        output_names=['logits', 'probabilities'],
        dynamic_axes={'images': {0: 'batch'}, 'logits': {0: 'batch'}, 'probabilities': {0: 'batch'}},
    )
    print(f'wrote {sys.argv[1]}')
