"""Reactions of the apps above the ledger to what an import brought (protection: meter events).

They run in the import's own transaction, after the merge: what a file sets off is written
with the file, or not at all. The ledger never imports those apps; they register here.
"""

from collections.abc import Callable

from risorsa.ledger.models import ImportRun

Reaction = Callable[..., None]
_reactions: list[Reaction] = []


def register_reaction(reaction: Reaction) -> None:
    """Call `reaction(run=...)` after every import that completes."""
    if reaction not in _reactions:
        _reactions.append(reaction)


def react(run: ImportRun) -> None:
    for reaction in _reactions:
        reaction(run=run)
