"""patrolopt: randomised patrol planning that keeps every deadline.

Problem: officers must visit every area before its limit, high-risk areas more, and stay
unpredictable to an observer who knows the strategy.  :func:`solve` plans a shift with a
randomised deadline-aware walk that always keeps a recovery rotation of the optimal tour
(Chevaleyre 2004; Basilico, Gatti & Amigoni 2012); :func:`next_stop` answers "where next"
online; :func:`validate_plan` lists every broken rule.  See ``docs/patrolopt.md``.
"""

from patrolopt.model import Params, prepare
from patrolopt.online import OfficerPosition, OnlineState, next_stop
from patrolopt.plan import Plan, Step
from patrolopt.problem import FixedPost, Officer, Problem
from patrolopt.solver import solve
from patrolopt.validate import Violation, validate_plan

__all__ = [
    "FixedPost",
    "Officer",
    "OfficerPosition",
    "OnlineState",
    "Params",
    "Plan",
    "Problem",
    "Step",
    "Violation",
    "next_stop",
    "prepare",
    "solve",
    "validate_plan",
]
