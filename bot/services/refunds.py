"""Room-temperature refunds: the amount the policy gives for a measurement, and how it is reached.

A user told "you may get 19.04 元" must be able to check it, so the answer shows each step
(degrees below the standard, the tier's share, the daily fee, the days) and the conditions that
make days count: below the standard and not fixed within the policy's hours after it was
reported, as established by an on-site measurement. The arithmetic is `bot.policy`'s
`refund_estimate`; this module only picks the price and writes the explanation.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.policy import Policy, RefundEstimate, refund_estimate, refund_policy_text


@dataclass(frozen=True)
class RefundAnswer:
    """An estimate and its explanation for the user (or the agent reading it to them)."""

    estimate: RefundEstimate
    text: str

    @property
    def due(self) -> bool:
        """Whether anything is refunded at all."""
        return self.estimate.amount > 0


def _n(value: float) -> str:
    return f"{round(value, 2):g}"


def explain(policy: Policy, estimate: RefundEstimate) -> str:
    """The explanation of `estimate` under `policy`, conditions included."""
    e = estimate
    measured = f"实测室温{_n(e.measured_c)}℃"
    if e.rate == 0:
        return (
            f"{measured}，不低于{_n(e.standard_c)}℃的供热标准，不涉及退费。"
            f"{refund_policy_text(policy)}"
        )
    steps = (
        f"{measured}，低于{_n(e.standard_c)}℃的标准{_n(e.degrees_below)}℃，"
        f"按日热费的{_n(e.rate * 100)}%退还。"
        f"采暖费{e.season_fee}元÷{e.season_days}天≈{e.daily_fee}元/天"
    )
    if e.days == 0:
        steps += "，目前没有符合条件的天数，暂不退费。"
    else:
        steps += f"，{e.days}天约退{e.amount}元。"
    return f"{steps}{refund_policy_text(policy)}以上为估算，以上门测温记录和核定结果为准。"


def estimate_refund(
    policy: Policy,
    measured_c: float,
    area_m2: float,
    days: int,
    *,
    price_per_m2: float | None = None,
    old_building: bool = False,
    outdoor_mean_c: float | None = None,
    start_year: int | None = None,
) -> RefundAnswer:
    """The refund for `days` qualifying days at `measured_c` in a home of `area_m2` m².

    `price_per_m2` defaults to the policy's area price; `days` are those that qualify (below the
    standard and not fixed within `refund.not_fixed_within_hours`), counted by the caller from
    the ticket history. An old building on a cold day has the lower standard when the policy has
    that exception.
    """
    price = policy.fees.area_price_per_m2 if price_per_m2 is None else price_per_m2
    estimate = refund_estimate(
        policy,
        measured_c,
        area_m2,
        price,
        days,
        old_building=old_building,
        outdoor_mean_c=outdoor_mean_c,
        start_year=start_year,
    )
    return RefundAnswer(estimate, explain(policy, estimate))
