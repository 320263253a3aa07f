"""The long-running processes: `serve` (all of them in one tree), `worker`, `smtp`, `scheduler`.

Each module here is one process's composition root: it bootstraps the services, asks
`hotgigs.wiring` for what it runs, and stops cleanly on SIGINT/SIGTERM.
"""
