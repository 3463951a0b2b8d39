# bench/gpu_torch.py — the PyTorch CUDA side of bench/gpu.ts: W3 (conv 64→64, 56×56, 3×3, pad 1) forward
# and backward (dX + dW, as convnet's gradient kernels: no bias gradient) at the given N, and one LeNet-5
# epoch at batch 256 over synthetic 28×28 uint8 images (fixed seed) scaled, normalised and uploaded batch
# by batch, with one read of the loss and the correct count per step as convnet's fit does.
#
#   python3 bench/gpu_torch.py [--ns 8,64] [--images 60000] [--batch 256] [--quick] [--out FILE] [--allow-cpu]
#
# Timing is the same as bench/gpu/common.ts's: warm-up calls, then samples of k calls followed by one
# torch.cuda.synchronize(), wall clock, median per call. Three settings, each printed:
#   fp32        TF32 off for cuDNN and matmul (a true fp32 comparison; bench/gpu.ts's ratios use this),
#               cudnn.benchmark off (PyTorch's default);
#   fp32-bench  the same with cudnn.benchmark = True (cuDNN tries its algorithms first);
#   default     PyTorch's defaults (cuDNN convolutions may use TF32 on Ampere and later).
# The LeNet epoch runs under fp32. Human-readable lines go to stderr; one JSON line to stdout (and --out).
# Without CUDA it prints {"ok": false, ...} unless --allow-cpu (to test the script on a machine without a
# GPU; those numbers are CPU numbers and bench/gpu.ts uses them for no ratio).
import argparse, json, sys, time

ap = argparse.ArgumentParser()
ap.add_argument("--ns", default="8,64")
ap.add_argument("--images", type=int, default=60000)
ap.add_argument("--batch", type=int, default=256)
ap.add_argument("--quick", action="store_true")
ap.add_argument("--out")
ap.add_argument("--allow-cpu", action="store_true")
args = ap.parse_args()


def emit(obj):
    line = json.dumps(obj)
    print(line, flush=True)
    if args.out:
        with open(args.out, "w") as f:
            f.write(line + "\n")


def say(s):
    print(s, file=sys.stderr, flush=True)


try:
    import torch
    import torch.nn as nn
    import torch.nn.functional as F
except Exception as e:  # the report says why rather than a traceback
    emit({"ok": False, "reason": f"import torch failed: {e}"})
    sys.exit(0)

cuda = torch.cuda.is_available()
if not cuda and not args.allow_cpu:
    emit({"ok": False, "reason": f"torch {torch.__version__}: CUDA is not available"})
    sys.exit(0)
dev = torch.device("cuda" if cuda else "cpu")
name = torch.cuda.get_device_name(0) if cuda else "cpu"
say(f"pytorch {torch.__version__} on {name}" + ("" if cuda else " (CPU: --allow-cpu test run, not a GPU number)"))

NS = [int(n) for n in args.ns.split(",") if n]
RUNS, BUDGET = (3, 1.5) if args.quick else (9, 4.0)


def sync():
    if cuda:
        torch.cuda.synchronize()


