import asyncio, gc, time
from datetime import UTC, datetime
import pytest
from sandbox.telegram import FloodLimits
from sandbox.telegram.limits import MODELS
from tests.delivery.test_flood_models import _sandbox, _alert, _deliver_all, _worker, outbox_bot  # noqa: F401

@pytest.mark.parametrize("model", MODELS)
async def test_probe(database, library, outbox_bot, model):
    gcs = []
    state = {}
    def cb(phase, info):
        if phase == "start":
            state["t"] = time.perf_counter()
        else:
            d = time.perf_counter() - state["t"]
            if d > 0.005:
                gcs.append((info["generation"], round(d, 3)))
    gc.callbacks.append(cb)
    lags = []
    async def monitor():
        while True:
            t = time.monotonic()
            await asyncio.sleep(0.005)
            lag = time.monotonic() - t - 0.005
            if lag > 0.02:
                lags.append(round(lag, 3))
    mon = asyncio.create_task(monitor())
    api = await _sandbox(FloodLimits(model=model))
    bot, _ = await outbox_bot(api)
    ids = await _alert(database, 90)
    started = datetime.now(UTC)
    await _deliver_all(_worker(database, bot, library, started), database, 30)
    mon.cancel()
    gc.callbacks.remove(cb)
    print("\nPROBE", model, "429", api.stats.too_many_requests, "gcs", gcs, "lags", lags)
