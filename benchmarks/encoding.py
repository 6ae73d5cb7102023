"""Encoding throughput of the default network: fp32, channels_last and bf16 autocast.

    python benchmarks/encoding.py [--device cpu|cuda] [--batch 64] [--batches 5]

The ASH-U network of the default run (12 bits) encodes random images at 64, 128 and 224 px,
without gradients, in eval mode, as the evaluation and ``ash-index`` do. Each setting is
timed over ``--batches`` batches after one warm-up batch, in this one run; ratios are to
fp32 at the same size.
"""

import argparse
import statistics
import time
from contextlib import nullcontext

import torch
from torch import nn

from ash_lightning.run.compose import compose_config
from ash_lightning.run.network_build import build_network

SIZES = (64, 128, 224)


def _network(image_size: int, device: str) -> tuple[nn.Module, int]:
    """The default run's network at ``image_size``, and its input channels."""
    cfg = compose_config([f"data.image_size={image_size}"])
    return build_network(cfg.model).eval().to(device), int(cfg.data.channels)


def images_per_second(
    net: nn.Module, batch: torch.Tensor, batches: int, autocast: bool, device: str
) -> float:
    """Median images/s over ``batches`` forward passes after one warm-up pass."""
    context = torch.autocast(device, dtype=torch.bfloat16) if autocast else nullcontext()
    rates = []
    with torch.no_grad(), context:
        net(batch)
        for _ in range(batches):
            if device == "cuda":
                torch.cuda.synchronize()
            started = time.perf_counter()
            net(batch)
            if device == "cuda":
                torch.cuda.synchronize()
            rates.append(len(batch) / (time.perf_counter() - started))
    return statistics.median(rates)


def main() -> None:
    """Print images/s per image size and setting, and the ratio to fp32."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--batches", type=int, default=5)
    arguments = parser.parse_args()
    device = arguments.device
    print(f"device {device}, {torch.get_num_threads()} threads, batch {arguments.batch}\n")
    print("| image size | fp32 (images/s) | channels_last | bf16 autocast |")
    print("|---:|---:|---:|---:|")
    for size in SIZES:
        net, channels = _network(size, device)
        batch = torch.randn(arguments.batch, channels, size, size, device=device)
        fp32 = images_per_second(net, batch, arguments.batches, False, device)
        # Module.to accepts memory_format; torch's type stubs do not list it.
        last = net.to(memory_format=torch.channels_last)  # type: ignore[call-overload]
        nhwc = images_per_second(
            last, batch.to(memory_format=torch.channels_last), arguments.batches, False, device
        )
        bf16 = images_per_second(_network(size, device)[0], batch, arguments.batches, True, device)
        print(
            f"| {size} | {fp32:.0f} | {nhwc:.0f} ({nhwc / fp32:.2f}x) | "
            f"{bf16:.0f} ({bf16 / fp32:.2f}x) |"
        )


if __name__ == "__main__":
    main()
