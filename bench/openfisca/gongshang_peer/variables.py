"""The peer model's variables: the batch file's input columns and the items
`gongshang calc --batch` computes under the national Regulations.

Each formula follows the Rust function it mirrors (crates/gongshang-rules/src/
award.rs `compute_award`, benefits.rs); the article is in the docstring.
Inputs are trusted: they come from `gongshang synth cases`, which writes only
valid rows, so the range checks of the batch path (grade 0-10, suspension
months 0-24, extra10 dependants no more than the dependants, ...) are not
repeated here.
"""

import numpy as np
from openfisca_core.model_api import YEAR, Variable

# ---------------------------------------------------------------------------
# Exact arithmetic in fen (gongshang's rule)

INT32_MAX = np.iinfo(np.int32).max


def basis_points(rate: float) -> int:
    """A rate of the parameters as whole basis points; every rate of the
    national Regulations is a whole percent. A rate that is not a whole
    number of basis points is refused rather than rounded."""
    bp = round(float(rate) * 10_000)
    if abs(float(rate) * 10_000 - bp) > 1e-6:
        raise ValueError(f"rate {rate} is not a whole number of basis points")
    return bp


def round_half_away_from_zero(numerator, denominator: int):
    """`round_half_away_from_zero` of crates/gongshang-rules/src/money.rs,
    vectorised over int64."""
    n = np.asarray(numerator, dtype=np.int64)
    return np.sign(n) * ((2 * np.abs(n) + denominator) // (2 * denominator))


def mul_rate(fen, rate: float):
    """`Money::mul_rate`: fen × rate, rounded half away from zero to the fen,
    once."""
    return round_half_away_from_zero(np.asarray(fen, dtype=np.int64) * basis_points(rate), 10_000)


def mul_rate_bp(fen, bp):
    """`mul_rate` with a basis-point rate per row."""
    return round_half_away_from_zero(
        np.asarray(fen, dtype=np.int64) * np.asarray(bp, dtype=np.int64), 10_000
    )


def fen_out(values):
    """An amount in fen handed back to OpenFisca, whose `int` is int32: refused
    rather than wrapped around when it does not fit (21,474,836.47 yuan)."""
    values = np.asarray(values, dtype=np.int64)
    if values.size and (values.max() > INT32_MAX or values.min() < -INT32_MAX):
        raise OverflowError("an amount does not fit OpenFisca's int32 fen")
    return values


# ---------------------------------------------------------------------------
# Float arithmetic in yuan (how a country package usually writes money)


def round_yuan(values):
    """`round_(x, 2)`: numpy's rounding to two decimals, half to even, on
    the binary value (float32 here, OpenFisca's float)."""
    return np.round(values, 2)


# ---------------------------------------------------------------------------

MONEY_INPUTS = {
    "own_wage": "Average monthly wage of the 12 months before the injury (本人工资)",
    "regional_avg_wage": "Regional average monthly wage of the previous year",
    "min_wage": "Local monthly minimum wage",
    "national_income": "National urban per-capita disposable income of the year before the death (yuan a year)",
    "basic_pension_monthly": "Basic pension drawn a month; 0 with has_basic_pension false",
}
COUNT_INPUTS = {
    "grade": "Disability grade: 0 none, 1-10 (1 is the most severe)",
    "nursing": "Living care level: 0 none, 1 partly, 2 mostly, 3 completely dependent",
    "other_dependents": "Dependants other than the spouse",
    "extra10_dependents": "Orphans and lone elderly people among the dependants (10% more each)",
    "suspension_months": "Months of paid suspension (停工留薪期)",
}
FLAG_INPUTS = {
    "job_arranged": "Grades 5-6: the employer arranged a suitable job",
    "died": "The worker died",
    "spouse": "A dependent spouse",
    "has_basic_pension": "The row's basic_pension_monthly is not empty",
}

# The batch file's result columns after case_id, in order.
OUTPUTS = (
    "benefit_wage",
    "one_time_disability_subsidy",
    "monthly_disability_allowance",
    "monthly_living_care",
    "funeral_subsidy",
    "one_time_death_benefit",
    "monthly_survivor_pensions",
    "suspension_wages",
)


def _variable(name, entity, value_type, label, formula=None):
    attrs = {
        "value_type": value_type,
        "entity": entity,
        "definition_period": YEAR,
        "label": label,
    }
    if formula is not None:
        attrs["formula"] = formula
        attrs["documentation"] = formula.__doc__
    return type(name, (Variable,), attrs)


def input_variables(entity, arithmetic):
    money_type = int if arithmetic == "fen" else float
    out = [_variable(n, entity, money_type, label) for n, label in MONEY_INPUTS.items()]
    out += [_variable(n, entity, int, label) for n, label in COUNT_INPUTS.items()]
    out += [_variable(n, entity, bool, label) for n, label in FLAG_INPUTS.items()]
    return out


def computed_variables(entity, arithmetic):
    formulas = FEN_FORMULAS if arithmetic == "fen" else FLOAT_FORMULAS
    money_type = int if arithmetic == "fen" else float
    return [
        _variable(name, entity, money_type, name.replace("_", " "), formulas[name])
        for name in OUTPUTS
    ]


def _grade_table(node, grades, scale):
    """Parameter values by grade (index 0: no grade), for indexing by the
    grade column."""
    table = [0] * 11
    for g in grades:
        table[g] = scale(getattr(node, f"grade_{g}"))
    return np.array(table, dtype=np.int64)


# ---------------------------------------------------------------------------
# The formulas in fen


def _in(case, name, period):
    return case(name, period).astype(np.int64)


def benefit_wage_fen(case, period, parameters):
    """Regulations Art 64 para 2: the own wage held between 60% and 300% of the
    regional average (each bound rounded once); benefits.rs `benefit_wage`."""
    p = parameters(period).benefit_wage
    avg = _in(case, "regional_avg_wage", period)
    floor = mul_rate(avg, p.floor_share)
    ceiling = mul_rate(avg, p.ceiling_share)
    return fen_out(np.minimum(np.maximum(_in(case, "own_wage", period), floor), ceiling))


def one_time_disability_subsidy_fen(case, period, parameters):
    """Regulations Arts 35-37 (1): months by grade × the benefit wage, exact."""
    months = _grade_table(parameters(period).disability.one_time_subsidy_months, range(1, 11), int)
    grade = case("grade", period)
    return fen_out(_in(case, "benefit_wage", period) * months[grade])


def _has_allowance(case, period):
    grade = case("grade", period)
    return ((grade >= 1) & (grade <= 4)) | (
        ((grade == 5) | (grade == 6)) & ~case("job_arranged", period)
    )


def monthly_disability_allowance_fen(case, period, parameters):
    """Regulations Arts 35 (2), 36 (2): the grade's share of the benefit wage
    (rounded once), at least the minimum wage; none for a deceased worker; a
    grade 1-4 worker with a basic pension gets only the part above it
    (Art 35(3)); award.rs `compute_award`, `pension_offset`."""
    rates = _grade_table(parameters(period).disability.allowance_rate, range(1, 7), basis_points)
    grade = case("grade", period)
    computed = mul_rate_bp(_in(case, "benefit_wage", period), rates[grade])
    amount = np.maximum(computed, _in(case, "min_wage", period))
    offset = (grade <= 4) & case("has_basic_pension", period) & (amount > 0)
    amount = np.where(
        offset, np.maximum(amount - _in(case, "basic_pension_monthly", period), 0), amount
    )
    return fen_out(np.where(_has_allowance(case, period) & ~case("died", period), amount, 0))


def _care_table(parameters, period, scale):
    care = parameters(period).living_care.rate
    return np.array([0, scale(care.partly), scale(care.mostly), scale(care.fully)])


def monthly_living_care_fen(case, period, parameters):
    """Regulations Art 34: 50%/40%/30% of the regional average by level, rounded
    once; ends at death."""
    rates = _care_table(parameters, period, basis_points).astype(np.int64)
    nursing = case("nursing", period)
    amount = mul_rate_bp(_in(case, "regional_avg_wage", period), rates[nursing])
    return fen_out(np.where((nursing > 0) & ~case("died", period), amount, 0))


def funeral_subsidy_fen(case, period, parameters):
    """Regulations Art 39(1)(1): 6 months of the regional average wage."""
    months = int(parameters(period).death.funeral_subsidy_months)
    return fen_out(np.where(case("died", period), _in(case, "regional_avg_wage", period) * months, 0))


def one_time_death_benefit_fen(case, period, parameters):
    """Regulations Art 39(1)(3): 20 × the national income of the year before;
    not for a grade 1-4 worker, who died after the paid suspension (Art 39(3))."""
    multiple = int(parameters(period).death.one_time_benefit_income_multiple)
    grade = case("grade", period)
    due = case("died", period) & ~((grade >= 1) & (grade <= 4))
    return fen_out(np.where(due, _in(case, "national_income", period) * multiple, 0))


def monthly_survivor_pensions_fen(case, period, parameters):
    """Regulations Art 39(1)(2): 40% for the spouse, 30% for each other
    dependant, 10% more for orphans and lone elderly people (the others
    first, then the spouse), each rounded once, the total at most the benefit
    wage; benefits.rs `survivor_pensions`."""
    r = parameters(period).death.survivor_rate
    spouse_bp, other_bp, extra_bp = (basis_points(r.spouse), basis_points(r.other), basis_points(r.extra))
    bw = _in(case, "benefit_wage", period)
    spouse = case("spouse", period)
    others = _in(case, "other_dependents", period)
    extra10 = _in(case, "extra10_dependents", period)
    others_extra = np.minimum(extra10, others)
    spouse_rate = np.where(extra10 > others, spouse_bp + extra_bp, spouse_bp)
    spouse_amount = np.where(spouse, mul_rate_bp(bw, spouse_rate), 0)
    total = (
        spouse_amount
        + mul_rate(bw, r.other) * (others - others_extra)
        + mul_rate_bp(bw, other_bp + extra_bp) * others_extra
    )
    return fen_out(np.where(case("died", period), np.minimum(total, bw), 0))


def suspension_wages_fen(case, period, parameters):
    """Regulations Art 33: the original (unclamped) wage for each month of the
    paid suspension, exact."""
    return fen_out(_in(case, "own_wage", period) * _in(case, "suspension_months", period))


FEN_FORMULAS = {
    "benefit_wage": benefit_wage_fen,
    "one_time_disability_subsidy": one_time_disability_subsidy_fen,
    "monthly_disability_allowance": monthly_disability_allowance_fen,
    "monthly_living_care": monthly_living_care_fen,
    "funeral_subsidy": funeral_subsidy_fen,
    "one_time_death_benefit": one_time_death_benefit_fen,
    "monthly_survivor_pensions": monthly_survivor_pensions_fen,
    "suspension_wages": suspension_wages_fen,
}


# ---------------------------------------------------------------------------
# The same formulas in float yuan


def benefit_wage_float(case, period, parameters):
    """Art 64 in float yuan."""
    p = parameters(period).benefit_wage
    avg = case("regional_avg_wage", period)
    floor = round_yuan(avg * p.floor_share)
    ceiling = round_yuan(avg * p.ceiling_share)
    return np.minimum(np.maximum(case("own_wage", period), floor), ceiling)


def one_time_disability_subsidy_float(case, period, parameters):
    """Arts 35-37 (1) in float yuan."""
    months = _grade_table(parameters(period).disability.one_time_subsidy_months, range(1, 11), int)
    return case("benefit_wage", period) * months[case("grade", period)]


def monthly_disability_allowance_float(case, period, parameters):
    """Arts 35 (2), 35(3), 36 (2) in float yuan."""
    node = parameters(period).disability.allowance_rate
    rates = np.array([0.0] + [float(getattr(node, f"grade_{g}")) for g in range(1, 7)] + [0.0] * 4)
    grade = case("grade", period)
    computed = round_yuan(case("benefit_wage", period) * rates[grade].astype(np.float32))
    amount = np.maximum(computed, case("min_wage", period))
    offset = (grade <= 4) & case("has_basic_pension", period) & (amount > 0)
    amount = np.where(offset, np.maximum(amount - case("basic_pension_monthly", period), 0), amount)
    return np.where(_has_allowance(case, period) & ~case("died", period), amount, 0)


def monthly_living_care_float(case, period, parameters):
    """Art 34 in float yuan."""
    rates = _care_table(parameters, period, float).astype(np.float32)
    nursing = case("nursing", period)
    amount = round_yuan(case("regional_avg_wage", period) * rates[nursing])
    return np.where((nursing > 0) & ~case("died", period), amount, 0)


def funeral_subsidy_float(case, period, parameters):
    """Art 39(1)(1) in float yuan."""
    months = parameters(period).death.funeral_subsidy_months
    return np.where(case("died", period), case("regional_avg_wage", period) * months, 0)


def one_time_death_benefit_float(case, period, parameters):
    """Art 39(1)(3), 39(3) in float yuan."""
    multiple = parameters(period).death.one_time_benefit_income_multiple
    grade = case("grade", period)
    due = case("died", period) & ~((grade >= 1) & (grade <= 4))
    return np.where(due, case("national_income", period) * multiple, 0)


def monthly_survivor_pensions_float(case, period, parameters):
    """Art 39(1)(2) in float yuan."""
    r = parameters(period).death.survivor_rate
    bw = case("benefit_wage", period)
    others = case("other_dependents", period)
    extra10 = case("extra10_dependents", period)
    others_extra = np.minimum(extra10, others)
    spouse_rate = np.where(extra10 > others, r.spouse + r.extra, r.spouse).astype(np.float32)
    spouse_amount = np.where(case("spouse", period), round_yuan(bw * spouse_rate), 0)
    total = (
        spouse_amount
        + round_yuan(bw * r.other) * (others - others_extra)
        + round_yuan(bw * (r.other + r.extra)) * others_extra
    )
    return np.where(case("died", period), np.minimum(total, bw), 0)


def suspension_wages_float(case, period, parameters):
    """Art 33 in float yuan."""
    return case("own_wage", period) * case("suspension_months", period)


FLOAT_FORMULAS = {
    "benefit_wage": benefit_wage_float,
    "one_time_disability_subsidy": one_time_disability_subsidy_float,
    "monthly_disability_allowance": monthly_disability_allowance_float,
    "monthly_living_care": monthly_living_care_float,
    "funeral_subsidy": funeral_subsidy_float,
    "one_time_death_benefit": one_time_death_benefit_float,
    "monthly_survivor_pensions": monthly_survivor_pensions_float,
    "suspension_wages": suspension_wages_float,
}
