"""Running calls in threads at the same moment, for the PostgreSQL tests of locks and unique keys."""

import threading

from django.db import connection, transaction


def run_together(*calls, atomic: bool = False, timeout: float = 60):
    """Run the callables in threads released at the same moment (a barrier); return their results, or
    the exceptions they raised, in order. `atomic`: each call in a transaction of its own, as a web
    request is. Each thread closes its own database connection when done."""
    results: list = [None] * len(calls)
    barrier = threading.Barrier(len(calls), timeout=timeout)

    def run(index, call):
        try:
            barrier.wait()
            if atomic:
                with transaction.atomic():
                    results[index] = call()
            else:
                results[index] = call()
        except Exception as error:  # handed back to the test
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=2 * timeout)
    return results
