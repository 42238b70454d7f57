"""Would a linear layer's two backward products gain from running side by side? (issue 16, fp32 question)

At the nGPT seed shape a layer's products are small (2,048 rows, 384-wide): cuBLAS fills few of the card's SMs with
them (10-40 TFLOP/s in fp32, docs/benchmarks.md). This times, per layer kind and for the whole 8-layer backward,
∂x = ∂y W and ∂W = ∂yᵀ x one after the other on one stream, against ∂W on a second stream beside ∂x (forked and joined
per layer, as a linear layer's backward would do it), each captured in a CUDA graph and replayed, so launch cost is
out of it. Prints a markdown table. Run on the GPU machine:  python concurrent_backward.py [--layers 8]
"""
import argparse

import torch


def shapes(width, hidden):
    # (name, K inputs, O outputs) of one nGPT block's products: q/k/v as one, attention out, SwiGLU u/v, down
    return [("q/k/v", width, 3 * width), ("attention out", width, width), ("SwiGLU u/v", width, 2 * hidden),
            ("SwiGLU down", hidden, width)]


def timed_graph(work, repeats=50):
    warm = torch.cuda.Stream()
    warm.wait_stream(torch.cuda.current_stream())
    with torch.cuda.stream(warm):   # warm-up off the capture stream, as torch.cuda.graph advises
        for _ in range(3):
            work()
    torch.cuda.current_stream().wait_stream(warm)
    graph = torch.cuda.CUDAGraph()
    with torch.cuda.graph(graph):
        work()
    for _ in range(5):
        graph.replay()
    start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
    torch.cuda.synchronize()
    start.record()
    for _ in range(repeats):
        graph.replay()
    end.record()
    torch.cuda.synchronize()
    return start.elapsed_time(end) / repeats


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=2048)
    parser.add_argument("--width", type=int, default=384)
    parser.add_argument("--hidden", type=int, default=1024)
    parser.add_argument("--layers", type=int, default=8)
    args = parser.parse_args()
    torch.backends.cuda.matmul.allow_tf32 = False
    device = torch.device("cuda")
    side = torch.cuda.Stream()
    print(f"{torch.cuda.get_device_name()}, PyTorch {torch.__version__}; {args.rows} rows, width {args.width}, "
          f"hidden {args.hidden}; ms per replay of the products (CUDA graph, 50 replays)\n")
    print("| Precision | Products | Sequential ms | ∂W on a second stream ms | Saved |")
    print("|---|---|---:|---:|---:|")
    for precision, dtype in (("fp32", torch.float32), ("bf16", torch.bfloat16)):
        def operands(kinds, layers):
            return [(torch.randn(args.rows, k, device=device, dtype=dtype),
                     torch.randn(o, k, device=device, dtype=dtype),
                     torch.randn(args.rows, o, device=device, dtype=dtype),
                     torch.empty(args.rows, k, device=device, dtype=dtype),
                     torch.empty(o, k, device=device, dtype=dtype)) for _ in range(layers) for _, k, o in kinds]

        def sequential(ops):
            def work():
                for x, w, dy, dx, dw in ops:
                    torch.mm(dy, w, out=dx)
                    torch.mm(dy.t(), x, out=dw)
            return work

        def concurrent(ops):
            def work():
                main_stream = torch.cuda.current_stream()
                for x, w, dy, dx, dw in ops:
                    side.wait_stream(main_stream)
                    with torch.cuda.stream(side):
                        torch.mm(dy.t(), x, out=dw)
                    torch.mm(dy, w, out=dx)
                    main_stream.wait_stream(side)
            return work

        cases = [(name, [(name, k, o)], 1) for name, k, o in shapes(args.width, args.hidden)]
        cases.append((f"all {args.layers} blocks", shapes(args.width, args.hidden), args.layers))
        for name, kinds, layers in cases:
            ops = operands(kinds, layers)
            a = timed_graph(sequential(ops))
            b = timed_graph(concurrent(ops))
            print(f"| {precision} | {name} | {a:.4f} | {b:.4f} | {a - b:+.4f} ({(a - b) / a:+.0%}) |")


if __name__ == "__main__":
    main()
