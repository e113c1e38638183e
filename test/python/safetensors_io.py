"""safetensors by the spec (github.com/huggingface/safetensors, "Format"), with numpy only:
an independent reader and writer for the lab's tests (Debian has no python3-safetensors).

  read FILE         prints {"metadata": {...}, "tensors": {name: {dtype, shape, values}}} as JSON
  write FILE        writes a file as the reference library lays it out (tensors sorted by
                    dtype size then name, header space-padded to 8 bytes), from fixed arrays
"""
import json
import struct
import sys

import numpy as np

DTYPES = {"F32": np.dtype("<f4"), "U32": np.dtype("<u4"), "F64": np.dtype("<f8")}


def read(path):
    blob = open(path, "rb").read()
    (n,) = struct.unpack("<Q", blob[:8])
    header = json.loads(blob[8 : 8 + n].decode("utf-8"))
    assert (8 + n) % 8 == 0, "data must start 8-aligned"
    data = blob[8 + n :]
    metadata = header.pop("__metadata__", {})
    tensors, end = {}, 0
    for name, t in sorted(header.items(), key=lambda kv: kv[1]["data_offsets"]):
        begin, stop = t["data_offsets"]
        assert begin == end, f"{name}: gap or overlap at {begin}"
        end = stop
        array = np.frombuffer(data[begin:stop], dtype=DTYPES[t["dtype"]]).reshape(t["shape"])
        tensors[name] = {"dtype": t["dtype"], "shape": list(array.shape), "values": array.ravel().tolist()}
    assert end == len(data), "data must be fully covered"
    return {"metadata": metadata, "tensors": tensors}


def write(path):
    arrays = {
        "weights.w": np.arange(6, dtype="<f4").reshape(2, 3) / 4,
        "counts": np.array([1, 2, 3, 4000000000], dtype="<u4"),
        "bias": np.array([-1.5], dtype="<f4"),
    }
    order = sorted(arrays, key=lambda k: (-arrays[k].dtype.itemsize, k))
    header, offset = {"__metadata__": {"source": "python"}}, 0
    for name in order:
        size = arrays[name].nbytes
        header[name] = {"dtype": "F32" if arrays[name].dtype.kind == "f" else "U32", "shape": list(arrays[name].shape), "data_offsets": [offset, offset + size]}
        offset += size
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-(8 + len(text)) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(arrays[k].tobytes() for k in order))


if __name__ == "__main__":
    if sys.argv[1] == "read":
        json.dump(read(sys.argv[2]), sys.stdout)
    else:
        write(sys.argv[2])
