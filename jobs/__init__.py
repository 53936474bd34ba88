"""Background work on RQ: queues, task functions, the worker and the periodic schedule."""
