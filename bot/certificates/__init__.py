"""Certificates a learner earns by finishing a module.

This package holds only the picture (`picture.render_certificate`): the caller decides who earned
what, words every visible line in the learner's language and keeps the verification code, so the
drawing stays free of wording, storage and chat platforms alike.
"""
