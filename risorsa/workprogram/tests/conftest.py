"""The work program's tests happen on TODAY (a Friday of an edition in progress)."""

import pytest
import time_machine

from risorsa.protection.tests.helpers import sample_customer
from risorsa.workprogram.tests.helpers import TODAY, edition_for


@pytest.fixture
def _today():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def customer(utility):
    return sample_customer(utility)  # ROSSI MARIO owes 383,26 €


@pytest.fixture
def edition(personas):
    return edition_for(personas)
