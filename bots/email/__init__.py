"""The email door: our own SMTP server receives forwarded resumes, replies go back threaded.

`server` accepts and stores raw mail, `tasks` turns a stored message into an `IngestRequest`,
`reply` answers once per batch. Only this package imports aiosmtpd and mail-parser.
"""
