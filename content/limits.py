"""Telegram's limits as they apply to content (Bot API: sendMessage, sendPhoto, sendPoll)."""

MESSAGE_CHARS = 4096
CAPTION_CHARS = 1024
POLL_QUESTION_CHARS = 300
POLL_OPTION_CHARS = 100
POLL_EXPLANATION_CHARS = 200
MIN_OPTIONS = 3
MAX_OPTIONS = 4
MIN_QUESTIONS_PER_LESSON = 2
# Room the bot adds around a lesson (its title line, "today" heading, counters).
LESSON_FRAME_CHARS = 120
TIP_CHARS = 1000
DRILL_MESSAGE_CHARS = 1000
VERDICTS = ("scam", "safe")
CHANNELS = ("sms", "chat", "call")
