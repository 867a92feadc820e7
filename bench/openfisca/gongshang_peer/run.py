"""`python -m gongshang_peer.run --cases cases.csv --out results.csv`: the peer
model over a batch file, end to end like `gongshang calc --batch` (read the
CSV, compute every row, write the results in the batch's result format), with
the time of each phase printed as JSON on the last line of standard output.

The whole process (Python's start and the imports included) is what
compare.py times with the wall clock; the phases say where the time went.
"""

import argparse
import json
import time

_STARTED = time.perf_counter()

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from openfisca_core.simulations import SimulationBuilder  # noqa: E402

from . import build_system  # noqa: E402
from .reform import apply_reform  # noqa: E402
from .variables import COUNT_INPUTS, FLAG_INPUTS, MONEY_INPUTS, OUTPUTS  # noqa: E402

_IMPORTED = time.perf_counter()


def read_cases(path):
    """The batch file's columns by name. Money is read as float64 and turned
    into fen by rounding `yuan × 100`: exact for any amount with at most two
    decimals below 90 billion yuan (2^53 fen)."""
    dtypes = {name: np.float64 for name in MONEY_INPUTS}
    dtypes.update({name: np.int64 for name in COUNT_INPUTS})
    dtypes.update({name: np.int8 for name in FLAG_INPUTS if name != "has_basic_pension"})
    dtypes["case_id"] = str
    frame = pd.read_csv(path, dtype=dtypes, engine="c", na_filter=True, keep_default_na=False, na_values=[""])
    return frame


def to_fen(yuan):
    return np.rint(np.asarray(yuan, dtype=np.float64) * 100).astype(np.int64)


def inputs_of(frame, arithmetic):
    inputs = {}
    pension = frame["basic_pension_monthly"].to_numpy()
    has_pension = ~np.isnan(pension)
    for name in MONEY_INPUTS:
        values = frame[name].to_numpy()
        if name == "basic_pension_monthly":
            values = np.where(has_pension, values, 0.0)
        # fen: whole fen in OpenFisca's int (int32); float: yuan in its float (float32).
        inputs[name] = to_fen(values).astype(np.int32) if arithmetic == "fen" else values.astype(np.float32)
    for name in COUNT_INPUTS:
        inputs[name] = frame[name].to_numpy().astype(np.int32)
    for name in FLAG_INPUTS:
        inputs[name] = has_pension if name == "has_basic_pension" else frame[name].to_numpy() == 1
    return inputs


AMOUNT_WIDTH = 14  # a comma, up to 10 digits of yuan, a point, two of fen


def amount_bytes(fen):
    """`,<yuan>.<fen>` for each amount, right-aligned in AMOUNT_WIDTH bytes with
    NUL bytes before it (dropped when the file is written)."""
    fen = np.asarray(fen, dtype=np.int64)
    if fen.size and (fen.min() < 0 or fen.max() >= 10**12):
        raise ValueError("an amount outside 0 to 9,999,999,999.99 yuan")
    out = np.zeros((len(fen), AMOUNT_WIDTH), dtype=np.uint8)
    cents = fen % 100
    out[:, -1] = ord("0") + cents % 10
    out[:, -2] = ord("0") + cents // 10
    out[:, -3] = ord(".")
    whole = fen // 100
    for k in range(10):
        place = 10**k
        digit = ord("0") + (whole // place) % 10
        out[:, -4 - k] = np.where((whole >= place) | (k == 0), digit, 0)
    # The comma right before the first digit.
    digits = 1 + sum((whole >= 10**k).astype(np.int64) for k in range(1, 10))
    out[np.arange(len(fen)), AMOUNT_WIDTH - 4 - digits] = ord(",")
    return out


def write_results(path, case_ids, columns):
    """The result file, formatted with numpy a whole column at a time (pandas'
    `to_csv` takes about 8 s for a million rows of eight amounts: formatting
    in Python, value by value). Case ids that would need quoting go through
    pandas."""
    ids = np.asarray(case_ids).astype("S")
    if any(np.char.count(ids, c).any() for c in (b",", b'"', b"\n", b"\r")):
        frame = pd.DataFrame({"case_id": case_ids})
        for name, fen in columns.items():
            frame[name] = [f"{v // 100}.{v % 100:02d}" for v in fen]
        frame.to_csv(path, index=False, lineterminator="\n")
        return
    rows = len(ids)
    parts = [ids.view(np.uint8).reshape(rows, ids.itemsize)]
    parts += [amount_bytes(fen) for fen in columns.values()]
    parts.append(np.full((rows, 1), ord("\n"), dtype=np.uint8))
    body = np.concatenate(parts, axis=1).ravel()
    with open(path, "wb") as f:
        f.write((",".join(["case_id", *columns]) + "\n").encode())
        f.write(body[body != 0].tobytes())


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--year", default="2026", help="the period: parameters in force on 1 January")
    parser.add_argument("--arithmetic", choices=("fen", "float"), default="fen")
    parser.add_argument("--reform", help="a gongshang reform TOML (its [[override]]s the model has)")
    args = parser.parse_args(argv)

    phases = {"start_and_imports_s": _IMPORTED - _STARTED}
    t = time.perf_counter()
    system = build_system(args.arithmetic)
    applied = []
    if args.reform:
        system, applied = apply_reform(system, args.reform)
    phases["build_system_s"] = time.perf_counter() - t

    t = time.perf_counter()
    frame = read_cases(args.cases)
    inputs = inputs_of(frame, args.arithmetic)
    phases["read_s"] = time.perf_counter() - t

    t = time.perf_counter()
    rows = len(frame)
    simulation = SimulationBuilder().build_default_simulation(system, rows)
    for name, values in inputs.items():
        simulation.set_input(name, args.year, values)
    results = {name: simulation.calculate(name, args.year) for name in OUTPUTS}
    phases["compute_s"] = time.perf_counter() - t

    t = time.perf_counter()
    columns = {
        name: results[name] if args.arithmetic == "fen" else to_fen(results[name]) for name in OUTPUTS
    }
    write_results(args.out, frame["case_id"].to_numpy(), columns)
    phases["write_s"] = time.perf_counter() - t

    print(json.dumps({"rows": rows, "arithmetic": args.arithmetic, "reform_applied": applied, **phases}))


if __name__ == "__main__":
    main()
