"""Every text a candidate reads on the apply page, in its refusals and in the status email:
one place (STYLE.md, habit 9), so the wording can be reviewed — the consent above all.

The consent wording is versioned: each application records the version it was given under.
Change `CONSENT_VERSION` whenever `consent_text` says something new.
"""

from __future__ import annotations

from email.message import EmailMessage

from bots.email.outbound import automated_message

CONSENT_VERSION = "2026-12-05"


def consent_text(owner: str | None, retention_days: int) -> str:
    """`owner`: how the job's recruiter is named (None: they have no name or address)."""
    kept = (f"for up to {retention_days} days after my last contact with the recruiter"
            if retention_days else "until I ask for it to be erased")
    who = f"the recruiter {owner}" if owner else "the recruiter who posted this job"
    return (f"I agree that {who} stores my resume and the email address above, "
            "that their software reads it (name, contact details, experience, skills) to "
            "consider me for this job and for their other open positions, and that it is "
            f"kept, encrypted, {kept}. I can ask the recruiter to see or erase it at any "
            "time.")


WHERE_REMOTE = "Remote"

NOT_FOUND_TITLE = "This job is not taking applications"
NOT_FOUND = ("The position you are looking for is closed, or is not taking applications on "
             "this page. The recruiter who sent you the link can tell you more.")
STATUS_NOT_FOUND_TITLE = "Application not found"
STATUS_NOT_FOUND = ("This status link is not known. Check that you copied the whole link from "
                    "the page you saw after applying, or from the email we sent you.")

CSRF_TITLE = "Your form has expired"
CSRF_REFUSED = ("We could not confirm that this form was sent from our apply page (it may "
                "have been open for a long time, or your browser blocks cookies). Nothing "
                "was stored. Please open the page again and send it once more.")
TOO_BIG_TITLE = "This file is too large"


def too_big(max_mb: int) -> str:
    return (f"Your resume must be at most {max_mb} MB. Nothing was stored. Please send a "
            "smaller file (a PDF export is usually small).")


RATE_TITLE = "Too many applications"


def rate_limited(minutes: int) -> str:
    return (f"We received several applications from your network in a short time. Please try "
            f"again in about {max(minutes, 1)} minute{'s' if minutes > 1 else ''}.")


UNAVAILABLE_TITLE = "Applications are paused"
UNAVAILABLE = "We cannot take applications right now. Please try again in a few minutes."

# form errors (the form comes back with the message; nothing was stored)
NEED_CONSENT = "Please tick the box to agree to how your resume is used: we cannot keep it " \
               "otherwise."
BAD_EMAIL = "Please enter a valid email address, such as name@example.com."
NEED_ONE_FILE = "Please choose exactly one resume file."
EMPTY_FILE = "The file you chose is empty."
BAD_FORM = "Your form could not be read. Please try again."

# content checks: why a file is refused (the reason is shown as is)
EXECUTABLE = "This file is a program ({what}), not a document: it was refused and not stored."
ARCHIVE = "This file is a ZIP archive: please send your resume itself (PDF, Word, " \
          "OpenDocument, RTF or text)."
IMAGE = "This file is a picture: please send your resume as a PDF or Word document."
HTML = "This file is a web page: please save your resume as PDF and send that."
UNSUPPORTED_EXT = "Files named {ext} are not accepted: please send a PDF, Word (.docx, .doc), " \
                  "OpenDocument (.odt), RTF or plain text (.txt) file."
MISMATCH = "This file is named {ext} but its content is {kind}: it was refused. Please send " \
           "the file exactly as your word processor saved it."
DECLARED_MISMATCH = "Your browser sent this file as {declared}, but its content is {kind}: " \
                    "it was refused."
UNREADABLE = "This file cannot be read as a resume ({reason})."

# the status page
FAILED_INTRO = "We could not read your resume"


_AGAIN = "You can send another file from the job's page."


def failure_in_words(reason: str) -> str:
    """The pipeline's reason, for the candidate: what it means, the reason itself (the
    recruiter sees the same words), and what to do next."""
    lowered = reason.lower()
    if lowered.startswith(("corrupt", "password", "encrypted")):
        return (f"The file seems damaged or locked, so it could not be opened ({reason}). "
                f"{_AGAIN}")
    if lowered.startswith("no text"):
        return (f"We found no text in the file ({reason}): is it a scan or a photo? A PDF "
                f"saved from your word processor works best. {_AGAIN}")
    return f"{reason[:1].upper()}{reason[1:]}. {_AGAIN}"


def status_email(*, to: str, sender: str, job_title: str, link: str) -> EmailMessage:
    message = automated_message(sender, to, f"Your application: {job_title}")
    message.set_content(
        f"Hello,\n\nthank you for applying for {job_title}. Your resume has arrived and is "
        "being read.\n\nThis link shows what we read from it (keep it private: anyone with "
        f"it can see that page):\n\n{link}\n\nYou received this email because this address "
        "was given on the job's apply page. If that was not you, you can ignore it.\n")
    return message
