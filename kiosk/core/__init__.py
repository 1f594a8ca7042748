"""Pure rules: loop order, the state machine, intents, staff logic, orientation, theme roles. No pygame."""
