"""A peer model of gongshang's batch path written with openfisca-core.

It computes, for one person (a case) per row, the items of the national
Regulations on Work-Related Injury Insurance that `gongshang calc --batch`
writes: the benefit wage (Art 64 clamp), the one-time disability subsidy,
the monthly disability allowance with its minimum-wage top-up and the
Art 35(3) pension offset, living care (Art 34), the funeral subsidy, the
one-time death benefit and the survivors' pensions (Art 39), and the paid
suspension wages (Art 33).

Two arithmetics, two tax-benefit systems over the same parameters:

- `build_system("fen")`: amounts are whole fen in OpenFisca `int` variables,
  every product with a rate is computed in int64 and rounded half away from
  zero to the fen once per statutory step: gongshang's rule
  (`Money::mul_rate`, crates/gongshang-rules/src/money.rs). This is the model
  that must agree with gongshang on every row.
- `build_system("float")`: amounts are yuan in OpenFisca `float` variables
  (float32 numpy arrays, OpenFisca's own choice for `value_type = float`),
  rounded with `round_(x, 2)` (numpy: half to even, in binary) at the same
  steps: how a country package usually writes money. It is there to count
  how many rows float arithmetic puts off by a fen or more, and why.
"""

from pathlib import Path

from openfisca_core.entities import build_entity
from openfisca_core.taxbenefitsystems import TaxBenefitSystem

PARAMETERS_DIR = Path(__file__).parent / "parameters"

Case = build_entity(
    key="case",
    plural="cases",
    label="A work-injury case: one injured or deceased worker (a row of the batch file)",
    is_person=True,
)

ARITHMETICS = ("fen", "float")


def build_system(arithmetic: str = "fen") -> TaxBenefitSystem:
    if arithmetic not in ARITHMETICS:
        raise ValueError(f"arithmetic must be one of {ARITHMETICS}, not {arithmetic!r}")
    from . import variables

    system = TaxBenefitSystem([Case])
    system.load_parameters(str(PARAMETERS_DIR))
    system.add_variables(*variables.input_variables(Case, arithmetic))
    system.add_variables(*variables.computed_variables(Case, arithmetic))
    return system
