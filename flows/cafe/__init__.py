"""Morning cafés: the bot in a community group, posting a tip and a quiz poll every café day,
keeping a weekly leaderboard, and bringing members into the private daily lessons.

Pure like the rest of flows/: the service layer (service/cafes.py) loads a café and its scores,
asks here what to say, and stores what changed.
"""
