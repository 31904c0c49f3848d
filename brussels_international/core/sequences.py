"""Gap-free yearly number sequences ("COR-2026-0007", licence numbers).

A number is taken inside the caller's transaction: if that transaction rolls back, the
number is given again to the next caller, so the issued numbers have no gaps. On PostgreSQL
the sequence row is locked (``SELECT ... FOR UPDATE``) until the caller commits; on SQLite
the whole database is locked by the writing transaction (``transaction_mode: IMMEDIATE``
in settings), with the same effect.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import F

from .models import NumberSequence


def sequence_next(*, key: str, year: int) -> int:
    """Take the next number of sequence *key* for *year* (1 for the first), in the caller's
    transaction.

    Args:
        key: the sequence's name, e.g. ``"correspondence.letter"``.
        year: the calendar year the numbers restart in.

    Returns:
        The number taken (1, 2, 3, ... without gaps among committed transactions).

    Raises:
        TransactionManagementError: called outside a transaction (``transaction.atomic``):
            the number would be given and committed apart from the record that uses it.
    """
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        raise transaction.TransactionManagementError("sequence_next must run inside transaction.atomic()")
    updated = NumberSequence.objects.filter(key=key, year=year).update(last=F("last") + 1)
    if not updated:
        try:
            with transaction.atomic():  # savepoint: a concurrent first number of the year
                NumberSequence.objects.create(key=key, year=year, last=1)
            return 1
        except IntegrityError:
            NumberSequence.objects.filter(key=key, year=year).update(last=F("last") + 1)
    return NumberSequence.objects.get(key=key, year=year).last
