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

# -- interactive cards, modals, App Home, the message shortcut (issue 22) ----------------------
MATCH_BUTTON = "Match to a job…"
OPEN_BUTTON = "Open"
MORE_BUTTON = "Show 10 more"
MATCH_MODAL_TITLE = "Match to a job"
MATCH_MODAL_INTRO = "Which open job should *{name}* be scored against?"
MATCH_MODAL_JOB = "Job"
MATCH_MODAL_SUBMIT = "Score"
MATCH_MODAL_NO_JOBS = ("You have no open jobs yet. Add one from the HotGigs Home tab or with "
                       "`/hotgigs job add`.")
FIT_TITLE = "Match result"
FIT_TEXT = "*{name}* for *{job}* (`{slug}`): *{score}/100*\n{summary}"
FIT_NO_REASONS = "_No particular reasons recorded._"
CANDIDATE_TITLE = "Candidate"
CANDIDATE_NO_VALUE = "—"
CANDIDATE_FIELDS = {"email": "Email", "phone": "Phone", "location": "Location",
                    "skills": "Skills", "links": "Links"}
CANDIDATE_EXPERIENCE = "*Experience*"
CANDIDATE_EDUCATION = "*Education*"
CANDIDATE_ROLE = "• {title}{company} ({start} – {end})"
CANDIDATE_DEGREE = "• {degree}{institution}{date}"
CLOSE = "Close"
NOTICE_TITLE = "HotGigs"
NOT_YOURS = "Sorry, {reason}. Only the recruiter who imported a candidate can act on it."
STALE = "That button is out of date: {reason}."
REPLAYED = "That click was already handled."
TRIGGER_EXPIRED = "That took Slack too long to open; please click the button again."
JOB_MODAL_TITLE = "Add a job"
JOB_MODAL_SUBMIT = "Save"
JOB_FIELD_TITLE = "Title"
JOB_FIELD_DESCRIPTION = "Description"
JOB_FIELD_DESCRIPTION_HINT = "Paste the job ad: responsibilities, required and nice-to-have skills."
JOB_FIELD_LOCATION = "Location"
JOB_FIELD_REMOTE = "Remote"
JOB_REMOTE_OPTION = "This job can be done remotely"
JOB_ERROR_TITLE = "Give the job a title."
JOB_ERROR_TITLE_LONG = "Keep the title under {limit} characters."
JOB_ERROR_DESCRIPTION = "Describe the job in at least {minimum} characters, so it can be matched."
JOB_ERROR_LOCATION = "Keep the location under {limit} characters."
SAVING_TITLE = "Saving…"
SAVING_TEXT = "Saving the job and finding your best candidates for it…"
SAVED_TITLE = "Job saved"
SEARCH_TITLE = "Match a job"
SEARCH_SUBMIT = "Find"
SEARCHING_TEXT = "Searching your candidates…"
SEARCH_RESULTS_TITLE = "Best candidates"
DRIVE_MODAL_TITLE = "Connect Drive"
DRIVE_MODAL_SUBMIT = "Watch"
DRIVE_FIELD = "Google Drive folder link or id"
DRIVE_RESULT_TITLE = "Google Drive"
DRIVE_ERROR_EMPTY = "Paste the link of a Google Drive folder."
HOME_TITLE = "*Your HotGigs*"
HOME_ADD_JOB = "Add a job"
HOME_MATCH_JOB = "Match a job"
HOME_CONNECT_DRIVE = "Connect Drive"
HOME_IMPORTS = "*Recent imports*"
HOME_NO_IMPORTS = ("_Nothing imported yet. Drop resumes in a channel I'm in, or use "
                   "*Import to HotGigs* on any message with files._")
HOME_IMPORT_ROW = "{icon} {filename}{who} · {status}{reason} · {when}"
HOME_STATUS_ICONS = {"parsed": ":white_check_mark:", "failed": ":x:"}
HOME_JOBS = "*Open jobs* (new strong matches: score {strong}+ in the last {days} days)"
HOME_NO_JOBS = "_No open jobs. Add one with the button above._"
HOME_JOB_ROW = "• *{title}* (`{slug}`) — {count} new strong {matches}"
HOME_ADDRESS = "*Your inbound address*\nForward resumes to `{address}`."
HOME_NO_ADDRESS = ("*Your inbound address*\n_None yet: ask your administrator to run_ "
                   "`hotgigs recruiter add <your email> --slack-user {team}/{user}`.")
HOME_FOLDERS = "*Google Drive folders*"
HOME_NO_FOLDERS = "_No folders watched. Use Connect Drive._"
HOME_FOLDER_ROW = "• {name} (`{id}`) — {state}{reason}{synced}"
HOME_NEVER_SYNCED = ", not synced yet"
HOME_SYNCED = ", last synced {when}"
SHORTCUT_NO_FILES = "That message has no files to import."
SHORTCUT_NOT_VISIBLE = ("I can't see *{names}*: files shared where I'm not a member are "
                        "hidden from me. Invite me (`/invite @HotGigs`) or forward the message "
                        "to me in a direct message, then use *Import to HotGigs* again.")
SHORTCUT_STARTED = ("Importing {count} {resumes} for you; the results arrive in your direct "
                    "messages with HotGigs. Nothing was posted in this conversation.")
SHORTCUT_INTRO = "Importing {count} {resumes} you picked with *Import to HotGigs*."
SHORTCUT_NO_DM = ("I can't open a direct message with you ({reason}), so nothing was imported. "
                  "Ask an admin to reinstall HotGigs (it needs the im:write scope).")
POST_THREAD_BUTTON = "Post in thread"
POST_THREAD_NOT_READY = "Those resumes are still being processed; try again in a moment."
POST_THREAD_FAILED = "I couldn't post there ({reason}): invite me to that conversation first."
POST_THREAD_DONE = "Posted the results in the thread."
