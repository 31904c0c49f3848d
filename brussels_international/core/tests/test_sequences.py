"""Gap-free yearly number sequences: order, rollback, per-year restart, concurrency on PostgreSQL."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, transaction

from brussels_international.core.models import NumberSequence
from brussels_international.core.sequences import sequence_next


@pytest.mark.django_db
def test_numbers_follow_each_other_per_key_and_year_and_a_rollback_leaves_no_gap() -> None:
    with transaction.atomic():
        assert [sequence_next(key="letters", year=2026) for _ in range(3)] == [1, 2, 3]
        assert sequence_next(key="letters", year=2027) == 1
        assert sequence_next(key="licences", year=2026) == 1

    class Abort(Exception):
        pass

    with pytest.raises(Abort), transaction.atomic():
        assert sequence_next(key="letters", year=2026) == 4
        raise Abort
    with transaction.atomic():
        assert sequence_next(key="letters", year=2026) == 4  # given again: no gap
    assert NumberSequence.objects.get(key="letters", year=2026).last == 4


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_is_refused() -> None:
    with pytest.raises(transaction.TransactionManagementError):
        sequence_next(key="letters", year=2026)
    assert NumberSequence.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_concurrent_transactions_never_share_a_number() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("row locking is checked on PostgreSQL (SQLite serialises writers itself)")
    taken: list[int] = []
    errors: list[BaseException] = []
    start = threading.Barrier(8)

    def worker() -> None:
        try:
            start.wait()
            for _ in range(10):
                with transaction.atomic():
                    taken.append(sequence_next(key="concurrent", year=2026))
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(taken) == list(range(1, 81))
