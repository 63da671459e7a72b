"""Translating the content through gettext PO files, for translators who do not edit YAML.

`export.py` writes every Vietnamese text as a PO entry (prefilled with what the target language
already has), `import_po.py` turns a translated PO file back into YAML files for that language,
checking them before they reach content/. A language made this way may be partial: the library
falls back to Vietnamese for what it lacks (`content.fallback`).
"""
