# bench/torch_bench.py — the PyTorch side of bench/peers.ts: reads the workloads as JSON on stdin,
# prints {"threads": n, "version": v, "results": {key: median_ms}} on stdout.
# Thread count: argv[1] (0 = PyTorch's default). Inputs are random; only time is measured.
import json, sys, time
import torch
import torch.nn.functional as F

spec = json.load(sys.stdin)
if int(sys.argv[1]) > 0:
    torch.set_num_threads(int(sys.argv[1]))
torch.manual_seed(0)

def median_ms(fn, runs, warm=2, budget=4.0):
    for _ in range(warm):
        fn()
    t, start = [], time.perf_counter()
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        t.append((time.perf_counter() - t0) * 1e3)
        if time.perf_counter() - start > budget and len(t) >= 3:
            break
    t.sort()
    return t[len(t) // 2]

res = {}
with torch.no_grad():
    for w in spec["convs"]:
        a = w["attrs"]
        x = torch.randn(a["N"], a["C"], a["H"], a["W"])
        wt = torch.randn(a["OC"], a["C"] // a["groups"], a["KH"], a["KW"])
        b = torch.randn(a["OC"])
        kw = dict(stride=(a["strideH"], a["strideW"]), padding=(a["padTop"], a["padLeft"]), groups=a["groups"])
        res[w["id"] + " fwd"] = median_ms(lambda: F.conv2d(x, wt, b, **kw), spec["runs"])
        if w.get("backward"):
            dy = torch.randn(a["N"], a["OC"], a["OH"], a["OW"])
            def bwd():
                torch.ops.aten.convolution_backward(dy, x, wt, [a["OC"]], [a["strideH"], a["strideW"]],
                    [a["padTop"], a["padLeft"]], [1, 1], False, [0, 0], a["groups"], [True, True, False])
            res[w["id"] + " bwd"] = median_ms(bwd, spec["runs"])
    p = spec["pool"]
    xp = torch.randn(p["N"], p["C"], p["H"], p["W"])
    res["W6 fwd"] = median_ms(lambda: F.max_pool2d(xp, 2, 2), spec["runs"])
    n = spec["matmul"]
    A, B = torch.randn(n, n), torch.randn(n, n)
    res["W7 fwd"] = median_ms(lambda: A @ B, spec["runs"])
print(json.dumps({"threads": torch.get_num_threads(), "version": torch.__version__, "results": res}))
