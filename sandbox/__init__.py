"""Local stand-ins for the chat platforms, served over loopback HTTP.

`sandbox.telegram` plays the Telegram Bot API and `sandbox.zalo` Zalo's Bot API. They are product
parts (the terminal chat runs the real bot against them) and test oracles (they check every call
the bot makes against the platform's published facts); they are not the bot's adapters.
"""
