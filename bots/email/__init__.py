"""The email door: our own SMTP server receives forwarded resumes, replies go back threaded.

`server` accepts and stores raw mail, `tasks` turns a stored message into an `IngestRequest`
once `proof` says which recruiter sent it (else it is quarantined, never answered), `reply`
answers that recruiter once per batch. `recruiters` and `quarantine` are the operator's use
cases (the CLI, Slack and the dashboard call them). Only this package imports aiosmtpd.
"""
