"""Use cases shared by the GUI and the command line; the one door to the data.

Each call runs in one short-lived session (one transaction for writes), takes and returns
the domain's dataclasses, and raises the domain's errors: `InvalidInput`, `NotFound`,
`Conflict`, `StorageUnavailable`.
"""
