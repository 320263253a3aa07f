"""Every text a person reads from the email bot: SMTP answers, reply subjects and notices.

Kept in one place so wording is reviewed (and one day translated) once (STYLE.md, habit 9).
"""

from __future__ import annotations

# SMTP answers (RFC 5321 codes with RFC 3463 enhanced status codes)
ACCEPTED = "250 2.0.0 Message accepted for delivery"
ALREADY_RECEIVED = "250 2.0.0 Message already received"
RECIPIENT_OK = "250 2.1.5 Recipient ok"
UNKNOWN_RECIPIENT = "550 5.1.1 No such recipient here: {address}"
NOT_OUR_DOMAIN = "550 5.7.1 Relaying denied: we only accept mail for {domain}"
TRY_AGAIN = "451 4.3.0 Temporary failure storing the message, please try again later"

# reply subjects and headlines
REPLY_SUBJECT = "Re: {subject}"
NO_SUBJECT = "your resumes"
HEADLINE = "{done} of {total} processed"
HEADLINE_FAILED = "{done} of {total} processed ({failed} failed)"
NOTHING_FOUND = (
    "We found no resume in your email. Attach the resume (PDF, Word, RTF, ODT, text, an image "
    "or a ZIP of them), forward the candidate's email as an attachment, or paste the resume "
    "text into the message."
)
OUTCOMES = {
    "created": "new candidate",
    "updated": "merged into an existing candidate",
    "duplicate": "already imported (same file)",
}
FAILED = "not imported"

# notices (only ever sent to a proven recruiter, never to automatic mail)
RATE_LIMITED = (
    "You have sent more than {limit} emails in the last hour, so we stopped importing your "
    "messages for now. Messages you send in the next hour are kept but not imported; you "
    "will not receive another notice like this one."
)
SIGNATURE = "HotGigs resume bot"
