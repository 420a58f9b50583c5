"""The static plugin: files under ``app/public/`` served at ``/public/`` (docs/static.md)."""
