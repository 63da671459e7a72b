"""hocvuso's web server: the public certificate check (`/verify/CODE`), certificate pictures and
lesson media under `/media` (what MEDIA_BASE_URL points to), and the admins' dashboard. Served by
`hocvuso run` when DASHBOARD_LISTEN is set, or alone with `--role web`."""