def time_calls(fn, sample_ms=50.0, max_iters=100):
    fn(); sync()  # first call: cuDNN plans, allocator
    t0 = time.perf_counter(); fn(); sync()
    est = (time.perf_counter() - t0) * 1e3
    if est > BUDGET * 1e3:
        return est
    iters = max(1, min(max_iters, int(sample_ms / max(est, 0.01)) + 1))
    t, start = [], time.perf_counter()
    for _ in range(RUNS):
        t0 = time.perf_counter()
        for _ in range(iters):
            fn()
        sync()
        t.append((time.perf_counter() - t0) * 1e3 / iters)
        if time.perf_counter() - start > BUDGET and len(t) >= (1 if args.quick else 3):
            break
    t.sort()
    return t[len(t) // 2]


def flops(N):
    return 2 * N * 64 * 56 * 56 * 64 * 9


def w3(N):
    g = torch.Generator(device="cpu").manual_seed(N)
    x = torch.randn(N, 64, 56, 56, generator=g).to(dev)
    w = torch.randn(64, 64, 3, 3, generator=g).to(dev)
    b = torch.randn(64, generator=g).to(dev)
    dy = torch.randn(N, 64, 56, 56, generator=g).to(dev)
    res = {}
    with torch.no_grad():
        res[f"W3 fwd N{N}"] = time_calls(lambda: F.conv2d(x, w, b, padding=1))
        res[f"W3 bwd N{N}"] = time_calls(lambda: torch.ops.aten.convolution_backward(
            dy, x, w, None, [1, 1], [1, 1], [1, 1], False, [0, 0], 1, [True, True, False]))
    del x, w, b, dy
    if cuda:
        torch.cuda.empty_cache()
    return res


def settings(key):
    torch.backends.cudnn.benchmark = key == "fp32-bench"
    if key == "default":
        torch.backends.cudnn.allow_tf32 = True   # PyTorch's defaults
        torch.backends.cuda.matmul.allow_tf32 = False
    else:
        torch.backends.cudnn.allow_tf32 = False
        torch.backends.cuda.matmul.allow_tf32 = False


CONFIGS = [("fp32", "torch fp32 (TF32 off)"), ("fp32-bench", "torch fp32 +cudnn.benchmark"), ("default", "torch default (TF32 on)")]
out = {"ok": True, "torch": torch.__version__, "device": name, "cuda": cuda, "configs": []}
for key, label in CONFIGS:
    settings(key)
    res = {}
    for N in NS:
        try:
            res.update(w3(N))
        except Exception as e:
            say(f"  {label}: W3 N{N} failed: {str(e).splitlines()[0][:160]}")
            res.update({f"W3 fwd N{N}": None, f"W3 bwd N{N}": None})
    for k, ms in res.items():
        if ms is not None:
            f = flops(int(k.split("N")[1])) * (2 if "bwd" in k else 1)
            say(f"  {label:30s} {k:11s} {ms:9.3f} ms  {f / ms / 1e9:7.2f} TFLOP/s")
    out["configs"].append({"key": key, "label": label, "results": res})

# ---- LeNet-5 epoch ---------------------------------------------------------------------------------
settings("fp32")
try:
    torch.manual_seed(0)
    g = torch.Generator(device="cpu").manual_seed(12345)
    images = torch.randint(0, 256, (args.images, 1, 28, 28), dtype=torch.uint8, generator=g)
    labels = torch.randint(0, 10, (args.images,), generator=g)
    MEAN, STD = 0.2860, 0.3530
    m = nn.Sequential(nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(6, 16, 5), nn.ReLU(),
                      nn.MaxPool2d(2), nn.Flatten(), nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(),
                      nn.Linear(84, 10)).to(dev)
    opt = torch.optim.SGD(m.parameters(), lr=0.05, momentum=0.9)

    def epoch(e):
        perm = torch.randperm(args.images, generator=torch.Generator().manual_seed(e))
        steps, t0 = 0, time.perf_counter()
        for s in range(0, args.images, args.batch):
            idx = perm[s:s + args.batch]
            # scale and normalise on the CPU, then upload: the path convnet's FashionMNIST + DataLoader take
            x = images[idx].float().div_(255).sub_(MEAN).div_(STD).to(dev)
            y = labels[idx].to(dev)
            opt.zero_grad()
            o = m(x)
            loss = F.cross_entropy(o, y)
            loss.backward()
            loss_v, correct = torch.stack([loss.detach(), (o.argmax(1) == y).sum().float()]).tolist()  # one read per step, as fit
            opt.step()
            steps += 1
        sync()
        return time.perf_counter() - t0, steps

    first, _ = epoch(0)
    secs, steps = epoch(1)
    out["lenet"] = {"firstEpochSeconds": first, "epochSeconds": secs, "steps": steps, "stepsPerSecond": steps / secs,
                    "imagesPerSecond": args.images / secs, "images": args.images, "batch": args.batch,
                    "data": "synthetic uint8, seed 12345"}
    say(f"  LeNet-5 epoch (fp32, batch {args.batch}, {args.images} images): first {first:.3f} s, then {secs:.3f} s, "
        f"{steps / secs:.1f} steps/s")
except Exception as e:
    say(f"  LeNet-5 epoch failed: {str(e).splitlines()[0][:160]}")
    out["lenet"] = None
emit(out)
