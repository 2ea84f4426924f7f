"""One container per context, listing its use cases once. Each takes its unit of work,
clock and adapters as `Dependency`s: the app's container (entrypoints/container.py)
mounts them on the configured storage, and unit tests build them on the memory adapters.
Routes are typed against them (http/<ctx>/use_cases.py)."""
