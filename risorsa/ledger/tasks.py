from django_tasks import task

from risorsa.ledger import services
from risorsa.ledger.models import ImportRun


@task()
def import_file(run_id: int) -> str:
    """Background import of a file received through the web (progress on the ImportRun). Runs
    that an earlier worker left half-done are marked interrupted first."""
    services.mark_interrupted_imports()
    run = services.run_import(run=ImportRun.objects.get(pk=run_id))
    return run.status
