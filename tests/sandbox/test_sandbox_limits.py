"""Flood limits: per-chat burst, per-group minute budget, global rate."""

from __future__ import annotations

from sandbox.telegram.limits import FloodGate, FloodLimits


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_per_chat_burst_then_one_per_second() -> None:
    clock = FakeClock()
    gate = FloodGate(FloodLimits(per_chat_burst=5, per_chat_per_second=1.0), clock)
    assert [gate.admit(1, is_group=False) for _ in range(5)] == [None] * 5
    assert gate.admit(1, is_group=False) == 1
    assert gate.admit(2, is_group=False) is None  # other chats are unaffected
    clock.now += 1.0
    assert gate.admit(1, is_group=False) is None
    assert gate.admit(1, is_group=False) == 1


def test_refused_requests_cost_nothing() -> None:
    clock = FakeClock()
    gate = FloodGate(FloodLimits(per_chat_burst=1, per_chat_per_second=0.5), clock)
    assert gate.admit(1, is_group=False) is None
    assert gate.admit(1, is_group=False) == 2
    assert gate.admit(1, is_group=False) == 2
    clock.now += 2.0
    assert gate.admit(1, is_group=False) is None


def test_group_minute_budget() -> None:
    clock = FakeClock()
    limits = FloodLimits(per_chat_burst=100, per_chat_per_second=100, per_group_per_minute=20)
    gate = FloodGate(limits, clock)
    assert all(gate.admit(-100, is_group=True) is None for _ in range(20))
    assert gate.admit(-100, is_group=True) == 3  # one token per 3 seconds
    assert gate.admit(7, is_group=False) is None


def test_global_rate() -> None:
    clock = FakeClock()
    gate = FloodGate(FloodLimits(global_per_second=30), clock)
    assert all(gate.admit(chat, is_group=False) is None for chat in range(30))
    assert gate.admit(999, is_group=False) == 1
    clock.now += 0.1
    assert gate.admit(999, is_group=False) is None  # 3 tokens refilled


def test_disabled() -> None:
    gate = FloodGate(FloodLimits(enabled=False), FakeClock())
    assert all(gate.admit(1, is_group=False) is None for _ in range(1000))
