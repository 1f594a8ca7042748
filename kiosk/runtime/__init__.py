"""The running kiosk: the loop, input, reload, statistics, settings, waiting and the watchdog."""
