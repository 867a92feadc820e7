"""A gongshang reform file (examples/reforms/*.toml) applied to the peer model
as an OpenFisca reform.

The peer model's parameters have the keys of policies/national/regulations.toml,
so an `[[override]]` whose key the model has becomes a dated update of that
parameter from the override's `from`; the others (e.g. 益鹭保's price, the
indexation rate: nothing the batch computes) are skipped and listed.
"""

import tomllib
from decimal import Decimal

from openfisca_core import periods
from openfisca_core.parameters import Parameter
from openfisca_core.reforms import Reform


def parse_value(value):
    """`"50%"` -> 0.5, `"0.6"` -> 0.6, 27 -> 27."""
    if isinstance(value, str):
        text = value.strip()
        if text.endswith("%"):
            return float(Decimal(text[:-1]) / 100)
        return float(Decimal(text))
    return value


def find_parameter(parameters, key):
    node = parameters
    for part in key.split("."):
        node = getattr(node, part, None) if hasattr(node, "children") else None
        if node is None:
            return None
    return node if isinstance(node, Parameter) else None


def overrides_of(path):
    with open(path, "rb") as f:
        return tomllib.load(f).get("override", [])


def apply_reform(system, path):
    """The system with the reform's overrides the model has; and what was
    applied as `(key, from, value)`."""
    overrides = overrides_of(path)
    applied = []
    for o in overrides:
        if find_parameter(system.parameters, o["key"]) is not None:
            applied.append((o["key"], str(o["from"]), parse_value(o["value"])))

    class FileReform(Reform):
        name = str(path)

        def apply(self):
            def modify(parameters):
                for key, start, value in applied:
                    find_parameter(parameters, key).update(start=periods.instant(start), value=value)
                return parameters

            self.modify_parameters(modifier_function=modify)

    return FileReform(system), applied
