"""The web door's worker side: the `web` channel of the reply registry (`notifier`).

The door itself (upload pages and `/api/v1`) is HTTP and lives in `hotgigs.web`; what runs in
the workers for its batches lives here, beside the other channels' notifiers.
"""
