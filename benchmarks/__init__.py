"""The kiosk's performance benchmarks: `python -m benchmarks [--quick]` (see README.md here)."""
