"""Open Inference Protocol v2 checks of one server through Triton's own Python client.

test/triton/ runs this with the test venv's python (test/helpers/triton.ts) against tritonserver and
against `mlpx serve`, on the same model, and compares what it prints (one JSON object on stdout) with
onnxruntime-node's answers. Each section runs on its own: a failure becomes {"error": "..."} in that
section and the others still run, so a test names exactly what a server got wrong.

  python oip_client.py --url http://127.0.0.1:PORT --model NAME --images FILE --shape N,H,W,C
                       [--class-count K] [--concurrent C] [--sections health,json,...]

FILE holds N images as float32 little-endian NHWC (raw 0-255), the model's input `images`.
Sections: health, server_metadata, model_metadata, json (one request of the N images, JSON tensors),
binary (the same with the binary-data extension, inputs and outputs), classification (class_count=K on
both outputs), async_infer (4 batch-1 requests through one client's async_infer), concurrent (C batch-1
binary requests released at once from C greenlets, image i % N each, with what /v2/models/NAME/stats,
Triton's statistics extension, counted for them where the server has it: inference_count images in
execution_count model executions).
"""

import argparse
import json
import sys
import traceback
from urllib.parse import urlparse

import gevent
import gevent.event
import numpy as np
import tritonclient.http as httpclient


def section(fn):
    try:
        return fn()
    except Exception as error:  # noqa: BLE001 - each section reports its own failure
        message = str(error) or type(error).__name__
        return {"error": f"{type(error).__name__}: {message}", "trace": traceback.format_exc(limit=3)}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--model", required=True)
    parser.add_argument("--images", required=True)
    parser.add_argument("--shape", required=True)
    parser.add_argument("--class-count", type=int, default=3)
    parser.add_argument("--concurrent", type=int, default=32)
    parser.add_argument("--sections", default="", help="comma-separated sections to run (default: all)")
    args = parser.parse_args()

    shape = [int(n) for n in args.shape.split(",")]
    images = np.fromfile(args.images, dtype="<f4").reshape(shape)
    # tritonclient takes host:port, without the scheme.
    parsed = urlparse(args.url)
    address = parsed.netloc or args.url
    model = args.model

    client = httpclient.InferenceServerClient(address, concurrency=max(1, args.concurrent), network_timeout=120.0)

    def infer(batch, binary, class_count=0, use_async=False):
        tensor = httpclient.InferInput("images", list(batch.shape), "FP32")
        tensor.set_data_from_numpy(batch, binary_data=binary)
        outputs = [httpclient.InferRequestedOutput(name, binary_data=binary, class_count=class_count) for name in ("logits", "probabilities")]
        if use_async:
            return client.async_infer(model, [tensor], outputs=outputs)
        return client.infer(model, [tensor], outputs=outputs)

    def tensors(result):
        response = result.get_response()
        return {
            "logits": result.as_numpy("logits").tolist(),
            "probabilities": result.as_numpy("probabilities").tolist(),
            "outputs": [{"name": output["name"], "datatype": output["datatype"], "shape": output["shape"]} for output in response["outputs"]],
            "model_name": response.get("model_name"),
            "model_version": response.get("model_version"),
        }

    def health():
        return {"live": client.is_server_live(), "ready": client.is_server_ready(), "model_ready": client.is_model_ready(model)}

    def classification():
        result = infer(images, binary=False, class_count=args.class_count)
        decode = lambda array: [[item.decode("utf-8") if isinstance(item, bytes) else str(item) for item in row] for row in array.tolist()]
        return {"logits": decode(result.as_numpy("logits")), "probabilities": decode(result.as_numpy("probabilities"))}

    def statistics():
        stats = client.get_inference_statistics(model)["model_stats"][0]
        return {"inference_count": int(stats["inference_count"]), "execution_count": int(stats["execution_count"])}

    def async_requests():
        # tritonclient's own concurrency: async_infer on one client (gevent underneath).
        pending = [infer(images[i % shape[0] : i % shape[0] + 1], binary=True, use_async=True) for i in range(4)]
        return {"logits": [request.get_result().as_numpy("logits")[0].tolist() for request in pending]}

    def concurrent():
        # async_infer sleeps 10 ms after each send (gevent.sleep(0.01) in tritonclient 2.73), so C of them
        # reach the server 10 ms apart and never share a batch under a queue delay of a millisecond or
        # two. Instead: one client per greenlet (the client is not safe to share), each request built
        # first, then all released at once.
        clients = [httpclient.InferenceServerClient(address, network_timeout=120.0) for _ in range(args.concurrent)]
        for each in clients:
            each.is_server_live()  # connect before the release
        release = gevent.event.Event()

        def one(i):
            batch = images[i % shape[0] : i % shape[0] + 1]
            tensor = httpclient.InferInput("images", list(batch.shape), "FP32")
            tensor.set_data_from_numpy(batch, binary_data=True)
            outputs = [httpclient.InferRequestedOutput("logits", binary_data=True)]
            release.wait()
            return clients[i].infer(model, [tensor], outputs=outputs).as_numpy("logits")[0].tolist()

        before = section(statistics)
        greenlets = [gevent.spawn(one, i) for i in range(args.concurrent)]
        gevent.sleep(0)
        release.set()
        gevent.joinall(greenlets, raise_error=True)
        # The server counts a request after its response is sent.
        gevent.sleep(0.2)
        after = section(statistics)
        for each in clients:
            each.close()
        # What the server counted for these requests alone: images inferred, and model executions.
        counted = after if "error" in after else before if "error" in before else {key: after[key] - before[key] for key in after}
        return {"requests": len(greenlets), "logits": [greenlet.value for greenlet in greenlets], "statistics": counted}

    sections = {
        "health": health,
        "server_metadata": client.get_server_metadata,
        "model_metadata": lambda: client.get_model_metadata(model),
        "json": lambda: tensors(infer(images, binary=False)),
        "binary": lambda: tensors(infer(images, binary=True)),
        "classification": classification,
        "async_infer": async_requests,
        "concurrent": concurrent,
    }
    chosen = [name for name in args.sections.split(",") if name] or list(sections)
    unknown = [name for name in chosen if name not in sections]
    if unknown:
        parser.error(f"unknown sections {unknown}; there are {list(sections)}")
    report = {name: section(sections[name]) for name in chosen}
    client.close()
    json.dump(report, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
