"""Two overlapping imports at the same time end consistent (PostgreSQL: real concurrent transactions)."""

import threading
from datetime import date

import pytest
from django.db import connection, connections

from risorsa.ledger.models import Bill, ImportStatus
from risorsa.ledger.tests.helpers import SAMPLES, import_file

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="concorrenza reale solo su PostgreSQL"
)


def _later_snapshot(tmp_path):
    """The same bills a month later: every residual halved, plus five new bills."""
    lines = (SAMPLES / "fatture_ok.csv").read_text().splitlines()
    out = [lines[0]]
    for line in lines[1:]:
        cells = line.split(";")
        cents = int(cells[11].replace(",", "").replace(".", ""))
        cells[11] = f"{cents // 2 // 100},{cents // 2 % 100:02d}"
        out.append(";".join(cells))
    for extra in range(5):
        cells = lines[1].split(";")
        cells[7] = f"2010/9{extra:05d}"
        out.append(";".join(cells))
    path = tmp_path / "fatture-marzo.csv"
    path.write_text("\n".join(out) + "\n")
    return path


@pytest.mark.django_db(transaction=True)
def test_overlapping_imports_leave_no_duplicate_and_no_lost_update(organizations, tmp_path):
    utility = organizations["aem"]
    later = _later_snapshot(tmp_path)
    results = {}
    barrier = threading.Barrier(2)

    def run(name, path, as_of):
        try:
            barrier.wait()
            results[name] = import_file(utility, "fatture", path, as_of=as_of)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=run, args=("february", SAMPLES / "fatture_ok.csv", date(2010, 2, 28))),
        threading.Thread(target=run, args=("march", later, date(2010, 3, 31))),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert {run.status for run in results.values()} == {ImportStatus.DONE}
    # no duplicate: 45 bills and 5 new ones, each once
    assert Bill.objects.count() == 50
    assert results["february"].created + results["march"].created == 50
    # no lost update: the March snapshot wins whatever order the transactions committed in
    expected = {}
    for line in later.read_text().splitlines()[1:]:
        cells = line.split(";")
        expected[cells[7]] = cells[11]
    for bill in Bill.objects.all():
        assert f"{bill.residual:.2f}".replace(".", ",") == expected[bill.number]
        assert bill.as_of == date(2010, 3, 31)


@pytest.mark.django_db(transaction=True)
def test_two_utilities_bringing_the_same_new_people_at_once_both_succeed(organizations):
    """Each utility's merge holds only its own lock: both insert the same people into Cremona's
    registry at the same time; the second finds the first's rows instead of failing on the key."""
    from risorsa.ledger.models import Customer
    from risorsa.registry.models import Person

    organizations["a2a"].default_municipality = organizations["comune"]
    organizations["a2a"].save()
    results = {}
    barrier = threading.Barrier(2)

    def run(code):
        try:
            barrier.wait()
            results[code] = import_file(organizations[code], "fatture", SAMPLES / "fatture_ok.csv")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(code,)) for code in ("aem", "a2a")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert {run.status for run in results.values()} == {ImportStatus.DONE}, {
        code: run.failure for code, run in results.items()
    }
    people = Person.objects.count()
    assert people == Customer.objects.filter(utility=organizations["aem"]).values("person").distinct().count()
    assert set(Customer.objects.values_list("person", flat=True)) == set(
        Person.objects.values_list("pk", flat=True)
    )
    assert results["aem"].people_created + results["a2a"].people_created == people
