"""Every text a Slack user reads from HotGigs, in one place (STYLE.md, habit 9).

Slack mrkdwn: `*bold*`, `_italic_`, `<url|label>`; `&`, `<`, `>` in data are escaped by the
caller (`cards.esc`). Each message also has a plain `text` fallback for notifications and
screen readers.
"""

from __future__ import annotations

# -- files shared in a channel ----------------------------------------------------------------
PROCESSING = "Processing {count} {resumes}…"
PROGRESS = "Processing {total} {resumes}… {done}/{total} done ({parsed} parsed, {failed} failed)"
DONE = "Done: {parsed} of {total} {resumes} parsed"
DONE_FAILED = "Done: {parsed} of {total} {resumes} parsed, {failed} failed"
ALREADY_IMPORTED = "Already imported: {names}. Nothing new to do."
NOT_HERE = "HotGigs doesn't take resumes in this channel. Ask an admin to allow it."
INTAKE_FAILED = ("Sorry, I couldn't store these files ({reason}). Nothing was imported; "
                 "please share them again in a moment.")
DOWNLOAD_FAILED = "Couldn't fetch *{name}* from Slack: {reason}"
TOO_LARGE = "file too large: {mb} MB (limit {limit} MB)"
NO_DOWNLOAD_URL = "Slack gave no download link for it"
LOGIN_PAGE = "Slack answered with a sign-in page (does the app have the files:read scope?)"


def resumes(count: int) -> str:
    return "resume" if count == 1 else "resumes"


# -- result cards ---------------------------------------------------------------------------
OUTCOMES = {"created": "New candidate", "updated": "Merged into an existing candidate",
            "duplicate": "Already known (same file)"}
CARD_TITLE = "*{name}* · {outcome}"
OPEN = "Open"  # the card's button to the candidate's page
UNNAMED = "Unnamed candidate ({filename})"
NO_CONTACT = "no contact details found"
SKILLS = "Skills: {skills}"
MATCHES = "Top matches:"
MATCH_LINE = "• {title} — {score}{reason}"
FAILURES = "*Couldn't use {count} {files}:*"
FAILURE_LINE = "• {filename} — {reason}"
FALLBACK_CARD = "{name} ({outcome}){role}"
FALLBACK_FAILURE = "{filename} failed: {reason}"
NO_REASON = "no reason recorded"


def files(count: int) -> str:
    return "file" if count == 1 else "files"


# -- /hotgigs ---------------------------------------------------------------------------------
HELP = (
    "*HotGigs* — drop resumes (PDF, Word, images, ZIP) in a channel I'm in and I'll import "
    "them and answer in the thread.\n"
    "`/hotgigs match <job id, slug or description>` — your best candidates for a job\n"
    "`/hotgigs job add <title> | <description>` — save an open position\n"
    "`/hotgigs job list` — open positions\n"
    "`/hotgigs status` — queue and today's imports\n"
    "`/hotgigs drive add <folder URL or id>` — import the resumes in a Google Drive folder\n"
    "`/hotgigs drive connect` — connect your own Google Drive and pick folders to watch\n"
    "`/hotgigs email` — your personal address to forward resumes to\n"
    "`/hotgigs help` — this message"
)
UNKNOWN = "I don't know `{sub}`.\n"
EMAIL_ADDRESS = (
    "Forward resumes to `{address}`: they are imported as yours ({email}) and answered to "
    "{email}, whoever wrote the forwarded mail. Keep the address to yourself; your "
    "administrator can give you a new one (`hotgigs recruiter address {email} --rotate`)."
)
EMAIL_UNKNOWN = (
    "You have no personal email address yet. Ask your HotGigs administrator to run "
    "`hotgigs recruiter add <your email> --slack-user {team}/{user}`."
)
SEARCHING = "Searching…"
SAVING_JOB = "Saving the job…"
MATCH_USAGE = "Tell me which job: `/hotgigs match <job id, slug or description>`"
MATCH_NO_CANDIDATES = "You have no candidates yet: share resumes in a channel I'm in first."
MATCH_NONE = "No candidates of yours match {label}."
MATCH_HEADER = "Best candidates for {label}:"
MATCH_ROW = "*{rank}. {name}* — {score}/100{title}\n{summary}"
MATCH_FALLBACK_ROW = "{rank}. {name} — {score}/100"
FREE_TEXT = "your description"
JOB_USAGE = "Use `/hotgigs job add <title> | <description>` or `/hotgigs job list`."
JOB_ADD_USAGE = "Give a title and a description: `/hotgigs job add <title> | <description>`"
JOB_SAVED = ("Saved *{title}* as `{slug}` (id {id}).\nRequired: {required}\n"
             "Nice to have: {nice}")
