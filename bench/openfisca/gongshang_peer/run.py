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
import pyarrow as pa  # noqa: E402
import pyarrow.compute as pc  # noqa: E402
import pyarrow.csv as pcsv  # noqa: E402
from openfisca_core.simulations import SimulationBuilder  # noqa: E402

from . import build_system  # noqa: E402
from .reform import apply_reform  # noqa: E402
from .variables import COUNT_INPUTS, FLAG_INPUTS, MONEY_INPUTS, OUTPUTS  # noqa: E402

_IMPORTED = time.perf_counter()


def read_cases(path):
    """The batch file with pyarrow's CSV reader (C++, on every core). Money is
    read as float64 and turned into fen by rounding `yuan × 100`: exact for
    any amount with at most two decimals below 90 billion yuan (2^53 fen)."""
    types = {name: pa.float64() for name in MONEY_INPUTS}
    types.update({name: pa.int64() for name in COUNT_INPUTS})
    types.update({name: pa.int64() for name in FLAG_INPUTS if name != "has_basic_pension"})
    types["case_id"] = pa.string()
    return pcsv.read_csv(path, convert_options=pcsv.ConvertOptions(column_types=types))


def to_fen(yuan):
    return np.rint(np.asarray(yuan, dtype=np.float64) * 100).astype(np.int64)


def inputs_of(table, arithmetic):
    inputs = {}
    pension = table.column("basic_pension_monthly")
    has_pension = pension.is_valid().to_numpy(zero_copy_only=False)
    for name in MONEY_INPUTS:
        values = table.column(name).fill_null(0).to_numpy()
        # fen: whole fen in OpenFisca's int (int32); float: yuan in its float (float32).
        inputs[name] = to_fen(values).astype(np.int32) if arithmetic == "fen" else values.astype(np.float32)
    for name in COUNT_INPUTS:
        inputs[name] = table.column(name).to_numpy().astype(np.int32)
    for name in FLAG_INPUTS:
        inputs[name] = has_pension if name == "has_basic_pension" else table.column(name).to_numpy() == 1
    return inputs


def yuan_text(fen):
    """Whole fen as yuan with two decimals, as gongshang writes them
    (`Money::write_yuan`), with pyarrow's string kernels."""
    whole, cents = np.divmod(np.asarray(fen, dtype=np.int64), 100)
    if whole.size and whole.min() < 0:
        raise ValueError("a negative amount")
    return pc.binary_join_element_wise(
        pc.cast(pa.array(whole), pa.string()),
        pc.utf8_lpad(pc.cast(pa.array(cents), pa.string()), 2, "0"),
        ".",
    )


def write_results(path, case_ids, columns):
    """The batch's result format. pyarrow never quotes here (`none`) and
    refuses a case id that would need quotes rather than write it wrong."""
    table = pa.table([case_ids] + [yuan_text(fen) for fen in columns.values()], names=["case_id", *columns])
    with open(path, "wb") as f:
        f.write((",".join(table.column_names) + "\n").encode())
        pcsv.write_csv(table, f, write_options=pcsv.WriteOptions(include_header=False, quoting_style="none"))


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
    table = read_cases(args.cases)
    inputs = inputs_of(table, args.arithmetic)
    phases["read_s"] = time.perf_counter() - t

    t = time.perf_counter()
    rows = table.num_rows
    simulation = SimulationBuilder().build_default_simulation(system, rows)
    for name, values in inputs.items():
        simulation.set_input(name, args.year, values)
    results = {name: simulation.calculate(name, args.year) for name in OUTPUTS}
    phases["compute_s"] = time.perf_counter() - t

    t = time.perf_counter()
    columns = {
        name: results[name] if args.arithmetic == "fen" else to_fen(results[name]) for name in OUTPUTS
    }
    write_results(args.out, table.column("case_id"), columns)
    phases["write_s"] = time.perf_counter() - t

    print(json.dumps({"rows": rows, "arithmetic": args.arithmetic, "reform_applied": applied, **phases}))


if __name__ == "__main__":
    main()
