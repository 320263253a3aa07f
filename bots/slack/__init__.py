"""The Slack door: a Bolt app that turns files shared in a channel into an `IngestRequest`.

`app` builds the Bolt app (events, `/hotgigs`), `intake` downloads shared files and submits
them, `reply` edits progress and posts result cards in the upload's thread, `commands`
answers `/hotgigs`. Only this package imports slack_bolt and slack_sdk.
"""
