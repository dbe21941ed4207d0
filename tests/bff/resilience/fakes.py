"""A clock the tests move by hand, and a sleep that moves it instead of waiting."""

from __future__ import annotations


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def no_jitter(ceiling: float) -> float:
    """The backoff's ceiling itself, so delays are exact."""
    return ceiling
