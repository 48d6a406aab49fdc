# This file is part of 莘情照护.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The spot-check sample of DESIGN.md "Spot checks" (contract).

Plain Python on purpose: an auditor re-derives a plan from the visits and the
plan's stored rate, minimum and seed with nothing but these two functions.
"""
import math
import random
from decimal import Decimal


def sample_size(population, rate, minimum):
    "min(n, max(N, ceil(R × n))), with R read as an exact decimal"
    return min(population, max(minimum, math.ceil(Decimal(str(rate))
                * population)))


def draw(seed, contract_number, population, flagged, rate, minimum):
    """The identity numbers to inspect on one contract.

    population: the identity numbers of the persons with accepted visits on
    the contract in the month; flagged: those of them with a flagged visit.
    """
    size = sample_size(len(population), rate, minimum)
    flagged = sorted(set(flagged) & set(population))
    others = sorted(set(population) - set(flagged))
    rng = random.Random(f'{seed}:{contract_number}')
    if len(flagged) >= size:
        return rng.sample(flagged, size)
    return flagged + rng.sample(others, size - len(flagged))