JOB_NONE = "No open jobs yet. Add one with `/hotgigs job add <title> | <description>`."
JOB_ROW = "• `{slug}` (id {id}) — {title}{where}"
JOBS_HEADER = "Open jobs:"
STATUS_QUEUE = "Queue: {waiting} waiting (high {high}, low {low}).\n"
STATUS_TODAY = ("Today you imported {mine} {resumes}: {parsed} parsed, {failed} failed, "
                "{pending} in progress.")
STATUS_NO_QUEUE = "Queue: unknown (Redis is not reachable).\n"
CHECKING_FOLDER = "Checking the folder…"
DRIVE_USAGE = "Give a folder: `/hotgigs drive add <Google Drive folder URL or id>`"
DRIVE_BAD_REF = "That isn't a Google Drive folder link or id: `{ref}`"
DRIVE_WATCHING = ("Watching *{name}* (`{id}`) for you: its resumes are imported at the next "
                  "Drive sync and become your candidates.")
DRIVE_ALREADY = "You already watch *{name}* (`{id}`)."
DRIVE_UNCHECKED = ("\n_Google Drive isn't configured here yet (HOTGIGS_DRIVE_CREDENTIALS), so "
                   "the folder was saved unchecked; nothing is imported until it is._")
DRIVE_NOT_SHARED = ("I can't see folder `{id}`: share it (Viewer) with *{account}*, then run "
                    "`/hotgigs drive add` again.")
DRIVE_UNREADABLE = "I can't read folder `{id}` right now ({reason}). Please try again later."
DRIVE_CONNECT = ("<{url}|Connect your Google Drive>: sign in, allow HotGigs to read your Drive "
                 "(read-only), then pick the folders to watch. You can disconnect there too.")
DRIVE_CONNECT_OFF = ("Connecting your own Google Drive isn't set up here yet: ask your HotGigs "
                     "administrator (HOTGIGS_GOOGLE_CLIENT_ID, HOTGIGS_PUBLIC_URL), or share a "
                     "folder and use `/hotgigs drive add`.")
DRIVE_NOT_FOLDER = "*{name}* is not a folder ({mime}). Give the link of a folder."
FAILED_COMMAND = "Sorry, that didn't work ({reason}). Please try again."
NOT_ALLOWED = "HotGigs isn't enabled for this workspace or channel."
NONE = "—"

# possible duplicates on a candidate card (bots/slack/duplicates.py)
POSSIBLE_DUPLICATE = (":busts_in_silhouette: Possible duplicate of *{name}* "
                      "(candidate {candidate}): {evidence}")
NO_NAME_SHORT = "a candidate without a name"
MERGE_BUTTON = "Merge"
NOT_SAME_BUTTON = "Not the same person"
SPLIT_BUTTON = "Undo merge"
MERGED = ":white_check_mark: Merged into candidate {kept}."
NOT_SAME_DONE = "Marked as different people; they won't be suggested again."
SPLIT_DONE = (":leftwards_arrow_with_hook: Merge undone: candidate {restored} restored "
              "beside {kept}.")
DUPLICATE_REFUSED = "That didn't work: {reason}."
BAD_BUTTON = "That button carries nothing I understand."
