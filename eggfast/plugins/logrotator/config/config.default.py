"""The logrotator plugin's defaults (Egg's egg-logrotator; docs/logrotator.md)."""

config = {
    "logrotator": {
        # file names or paths rotated every hour (<file>.YYYY-MM-DD-HH) instead of every day
        "files_rotate_by_hour": [],
        "hour_delimiter": "-",
        # file names or paths rotated when bigger than max_file_size (<file>.1 ... <file>.<max_files>)
        "files_rotate_by_size": [],
        "max_file_size": 50 * 1024 * 1024,
        "max_files": 10,
        # seconds between two size checks
        "rotate_duration": 60,
        # rotated files older than this many days are deleted (0 keeps them all)
        "max_days": 31,
    },
}
