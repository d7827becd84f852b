import pytest

from agency.card_terminals import terminal_cache_clear
from agency.providers import adapter_cache_clear
from tests.agency.factories import ProductFactory, fund


@pytest.fixture(autouse=True)
def _simulator(settings):
    """A fast, deterministic simulator for every till test (no latency, no random declines)."""
    settings.AGENCY_PROVIDER_ADAPTERS = {"simulator": {
        "BACKEND": "agency.providers.simulator.SimulatorAdapter",
        "OPTIONS": {"latency_ms": 0, "decline_rate": 0.0, "timeout_rate": 0.0, "seed": 1}}}
    adapter_cache_clear()
    yield
    adapter_cache_clear()


@pytest.fixture(autouse=True)
def _card_simulator(settings):
    """A fresh, fast simulated card reader for every till test (no latency, no random outcomes)."""
    settings.AGENCY_CARD_TERMINAL = "simulator"
    settings.AGENCY_CARD_TERMINALS = {"simulator": {
        "BACKEND": "agency.card_terminals.simulator.SimulatorTerminal", "OPTIONS": {"seed": 1}}}
    terminal_cache_clear()
    yield
    terminal_cache_clear()


@pytest.fixture
def product(db):
    return ProductFactory()


@pytest.fixture
def funded(station, product):
    """The station's utilities float holds 1,000 yuan."""
    return fund(station, product.provider.float_group, 100_000)
