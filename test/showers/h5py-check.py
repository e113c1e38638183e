"""Reads and damages shower files with h5py (an HDF5 reader independent of h5wasm) for test/showers/cli.test.ts.

  inspect FILE           prints JSON: dataset shapes, the showers' dtype, the incident-energy range, num_points,
                         whether the padding past num_points is zero, and the attributes
  damage SRC DST KIND    writes a copy of SRC with one defect, KIND one of:
                         missing-dataset (no pdg), wrong-shape (direction (N, 2)), nan-energy (energy[1] = NaN),
                         more-layers (the detector attribute gains a layer)
"""
import json
import shutil
import sys

import h5py
import numpy as np


def inspect(path):
    with h5py.File(path, "r") as f:
        showers, n, energy = f["showers"], f["num_points"][:], f["energy"][:]
        print(json.dumps({
            "shapes": {k: list(f[k].shape) for k in f.keys()},
            "dtype": str(showers.dtype),
            "energy": [float(energy.min()), float(energy.max())],
            "num_points": n.tolist(),
            "padding_zero": bool(all((showers[i, n[i]:, :] == 0).all() for i in range(len(n)))),
            "seed": int(f.attrs["seed"]),
            "generator": str(f.attrs["generator"]),
            "params": json.loads(f.attrs["detector"])["params"],
        }))


def damage(src, dst, kind):
    shutil.copy(src, dst)
    with h5py.File(dst, "r+") as f:
        n = f["energy"].shape[0]
        if kind == "missing-dataset":
            del f["pdg"]
        elif kind == "wrong-shape":
            del f["direction"]
            f["direction"] = np.zeros((n, 2), "f4")
        elif kind == "nan-energy":
            e = f["energy"][:]
            e[1] = np.nan
            f["energy"][:] = e
        elif kind == "more-layers":
            detector = json.loads(f.attrs["detector"])
            extra = dict(detector["layers"][-1], index=len(detector["layers"]))
            detector["layers"].append(extra)
            f.attrs["detector"] = json.dumps(detector)
        else:
            sys.exit(f"unknown damage {kind}")


if __name__ == "__main__":
    command, args = sys.argv[1], sys.argv[2:]
    if command == "inspect":
        inspect(*args)
    elif command == "damage":
        damage(*args)
    else:
        sys.exit(f"unknown command {command}")
