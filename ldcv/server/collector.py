"""Keep Python's cycle collector from stopping a request for a tenth of a second.

A server process serving a store renders documents on demand: each one allocates some
hundred thousand objects (rdflib terms, graphs, the page), while the caches keep tens
of thousands of older ones alive. With CPython's default thresholds (700, 10, 10) the
collector then walks every tracked object of the process a few times in 300 documents;
measured at 1,000 CVs, each of those full collections took 100–150 ms of CPU inside
whichever request set it off: they made the slowest one percent of uncached requests.

Documents make little cyclic garbage (a full collection after 600 of them found some
23,000 unreachable objects, the resident memory the same to the MiB), so collecting
young objects every 10,000 allocations and the oldest only after 100 middle-aged
collections (some 50 million allocations) costs no memory that matters and moves
the full pauses out of reach of all but a few requests in many thousands.
"""

from __future__ import annotations

import gc

# Allocations (net) between young collections; young collections between middle-aged
# ones; middle-aged between full ones.
THRESHOLDS = (10_000, 50, 100)


def collect_cycles_rarely() -> None:
    """Set the cycle collector's thresholds for serving documents rendered on demand."""
    gc.set_threshold(*THRESHOLDS)
